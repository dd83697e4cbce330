#include "io/compact_date.h"

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace annals::internal {

std::optional<Timestamp> ParseCompactDate(std::string_view s) {
  if (s.size() != 8 && s.size() != 14) return std::nullopt;
  int v[6] = {0, 1, 1, 0, 0, 0};
  static constexpr int kWidth[6] = {4, 2, 2, 2, 2, 2};
  size_t pos = 0;
  for (int f = 0; f < (s.size() == 8 ? 3 : 6); ++f) {
    int x = 0;
    for (int k = 0; k < kWidth[f]; ++k) {
      char c = s[pos++];
      if (c < '0' || c > '9') return std::nullopt;
      x = x * 10 + (c - '0');
    }
    v[f] = x;
  }
  if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[3] > 23 || v[4] > 59 || v[5] > 59)
    return std::nullopt;
  absl::CivilSecond cs(v[0], v[1], v[2], v[3], v[4], v[5]);
  if (cs.day() != v[2]) return std::nullopt;  // e.g. 20150231 normalised to March
  int64_t micros = absl::ToUnixMicros(absl::FromCivil(cs, absl::UTCTimeZone()));
  return Timestamp{micros, s.size() == 8 ? Precision::kDay : Precision::kSecond};
}

std::string FormatCompactDate(const Timestamp& t, bool with_time) {
  if (!t.present()) return "";
  absl::CivilSecond cs =
      absl::ToCivilSecond(absl::FromUnixMicros(t.micros), absl::UTCTimeZone());
  if (!with_time) return absl::StrFormat("%04d%02d%02d", cs.year(), cs.month(), cs.day());
  return absl::StrFormat("%04d%02d%02d%02d%02d%02d", cs.year(), cs.month(), cs.day(),
                         cs.hour(), cs.minute(), cs.second());
}

}  // namespace annals::internal
