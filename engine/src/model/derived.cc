// Derived fields (model/derived.h).
#include "model/derived.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "annals/time.h"
#include "model/sv.h"

namespace annals::internal {

const CameoCode* CodebookEntry(std::string_view code) {
  for (size_t n = code.size(); n >= 2; --n)
    if (const CameoCode* c = FindCameoCode(code.substr(0, n))) return c;
  return nullptr;
}

std::optional<int> QuadOf(const Statement& s) {
  const CameoCode* c = CodebookEntry(s.code);
  if (c == nullptr || c->quad_class < 1 || c->quad_class > 4) return std::nullopt;
  return c->quad_class;
}

std::string RootOf(const Statement& s) {
  const CameoCode* c = CodebookEntry(s.code);
  return c == nullptr ? std::string() : std::string(c->root_code);
}

std::optional<double> GoldsteinOf(const Statement& s) {
  for (const Attribute& a : s.attributes)
    if (a.key == "GoldsteinScale")
      if (auto v = ParseNumber(a.value)) return v;
  const CameoCode* c = CodebookEntry(s.code);
  if (c == nullptr) return std::nullopt;
  return c->goldstein;
}

std::vector<std::string> AttributeValues(const Statement& s, std::string_view key) {
  std::vector<std::string> out;
  for (const Attribute& a : s.attributes)
    if (a.key == key && !a.value.empty()) out.push_back(a.value);
  return out;
}

std::optional<double> ParseNumber(std::string_view text) {
  double v = 0;
  if (!absl::SimpleAtod(AV(text), &v) || !std::isfinite(v)) return std::nullopt;
  return v == 0 ? 0.0 : v;  // -0 is 0
}

std::string FormatNumber(double v) { return absl::StrCat(v == 0 ? 0.0 : v); }

std::optional<Period> ParsePeriod(std::string_view name) {
  if (name == "day") return Period::kDay;
  if (name == "week") return Period::kWeek;
  if (name == "month") return Period::kMonth;
  if (name == "year") return Period::kYear;
  return std::nullopt;
}

const char* PeriodName(Period p) {
  switch (p) {
    case Period::kDay: return "day";
    case Period::kWeek: return "week";
    case Period::kMonth: return "month";
    case Period::kYear: return "year";
  }
  return "";
}

namespace {

// Monday = 0 ... Sunday = 6.
int WeekdayIndex(absl::CivilDay d) {
  switch (absl::GetWeekday(d)) {
    case absl::Weekday::monday: return 0;
    case absl::Weekday::tuesday: return 1;
    case absl::Weekday::wednesday: return 2;
    case absl::Weekday::thursday: return 3;
    case absl::Weekday::friday: return 4;
    case absl::Weekday::saturday: return 5;
    case absl::Weekday::sunday: return 6;
  }
  return 0;
}

// ISO 8601 week: the week-year is the year of the week's Thursday.
std::string IsoWeek(absl::CivilDay d) {
  absl::CivilDay thursday = d + (3 - WeekdayIndex(d));
  int week = (absl::GetYearDay(thursday) - 1) / 7 + 1;
  return absl::StrFormat("%04d-W%02d", thursday.year(), week);
}

}  // namespace

std::string PeriodOf(const Timestamp& t, Period p) {
  if (!t.present()) return "";
  const absl::CivilSecond cs =
      absl::ToCivilSecond(absl::FromUnixMicros(t.micros), absl::UTCTimeZone());
  // Years as declarative projections always keyed them (not zero-padded).
  if (p == Period::kYear || t.precision == Precision::kYear) return absl::StrCat(cs.year());
  if (p == Period::kMonth || t.precision == Precision::kMonth)
    return absl::StrFormat("%04d-%02d", cs.year(), cs.month());
  const absl::CivilDay d(cs);
  if (p == Period::kWeek) return IsoWeek(d);
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

bool IsPeriodLabel(std::string_view label, Period p) {
  if (p == Period::kWeek) {
    int year = 0, week = 0;
    if (label.size() != 8 || label.substr(4, 2) != "-W" ||
        !absl::SimpleAtoi(AV(label.substr(0, 4)), &year) ||
        !absl::SimpleAtoi(AV(label.substr(6)), &week) || year < 1 || week < 1)
      return false;
    // Week 1 is the week of January 4th; a week past the year's last one
    // (53 in most years) names a week of the next year.
    const absl::CivilDay jan4(year, 1, 4);
    const absl::CivilDay monday = jan4 - WeekdayIndex(jan4) + 7 * (week - 1);
    return week <= 53 && IsoWeek(monday) == label;
  }
  const size_t want = p == Period::kDay ? 10 : p == Period::kMonth ? 7 : 4;
  if (label.size() != want) return false;
  for (char c : label)
    if (!(c >= '0' && c <= '9') && c != '-') return false;
  auto t = ParseTime(label);
  return t.ok() && PeriodOf(*t, p) == label;
}

}  // namespace annals::internal
