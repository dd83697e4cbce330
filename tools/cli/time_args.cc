#include "cli/time_args.h"


namespace annals::cli {

absl::Status ParseDate(const std::string& text, Timestamp* out) {
  if (text.empty()) return absl::OkStatus();
  auto t = ParseTime(text);
  if (!t.ok()) return t.status();
  *out = *t;
  return absl::OkStatus();
}

}  // namespace annals::cli
