// Series (annals/series.h): a timeline read page by page, each statement
// put in its period (model/derived.h), empty periods filled in.
#include "annals/series.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "analysis/timeline_walk.h"
#include "annals/engine.h"
#include "model/derived.h"
#include "model/sv.h"

namespace annals {
namespace {

using internal::Period;

Period Internal(SeriesPeriod p) {
  switch (p) {
    case SeriesPeriod::kDay: return Period::kDay;
    case SeriesPeriod::kWeek: return Period::kWeek;
    case SeriesPeriod::kMonth: return Period::kMonth;
    case SeriesPeriod::kYear: return Period::kYear;
  }
  return Period::kMonth;
}

// The precision a period needs of a statement's time.
Precision Needs(Period p) {
  switch (p) {
    case Period::kDay:
    case Period::kWeek: return Precision::kDay;
    case Period::kMonth: return Precision::kMonth;
    case Period::kYear: return Precision::kYear;
  }
  return Precision::kDay;
}

// The first day of the period holding `micros`.
absl::CivilDay PeriodStart(int64_t micros, Period p) {
  const absl::CivilDay d(
      absl::ToCivilSecond(absl::FromUnixMicros(micros), absl::UTCTimeZone()));
  switch (p) {
    case Period::kDay: return d;
    case Period::kWeek: return absl::PrevWeekday(d + 1, absl::Weekday::monday);
    case Period::kMonth: return absl::CivilDay(absl::CivilMonth(d));
    case Period::kYear: return absl::CivilDay(absl::CivilYear(d));
  }
  return d;
}

absl::CivilDay NextStart(absl::CivilDay start, Period p) {
  switch (p) {
    case Period::kDay: return start + 1;
    case Period::kWeek: return start + 7;
    case Period::kMonth: return absl::CivilDay(absl::CivilMonth(start) + 1);
    case Period::kYear: return absl::CivilDay(absl::CivilYear(start) + 1);
  }
  return start + 1;
}

int64_t Micros(absl::CivilDay d) {
  return absl::ToUnixMicros(absl::FromCivil(d, absl::UTCTimeZone()));
}

const char* PrecisionName(Precision p) {
  return p == Precision::kYear ? "year" : p == Precision::kMonth ? "month" : "day";
}

// Rows keyed by (start, coarser first): the order they are shown in.
using RowKey = std::tuple<int64_t, int, std::string>;

void Add(const Statement& s, Period p, std::map<RowKey, SeriesRow>* rows) {
  const Timestamp& t = s.occurred_at;
  if (!t.present()) return;
  const bool coarse = t.precision < Needs(p);
  const Period own = t.precision == Precision::kYear ? Period::kYear : Period::kMonth;
  const Period bucket = coarse ? own : p;
  SeriesRow& row = (*rows)[{Micros(PeriodStart(t.micros, bucket)),
                            coarse ? static_cast<int>(t.precision) : 9,
                            internal::PeriodOf(t, p)}];
  if (row.period.empty()) {
    row.period = internal::PeriodOf(t, p);
    row.coarse = coarse;
    row.precision = coarse ? PrecisionName(t.precision) : internal::PeriodName(p);
  }
  ++row.count;
  if (auto g = internal::GoldsteinOf(s)) {
    row.goldstein_sum += *g;
    ++row.scored;
  }
  if (auto q = internal::QuadOf(s)) ++row.quad[static_cast<size_t>(*q - 1)];
}

// Empty periods between the first and the last (or the query's bounds),
// up to kMaxSeriesPeriods in all (a day series from year 1 to 9999 would
// be 3.65 million rows): kInvalidArgument past it, nothing filled.
absl::Status Fill(const SeriesQuery& q, Period p, std::map<RowKey, SeriesRow>* rows) {
  std::optional<absl::CivilDay> lo, hi;
  for (const auto& [k, row] : *rows) {
    if (row.coarse) continue;
    const absl::CivilDay d = PeriodStart(std::get<0>(k), p);
    if (!lo || d < *lo) lo = d;
    if (!hi || d > *hi) hi = d;
  }
  if (q.timeline.from.present()) lo = PeriodStart(q.timeline.from.micros, p);
  if (q.timeline.to.present()) hi = PeriodStart(EndOfPeriod(q.timeline.to), p);
  if (!lo || !hi) return absl::OkStatus();
  size_t periods = 0;
  for (absl::CivilDay d = *lo; d <= *hi && periods <= kMaxSeriesPeriods; d = NextStart(d, p))
    ++periods;
  if (periods > kMaxSeriesPeriods)
    return absl::InvalidArgumentError(absl::StrCat(
        "the series would span more than ", kMaxSeriesPeriods, " ", internal::PeriodName(p),
        "s (from ", absl::FormatCivilTime(*lo), " to ", absl::FormatCivilTime(*hi),
        "): narrow it with from/to (--from/--to) or a longer period (--by)"));
  for (absl::CivilDay d = *lo; d <= *hi; d = NextStart(d, p)) {
    const Timestamp t{Micros(d), Precision::kDay};
    SeriesRow& row = (*rows)[{t.micros, 9, internal::PeriodOf(t, p)}];
    if (row.period.empty()) {
      row.period = internal::PeriodOf(t, p);
      row.precision = internal::PeriodName(p);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SeriesPeriod> ParseSeriesPeriod(std::string_view name) {
  if (name == "day") return SeriesPeriod::kDay;
  if (name == "week") return SeriesPeriod::kWeek;
  if (name == "month") return SeriesPeriod::kMonth;
  if (name == "year") return SeriesPeriod::kYear;
  return absl::InvalidArgumentError(
      absl::StrCat("period '", internal::AV(name), "': use day, week, month or year"));
}

absl::StatusOr<Series> ComputeSeries(const Engine& engine, const SeriesQuery& sq) {
  const Period p = Internal(sq.by);
  std::map<RowKey, SeriesRow> rows;
  Series out;
  auto as_of = internal::WalkTimeline(
      engine, sq.timeline, [&](TimelineEntry& e) { Add(e.event.statement, p, &rows); });
  if (!as_of.ok()) return as_of.status();
  out.as_of = *as_of;
  if (absl::Status st = Fill(sq, p, &rows); !st.ok()) return st;
  for (auto& [k, row] : rows) out.rows.push_back(std::move(row));
  return out;
}

}  // namespace annals
