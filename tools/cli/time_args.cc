#include "cli/time_args.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace annals::cli {

int64_t EndOfPeriod(const Timestamp& t) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time start = absl::FromUnixMicros(t.micros);
  absl::Time end;
  switch (t.precision) {
    case Precision::kYear:
      end = absl::FromCivil(absl::ToCivilYear(start, utc) + 1, utc);
      break;
    case Precision::kMonth:
      end = absl::FromCivil(absl::ToCivilMonth(start, utc) + 1, utc);
      break;
    case Precision::kDay:
      end = absl::FromCivil(absl::ToCivilDay(start, utc) + 1, utc);
      break;
    default:
      if (t.micros % 1000000 != 0) return t.micros;
      end = start + absl::Seconds(1);
      break;
  }
  return absl::ToUnixMicros(end) - 1;
}

absl::StatusOr<AsOfArg> ParseAsOfArg(const std::string& text) {
  AsOfArg arg;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    if (!absl::SimpleAtoi(text, &arg.seq))
      return absl::InvalidArgumentError(absl::StrCat("seq out of range: ", text));
    arg.is_seq = true;
    return arg;
  }
  auto t = ParseTime(text);
  if (!t.ok())
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a seq or an ISO 8601 time; ", std::string(t.status().message())));
  arg.recorded_at = EndOfPeriod(*t);
  return arg;
}

absl::Status ParseDate(const std::string& text, Timestamp* out) {
  if (text.empty()) return absl::OkStatus();
  auto t = ParseTime(text);
  if (!t.ok()) return t.status();
  *out = *t;
  return absl::OkStatus();
}

}  // namespace annals::cli
