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

// --from and --to together (dates: when statements occurred). Errors say
// which flag ("--from: ..."); a number that is not a date gets a hint that
// log positions are --from-seq/--to-seq; a range with nothing in it
// (CheckRange: --from 2019 --to 2018) is kInvalidArgument.
absl::Status ParseDateRange(const std::string& from_text, const std::string& to_text,
                            Timestamp* from, Timestamp* to);

// Whether `t` lies in the range ParseDateRange read, as timelines bound
// statements: from.micros <= t.micros <= EndOfPeriod(to). An absent bound
// is open; an absent `t` (an event that is not dated) is in the range only
// when both bounds are absent.
bool InDateRange(const Timestamp& t, const Timestamp& from, const Timestamp& to);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_TIME_ARGS_H_
