// ISO 8601 parsing and formatting at a stated precision.
#include "annals/time.h"

#include <cctype>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace annals {
using internal::AV;
using internal::SV;
namespace {

// Reads exactly `n` ASCII digits at `pos`; false if they are not there.
bool Digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
constexpr int64_t kMinMicros = -62135596800LL * 1000000;
constexpr int64_t kMaxMicros = 253402300799LL * 1000000 + 999999;

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "'", AV(text.substr(0, 64)), "' is not an ISO 8601 date (", AV(why),
      "); expected 2025, 2025-03, 2025-03-31 (or 20250331) or "
      "2025-03-31T14:05:00Z"));
}

// ISO 8601's basic calendar date, YYYYMMDD (GDELT's SQLDATE): day
// precision. Its month form YYYYMM is not ISO 8601 (the standard leaves it
// out as too easily read as YYMMDD), so six digits are refused with a hint.
absl::StatusOr<Timestamp> ParseBasicDate(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!Digits(text, pos, 4, year) || year < 1) return Bad(text, "bad year");
  if (!Digits(text, pos, 2, month) || month < 1 || month > 12)
    return Bad(text, "bad month in YYYYMMDD");
  if (!Digits(text, pos, 2, day) || day < 1) return Bad(text, "bad day in YYYYMMDD");
  absl::CivilDay cd(year, month, day);
  if (cd.month() != month || cd.day() != day) return Bad(text, "no such day");
  Timestamp out;
  out.micros = absl::ToUnixMicros(absl::FromCivil(cd, absl::UTCTimeZone()));
  out.precision = Precision::kDay;
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

absl::StatusOr<Timestamp> ParseTime(std::string_view text) {
  if (text.size() == 8 && AllDigits(text)) return ParseBasicDate(text);
  if (text.size() == 6 && AllDigits(text))
    return Bad(text, "YYYYMM is ambiguous; write the month as YYYY-MM");
  size_t pos = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t frac_micros = 0;
  Precision precision = Precision::kYear;
  if (!Digits(text, pos, 4, year) || year < 1) return Bad(text, "bad year");
  if (pos < text.size()) {
    if (text[pos++] != '-' || !Digits(text, pos, 2, month) || month < 1 ||
        month > 12)
      return Bad(text, "bad month");
    precision = Precision::kMonth;
  }
  if (pos < text.size()) {
    if (text[pos++] != '-' || !Digits(text, pos, 2, day) || day < 1)
      return Bad(text, "bad day");
    // Reject days past the month's end (2025-02-30) rather than rolling over.
    absl::CivilDay cd(year, month, day);
    if (cd.month() != month || cd.day() != day)
      return Bad(text, "no such day");
    precision = Precision::kDay;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    char sep = text[pos++];
    if (sep != 'T' && sep != 't' && sep != ' ') return Bad(text, "bad time");
    if (!Digits(text, pos, 2, hour) || hour > 23 || pos >= text.size() ||
        text[pos++] != ':' || !Digits(text, pos, 2, minute) || minute > 59)
      return Bad(text, "bad time");
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!Digits(text, pos, 2, second) || second > 59)
        return Bad(text, "bad seconds");
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int n = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (n >= 6) return Bad(text, "more than 6 fractional digits");
          frac_micros = frac_micros * 10 + (text[pos++] - '0');
          ++n;
        }
        if (n == 0) return Bad(text, "empty fraction");
        for (; n < 6; ++n) frac_micros *= 10;
      }
    }
    if (pos < text.size()) {
      char z = text[pos++];
      if (z == 'Z' || z == 'z') {
      } else if (z == '+' || z == '-') {
        int oh = 0, om = 0;
        if (!Digits(text, pos, 2, oh) || oh > 23) return Bad(text, "bad offset");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (!Digits(text, pos, 2, om) || om > 59) return Bad(text, "bad offset");
        offset_seconds = (z == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        return Bad(text, "bad offset");
      }
    }
    precision = Precision::kSecond;
  }
  if (pos != text.size()) return Bad(text, "trailing characters");
  absl::Time t = absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second),
      absl::UTCTimeZone());
  Timestamp out;
  out.micros = absl::ToUnixMicros(t) - offset_seconds * 1000000 + frac_micros;
  out.precision = precision;
  // An offset can carry a time at the edge of the range into year 0 or
  // 10000 in UTC, which neither formats back as four digits nor validates.
  if (out.micros < kMinMicros || out.micros > kMaxMicros)
    return Bad(text, "outside the years 0001-9999 in UTC");
  return out;
}

std::string FormatTime(const Timestamp& t) {
  if (!t.present()) return "";
  absl::Time at = absl::FromUnixMicros(t.micros);
  absl::CivilSecond cs = absl::ToCivilSecond(at, absl::UTCTimeZone());
  switch (t.precision) {
    case Precision::kYear:
      return absl::StrFormat("%04d", cs.year());
    case Precision::kMonth:
      return absl::StrFormat("%04d-%02d", cs.year(), cs.month());
    case Precision::kDay:
      return absl::StrFormat("%04d-%02d-%02d", cs.year(), cs.month(), cs.day());
    default: {
      int64_t frac = t.micros % 1000000;
      if (frac < 0) frac += 1000000;
      std::string s = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", cs.year(),
                                      cs.month(), cs.day(), cs.hour(),
                                      cs.minute(), cs.second());
      if (frac != 0) absl::StrAppendFormat(&s, ".%06d", frac);
      s += "Z";
      return s;
    }
  }
}

absl::Status CheckRange(const Timestamp& from, const Timestamp& to) {
  if (!from.present() || !to.present() || from.micros <= EndOfPeriod(to))
    return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "the range is empty: ", FormatTime(from), " is after the end of ", FormatTime(to)));
}

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
      if (t.micros % 1000000 != 0) return t.micros;  // that microsecond
      end = start + absl::Seconds(1);
      break;
  }
  return absl::ToUnixMicros(end) - 1;
}

Timestamp Now() {
  return Timestamp{absl::ToUnixMicros(absl::Now()), Precision::kSecond};
}

}  // namespace annals
