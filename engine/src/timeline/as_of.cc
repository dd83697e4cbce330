// ResolveAsOf (annals/timeline.h): the one reading of an as-of argument,
// shared by the CLI and the Python module.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "annals/engine.h"
#include "annals/time.h"
#include "annals/timeline.h"
#include "model/sv.h"

namespace annals {

absl::StatusOr<uint64_t> ResolveAsOf(const Engine& engine, std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t seq = 0;
    if (!absl::SimpleAtoi(internal::AV(text), &seq))
      return absl::InvalidArgumentError(absl::StrCat("seq out of range: ", internal::AV(text)));
    return seq;
  }
  auto t = ParseTime(text);
  if (!t.ok())
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a seq or an ISO 8601 time; ", t.status().message()));
  return engine.SeqAt(EndOfPeriod(*t));
}

}  // namespace annals
