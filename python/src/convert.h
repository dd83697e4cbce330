// The _annals module's conversions: engine values to Python objects (event
// and timeline-entry dicts, frame columns), errors to StatusError (turned
// into annals.Error subclasses by the module's translator), and time
// arguments from Python. Call with the GIL held.
#ifndef ANNALS_PYTHON_SRC_CONVERT_H_
#define ANNALS_PYTHON_SRC_CONVERT_H_

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/export.h"
#include "annals/fields.h"
#include "annals/import.h"
#include "annals/json.h"
#include "annals/series.h"
#include "annals/time.h"
#include "annals/timeline.h"
#include "annals/version.h"
#include "import_args.h"

namespace annals::python {

namespace py = pybind11;

// An absl::Status on its way to Python as an annals.Error subclass.
struct StatusError {
  absl::Status status;
};

inline void Check(const absl::Status& st) {
  if (!st.ok()) throw StatusError{st};
}
template <typename T>
T Take(absl::StatusOr<T> v) {
  if (!v.ok()) throw StatusError{v.status()};
  return *std::move(v);
}

inline py::object Text(const std::string& s) {
  if (s.empty()) return py::none();
  return py::str(s);
}
inline py::object Time(const Timestamp& t) {
  if (!t.present()) return py::none();
  return py::str(FormatTime(t));
}
inline py::list Strings(const std::vector<std::string>& v) {
  py::list out;
  for (const auto& s : v) out.append(py::str(s));
  return out;
}

// One event as a dict with the fields, order and values of
// `annals log --format jsonl` (EventToJson), including what an amendment
// amends: target and reason (corrections, retractions), alias and canonical
// (aliases). Built directly rather than by json.loads(EventToJson(e)), which
// made iterating a log about 1.6x slower; tests/python/test_api.py checks
// the two agree for every kind of event.
// A field's value as Python: text as str (None when absent), lists as
// lists, times as ISO 8601 text (None when absent), attributes as a dict.
inline py::object FieldValue(const StatementField& f, const Statement& s) {
  switch (f.type) {
    case FieldType::kText: return Text(f.Text(s));
    case FieldType::kTextList: return Strings(f.List(s));
    case FieldType::kTime: return Time(f.Time(s));
    case FieldType::kAttributes: {
      py::dict attributes;
      for (const Attribute& a : s.attributes) attributes[py::str(a.key)] = py::str(a.value);
      return attributes;
    }
  }
  return py::none();
}

inline py::dict EventDict(const Event& e) {
  py::dict d;
  d["seq"] = e.seq;
  d["recorded_at"] = Time({e.recorded_at, Precision::kSecond});
  d["kind"] = EventKindName(e.kind);
  d["id"] = Text(e.id);
  // The fields in table order; a group's fields in a dict of their own.
  for (const StatementField& f : StatementFields()) {
    const std::string member(f.member());
    if (f.group().empty()) {
      d[py::str(member)] = FieldValue(f, e.statement);
      continue;
    }
    const py::str group(std::string(f.group()));
    if (!d.contains(group)) d[group] = py::dict();
    py::dict members = d[group].cast<py::dict>();
    members[py::str(member)] = FieldValue(f, e.statement);
  }
  if (e.kind == EventKind::kCorrection || e.kind == EventKind::kRetraction) {
    d["target"] = e.target;
    d["reason"] = Text(e.reason);
  }
  if (e.kind == EventKind::kActorAlias) {
    d["alias"] = Text(e.alias);
    d["canonical"] = Text(e.canonical);
  }
  if (e.kind == EventKind::kMention) d["event_id"] = Text(e.mentioned);
  return d;
}

// The row of a timeline: the event's dict plus status (and role for actor
// timelines), as `annals timeline --format jsonl` prints it.
inline py::dict EntryDict(const TimelineEntry& e, bool with_role) {
  py::dict d = EventDict(e.event);
  d["status"] = EntryStatusName(e.status);
  if (with_role) d["role"] = RoleName(e.role);
  return d;
}

// Columns for a pandas frame: one list per field (named by the field
// table's columns), times as UTC microseconds (None when absent) for the
// Python side to convert (TIME_COLUMNS).
class Columns {
 public:
  explicit Columns(bool timeline, bool with_role)
      : timeline_(timeline), with_role_(with_role),
        fields_(StatementFields().size()), precisions_(StatementFields().size()) {}
  void Add(const Event& e) {
    seq_.append(e.seq);
    recorded_at_.append(e.recorded_at);
    kind_.append(EventKindName(e.kind));
    id_.append(Text(e.id));
    const std::span<const StatementField> fields = StatementFields();
    for (size_t i = 0; i < fields.size(); ++i) {
      const StatementField& f = fields[i];
      if (f.type != FieldType::kTime) {
        fields_[i].append(FieldValue(f, e.statement));
        continue;
      }
      fields_[i].append(Micros(f.Time(e.statement)));
      if (!f.precision_column.empty())
        precisions_[i].append(PrecisionName(f.Time(e.statement).precision));
    }
  }
  void Add(const TimelineEntry& e) {
    Add(e.event);
    status_.append(EntryStatusName(e.status));
    role_.append(RoleName(e.role));
  }
  py::dict Done() const {
    py::dict d;
    d["seq"] = seq_;
    d["recorded_at"] = recorded_at_;
    d["kind"] = kind_;
    d["id"] = id_;
    const std::span<const StatementField> fields = StatementFields();
    for (size_t i = 0; i < fields.size(); ++i) {
      d[py::str(std::string(fields[i].column))] = fields_[i];
      if (!fields[i].precision_column.empty())
        d[py::str(std::string(fields[i].precision_column))] = precisions_[i];
    }
    if (timeline_) d["status"] = status_;
    if (with_role_) d["role"] = role_;
    return d;
  }

 private:
  static py::object Micros(const Timestamp& t) {
    if (!t.present()) return py::none();
    return py::int_(t.micros);
  }
  static py::object PrecisionName(Precision p) {
    switch (p) {
      case Precision::kYear: return py::str("year");
      case Precision::kMonth: return py::str("month");
      case Precision::kDay: return py::str("day");
      case Precision::kSecond: return py::str("second");
      case Precision::kNone: break;
    }
    return py::none();
  }
  bool timeline_, with_role_;
  py::list seq_, recorded_at_, kind_, id_, status_, role_;
  std::vector<py::list> fields_, precisions_;  // parallel to StatementFields()
};

// The measure columns series and network frames share (count, scored,
// goldstein_sum, quad1..quad4), from rows with those members (SeriesRow,
// NetworkEdge).
struct MeasureColumns {
  template <typename Row>
  void Add(const Row& r) {
    count.append(r.count);
    scored.append(r.scored);
    sum.append(r.goldstein_sum);
    for (size_t i = 0; i < 4; ++i) quads[i].append(r.quad[i]);
  }
  void Into(py::dict& d) const {
    d["count"] = count;
    d["scored"] = scored;
    d["goldstein_sum"] = sum;
    for (size_t i = 0; i < 4; ++i) d[py::str(absl::StrCat("quad", i + 1))] = quads[i];
  }
  py::list count, scored, sum, quads[4];
};

// The frame columns that hold times (UTC microseconds): recorded_at and
// every time field's column.
inline py::tuple TimeColumns() {
  py::list out;
  out.append("recorded_at");
  for (const StatementField& f : StatementFields())
    if (f.type == FieldType::kTime) out.append(py::str(std::string(f.column)));
  return py::tuple(out);
}

inline Timestamp ParseArg(const std::string& what, const std::string& text) {
  auto t = ParseTime(text);
  if (!t.ok())
    throw StatusError{absl::InvalidArgumentError(
        absl::StrCat(what, ": ", std::string(t.status().message())))};
  return *t;
}

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_CONVERT_H_
