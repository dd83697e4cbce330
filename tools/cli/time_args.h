// Parsing the CLI's time arguments (--as-of, --from, --to), apart from the
// commands so they can be tested and fuzzed alone.
#ifndef ANNALS_TOOLS_CLI_TIME_ARGS_H_
#define ANNALS_TOOLS_CLI_TIME_ARGS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/time.h"

namespace annals::cli {

// --as-of is read by annals::ResolveAsOf (annals/timeline.h), whose time
// half is ParseTime + annals::EndOfPeriod (annals/time.h).

// --from / --to: "" leaves `out` unchanged (no bound).
absl::Status ParseDate(const std::string& text, Timestamp* out);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_TIME_ARGS_H_
