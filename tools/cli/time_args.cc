#include "cli/time_args.h"

#include "absl/strings/str_cat.h"

namespace annals::cli {
namespace {

absl::Status ParseFlag(const char* flag, const std::string& text, Timestamp* out) {
  absl::Status st = ParseDate(text, out);
  if (st.ok()) return st;
  std::string msg = absl::StrCat(flag, ": ", st.message());
  if (text.find_first_not_of("0123456789") == std::string::npos)
    absl::StrAppend(&msg, " (", flag, " is a date; log positions are ", flag, "-seq)");
  return absl::InvalidArgumentError(msg);
}

}  // namespace

absl::Status ParseDate(const std::string& text, Timestamp* out) {
  if (text.empty()) return absl::OkStatus();
  auto t = ParseTime(text);
  if (!t.ok()) return t.status();
  *out = *t;
  return absl::OkStatus();
}

absl::Status ParseDateRange(const std::string& from_text, const std::string& to_text,
                            Timestamp* from, Timestamp* to) {
  if (absl::Status st = ParseFlag("--from", from_text, from); !st.ok()) return st;
  if (absl::Status st = ParseFlag("--to", to_text, to); !st.ok()) return st;
  return CheckRange(*from, *to);
}

bool InDateRange(const Timestamp& t, const Timestamp& from, const Timestamp& to) {
  if (!from.present() && !to.present()) return true;
  if (!t.present()) return false;
  if (from.present() && t.micros < from.micros) return false;
  return !to.present() || t.micros <= EndOfPeriod(to);
}

}  // namespace annals::cli
