// Parsing the CLI's time arguments (--as-of, --from, --to), apart from the
// commands so they can be tested and fuzzed alone.
#ifndef ANNALS_TOOLS_CLI_TIME_ARGS_H_
#define ANNALS_TOOLS_CLI_TIME_ARGS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/time.h"

namespace annals::cli {

// The last microsecond of the period `t` names: as of "2025-04-01" means
// everything recorded by the end of that day; a whole-second time means the
// end of that second (log output shows recorded_at to the second).
int64_t EndOfPeriod(const Timestamp& t);

// An --as-of argument: all digits is a seq; anything else an ISO 8601 time,
// meaning the end of the period it names (recorded_at, UTC micros).
struct AsOfArg {
  bool is_seq = false;
  uint64_t seq = 0;          // is_seq
  int64_t recorded_at = 0;   // !is_seq
};
absl::StatusOr<AsOfArg> ParseAsOfArg(const std::string& text);

// --from / --to: "" leaves `out` unchanged (no bound).
absl::Status ParseDate(const std::string& text, Timestamp* out);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_TIME_ARGS_H_
