// Time series of a timeline: how many statements by or about an actor, on
// a topic, or in a declarative projection's group fall in each day, ISO
// week, month or year, with Goldstein and quad-class measures.
//
// A series counts exactly the statements the timeline lists with the same
// query (timeline.h): the current view as of `as_of` (corrections applied,
// retractions left out, aliases merged), within [from, to]. Periods with no
// statement are rows of zeros, from the first period to the last (from
// `from`'s period to `to`'s when given). A statement dated more coarsely
// than the period (a year, for a month series) is in a bucket at its own
// precision, a row of its own marked by `precision`, placed where it starts
// (before the periods that start in it): never merged into a period.
#ifndef ANNALS_SERIES_H_
#define ANNALS_SERIES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/timeline.h"
#include "annals/visibility.h"

namespace annals {

enum class SeriesPeriod { kDay, kWeek, kMonth, kYear };

struct SeriesQuery {
  // Which statements, and as of when: kind/name/role, or projection/key;
  // from, to, as_of, wait. Its paging fields (limit, cursor, reverse) and
  // include_retracted are ignored.
  TimelineQuery timeline;
  SeriesPeriod by = SeriesPeriod::kMonth;
};

struct SeriesRow {
  // "2025-03-31", "2025-W14" (ISO 8601 week of the ISO week-year),
  // "2025-03", "2025"; for a coarse bucket, the label at its own precision.
  std::string period;
  // "day", "week", "month", "year": the series' period, or the coarser
  // precision of a bucket's statements.
  std::string precision;
  bool coarse = false;  // a bucket of statements dated more coarsely
  uint64_t count = 0;
  // Goldstein scores (the statement's GoldsteinScale attribute when it is
  // a number, else the CAMEO codebook's for its code): their sum over the
  // `scored` statements that have one.
  double goldstein_sum = 0;
  uint64_t scored = 0;
  // Statements per CAMEO quad class 1-4 (through the codebook; statements
  // whose code is not CAMEO are in none).
  std::array<uint64_t, 4> quad = {0, 0, 0, 0};
};

struct Series {
  std::vector<SeriesRow> rows;  // in time order, coarse buckets before their periods
  uint64_t as_of = 0;           // the log seq the answer is as of
};

// "day", "week", "month", "year" -> the period; kInvalidArgument otherwise.
ANNALS_EXPORT absl::StatusOr<SeriesPeriod> ParseSeriesPeriod(std::string_view name);

// The most rows of periods a series has (coarse buckets aside): 100,000
// (273 years of days).
inline constexpr size_t kMaxSeriesPeriods = 100000;

// The series of `q` over `engine`'s timelines. Errors as Engine::Timeline;
// kInvalidArgument when its periods, from the first to the last (or from
// q.timeline.from to .to), would be more than kMaxSeriesPeriods.
// Thread-safe as Engine::Timeline is.
ANNALS_EXPORT absl::StatusOr<Series> ComputeSeries(const Engine& engine, const SeriesQuery& q);

}  // namespace annals

#endif  // ANNALS_SERIES_H_
