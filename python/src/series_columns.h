// Store.series_columns (db.series_frame): annals::ComputeSeries
// (annals/series.h) as frame columns.
#ifndef ANNALS_PYTHON_SRC_SERIES_COLUMNS_H_
#define ANNALS_PYTHON_SRC_SERIES_COLUMNS_H_

#include <memory>
#include <string>
#include <vector>

#include "annals/series.h"
#include "convert.h"
#include "store.h"
#include "timeline_args.h"

namespace annals::python {

// A series (annals/series.h) as frame columns: period, precision, coarse,
// count, scored, goldstein_sum, quad1..quad4. Arguments as Store.timeline's.
inline py::dict SeriesColumns(Store& store, const std::string& kind, const std::string& name,
                              const std::string& projection,
                              const std::vector<std::string>& key, const std::string& role,
                              const std::string& by, const std::string& start,
                              const std::string& end, const std::string& as_of) {
  const std::shared_ptr<Engine> held = store.engine();  // alive through the call
  Engine& e = *held;
  SeriesQuery sq;
  sq.by = Take(ParseSeriesPeriod(by));
  sq.timeline = TimelineQueryOf(e, !store.opened_read_only(),
                                {kind, name, projection, key, role, start, end, as_of});
  Series series = Take(WithoutGil([&] { return ComputeSeries(e, sq); }));
  py::list period, precision, coarse;
  MeasureColumns measures;
  for (const SeriesRow& r : series.rows) {
    period.append(Text(r.period));
    precision.append(Text(r.precision));
    coarse.append(r.coarse);
    measures.Add(r);
  }
  py::dict d;
  d["period"] = period;
  d["precision"] = precision;
  d["coarse"] = coarse;
  measures.Into(d);
  d["as_of"] = series.as_of;
  return d;
}

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_SERIES_COLUMNS_H_
