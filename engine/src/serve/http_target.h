// The parts of an HTTP request target the HTTP/JSON front (docs/HTTP.md)
// reads: the path, split and percent-decoded, and the query parameters.
// Pure functions, no I/O: the fuzz target (fuzz/) drives them directly.
// Every parse is linear in its input.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_TARGET_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_TARGET_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace annals::internal {

struct HttpTarget {
  std::vector<std::string> path;                    // "/v1/events/7" -> v1, events, 7
  std::map<std::string, std::string> query;         // decoded name -> value
  std::vector<std::string> keys;  // every key= value, in order (key may repeat)
};

// "/a/b?x=1&y=%C3%A9+z". '+' in the query is a space; "%XX" is a byte.
// kInvalidArgument: not starting with '/', a bad %-escape, a parameter
// given twice (but key=, once per key field of a projection: `keys`), an
// empty parameter name.
absl::StatusOr<HttpTarget> ParseTarget(std::string_view target);

// kInvalidArgument naming the first parameter not in `known` (so a
// misspelt parameter is never ignored silently).
absl::Status CheckParams(const HttpTarget& target, std::initializer_list<std::string_view> known);

// The parameter's value; nullopt when absent.
std::optional<std::string> Param(const HttpTarget& target, const std::string& name);

// `text` as a decimal number in [0, 2^64-1] (digits only: no sign, no
// space); kInvalidArgument "WHAT: expected ..., got 'text'" otherwise.
absl::StatusOr<uint64_t> ParseUint(const std::string& what, const std::string& text);

// A decimal parameter (ParseUint); `fallback` when absent. kInvalidArgument naming the
// parameter when it is not a number in [0, 2^64-1].
absl::StatusOr<uint64_t> UintParam(const HttpTarget& target, const std::string& name,
                                   uint64_t fallback);

// "true"/"1" or "false"/"0"; `fallback` when absent.
absl::StatusOr<bool> BoolParam(const HttpTarget& target, const std::string& name,
                               bool fallback);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_TARGET_H_
