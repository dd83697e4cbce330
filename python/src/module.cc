// _annals: the C++ half of the `annals` Python package (python/annals/ is
// the Python half, which gives it keyword arguments, iterators, pandas
// frames and the exception classes).
//
// Every engine call runs with the GIL released, so other Python threads run
// while the store is read; Python objects are built only with it held.
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
#include "annals/time.h"
#include "annals/timeline.h"
#include "annals/version.h"
#include "import_args.h"

namespace py = pybind11;

namespace annals::python {
namespace {

// An absl::Status on its way to Python as an annals.Error subclass.
struct StatusError {
  absl::Status status;
};

void Check(const absl::Status& st) {
  if (!st.ok()) throw StatusError{st};
}
template <typename T>
T Take(absl::StatusOr<T> v) {
  if (!v.ok()) throw StatusError{v.status()};
  return *std::move(v);
}

py::object Text(const std::string& s) {
  if (s.empty()) return py::none();
  return py::str(s);
}
py::object Time(const Timestamp& t) {
  if (!t.present()) return py::none();
  return py::str(FormatTime(t));
}
py::list Strings(const std::vector<std::string>& v) {
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
py::object FieldValue(const StatementField& f, const Statement& s) {
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

py::dict EventDict(const Event& e) {
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
  return d;
}

const char* RoleName(Role r) {
  switch (r) {
    case Role::kSpeaker: return "speaker";
    case Role::kTarget: return "target";
    case Role::kAny: return "both";
  }
  return "both";
}

// The row of a timeline: the event's dict plus status (and role for actor
// timelines), as `annals timeline --format jsonl` prints it.
py::dict EntryDict(const TimelineEntry& e, bool with_role) {
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

// The frame columns that hold times (UTC microseconds): recorded_at and
// every time field's column.
py::tuple TimeColumns() {
  py::list out;
  out.append("recorded_at");
  for (const StatementField& f : StatementFields())
    if (f.type == FieldType::kTime) out.append(py::str(std::string(f.column)));
  return py::tuple(out);
}

Timestamp ParseArg(const std::string& what, const std::string& text) {
  auto t = ParseTime(text);
  if (!t.ok())
    throw StatusError{absl::InvalidArgumentError(
        absl::StrCat(what, ": ", std::string(t.status().message())))};
  return *t;
}

class Store;

// A streaming cursor over the log: reads events in small batches with the
// GIL released, so memory stays constant however long the log is.
class LogCursor {
 public:
  LogCursor(std::shared_ptr<Engine> engine, uint64_t from, uint64_t to,
            std::optional<uint64_t> limit)
      : engine_(std::move(engine)), to_(to), limit_(limit) {
    py::gil_scoped_release release;
    it_ = engine_->NewIterator(from);
  }
  ~LogCursor() {
    py::gil_scoped_release release;
    it_.reset();
    engine_.reset();
  }

  py::dict Next() {
    if (pos_ == buffer_.size()) {
      if (!pending_.ok()) {
        absl::Status st = std::move(pending_);
        pending_ = absl::OkStatus();
        Check(st);
      }
      Refill();
    }
    if (pos_ == buffer_.size()) throw py::stop_iteration();
    ++returned_;
    return EventDict(buffer_[pos_++]);
  }

 private:
  static constexpr size_t kBatch = 256;
  void Refill() {
    buffer_.clear();
    pos_ = 0;
    if (!it_) return;
    absl::Status status;
    {
      py::gil_scoped_release release;
      size_t want = kBatch;
      if (limit_) want = std::min<uint64_t>(want, *limit_ - returned_);
      bool at_limit = false;
      bool past_end = false;
      while (buffer_.size() < want && it_->Valid()) {
        if (to_ != 0 && it_->event().seq > to_) {
          past_end = true;
          break;
        }
        buffer_.push_back(it_->event());
        // Stop before stepping past the limit: the next entry is not ours.
        at_limit = limit_ && returned_ + buffer_.size() >= *limit_;
        if (at_limit) break;
        it_->Next();
      }
      if (at_limit || past_end || !it_->Valid()) {
        if (!at_limit && !past_end) status = it_->status();
        it_.reset();  // done: let go of the engine's iterator now
      }
    }
    if (!status.ok()) {
      if (buffer_.empty()) Check(status);
      pending_ = status;  // raised once the events before it are out
    }
  }

  std::shared_ptr<Engine> engine_;
  std::unique_ptr<LogIterator> it_;
  uint64_t to_;  // the last seq to return; 0: the end
  std::optional<uint64_t> limit_;
  uint64_t returned_ = 0;
  std::vector<Event> buffer_;
  size_t pos_ = 0;
  absl::Status pending_;  // an error to raise once the buffered events are out
};

// An open store. Closing drops this handle's reference; cursors still
// iterating keep the engine open until they finish.
class Store {
 public:
  // `create`: make the store if there is none (writable only); without it
  // a path with no store is kNotFound, as the CLI's queries refuse it.
  Store(const std::string& path, bool read_only, bool create) : path_(path) {
    if (read_only && create)
      throw StatusError{absl::InvalidArgumentError(
          "create=True needs a writable store (read_only=False)")};
    Options o;
    o.read_only = read_only;
    o.create_if_missing = create;
    absl::StatusOr<std::unique_ptr<Engine>> e;
    {
      py::gil_scoped_release release;
      e = Engine::Open(path, o);
    }
    if (absl::IsNotFound(e.status()))
      throw StatusError{absl::NotFoundError(absl::StrCat(
          "no store at ", path, read_only ? "" : " (annals.open(path, create=True) creates one)"))};
    engine_ = std::shared_ptr<Engine>(Take(std::move(e)));
    read_only_ = read_only;
  }

  void Close() {
    std::shared_ptr<Engine> e = std::move(engine_);
    py::gil_scoped_release release;
    e.reset();
  }
  bool closed() const { return engine_ == nullptr; }
  bool read_only() const { return read_only_; }
  const std::string& path() const { return path_; }

  // The engine, shared for the length of a call: a close() from another
  // thread while the call runs without the GIL then only drops a reference.
  std::shared_ptr<Engine> engine() const {
    if (!engine_)
      throw StatusError{absl::FailedPreconditionError("the store is closed")};
    return engine_;
  }

  uint64_t Head() const { return engine()->Head(); }

  uint64_t Refresh() {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::Status st;
    {
      py::gil_scoped_release release;
      st = e.Refresh();
    }
    Check(st);
    return e.Head();
  }

  // Statements as JSON objects (the import form); one batch, all or none.
  std::vector<uint64_t> Append(const std::vector<std::string>& json) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    std::vector<Statement> statements;
    statements.reserve(json.size());
    for (size_t i = 0; i < json.size(); ++i) {
      auto s = ParseStatementJson(json[i]);
      if (!s.ok()) {
        std::string msg(s.status().message());
        throw StatusError{absl::InvalidArgumentError(
            json.size() == 1 ? msg : absl::StrCat("statements[", i, "]: ", msg))};
      }
      statements.push_back(*std::move(s));
    }
    absl::StatusOr<std::vector<AppendResult>> r;
    {
      py::gil_scoped_release release;
      AppendOptions o;
      o.durability = AppendOptions::Durability::kSync;
      r = e.Append(std::span<const Statement>(statements), o);
    }
    std::vector<uint64_t> seqs;
    for (const AppendResult& a : Take(std::move(r))) seqs.push_back(a.seq);
    return seqs;
  }

  py::dict ImportFile(const std::string& path, const std::string& format, bool strict,
                      bool dry_run, bool repair_utf8, const std::string& rejects_path) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    std::vector<RejectRecord> rejects, repairs;
    absl::StatusOr<ImportSummary> s;
    {
      py::gil_scoped_release release;
      s = ImportWith(e, path, ImportArgs{format, strict, dry_run, repair_utf8, rejects_path},
                     &rejects, &repairs);
    }
    ImportSummary sum = Take(std::move(s));
    py::dict d;
    d["read"] = sum.read;
    d["imported"] = sum.imported;
    d["duplicates"] = sum.duplicates;
    d["rejected"] = sum.rejected;
    d["held_back"] = sum.held_back;
    d["repaired"] = sum.repaired;
    d["format"] = ImportFormatName(sum.format);
    d["rejects"] = LineRecords(rejects);
    if (repair_utf8) d["repairs"] = LineRecords(repairs);
    return d;
  }

  std::unique_ptr<LogCursor> Log(uint64_t from, uint64_t to, std::optional<uint64_t> limit) {
    return std::make_unique<LogCursor>(engine(), from, to, limit);
  }

  py::dict LogColumns(uint64_t from, uint64_t to, std::optional<uint64_t> limit) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    Columns cols(false, false);
    constexpr size_t kBatch = 4096;
    uint64_t next = std::max<uint64_t>(from, 1), taken = 0;
    for (;;) {
      size_t want = kBatch;
      if (limit) want = std::min<uint64_t>(want, *limit - taken);
      if (want == 0) break;
      absl::StatusOr<std::vector<Event>> batch;
      {
        py::gil_scoped_release release;
        batch = e.Read(next, want);
      }
      std::vector<Event> events = Take(std::move(batch));
      bool past_end = false;
      for (const Event& ev : events) {
        if (to != 0 && ev.seq > to) {
          past_end = true;
          break;
        }
        cols.Add(ev);
        ++taken;
      }
      if (past_end || events.size() < want) break;
      next = events.back().seq + 1;
    }
    return cols.Done();
  }

  py::dict Get(uint64_t seq) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<Event> ev;
    {
      py::gil_scoped_release release;
      ev = e.Get(seq);
    }
    return EventDict(Take(std::move(ev)));
  }

  std::optional<uint64_t> Find(const std::string& id) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<uint64_t> seq;
    {
      py::gil_scoped_release release;
      seq = e.FindById(id);
    }
    if (absl::IsNotFound(seq.status())) return std::nullopt;
    return Take(std::move(seq));
  }

  // The current view as export writes it (ForEachCurrentStatement), as
  // frame columns with each row's status.
  py::dict CurrentColumns(uint64_t from_seq, uint64_t to_seq, const std::string& start,
                          const std::string& end, const std::string& as_of,
                          bool include_retracted) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    ExportOptions o;
    o.from_seq = from_seq;
    o.to_seq = to_seq;
    if (!start.empty()) o.from = ParseArg("start", start);
    if (!end.empty()) o.to = ParseArg("end", end);
    Check(CheckRange(o.from, o.to));
    if (!as_of.empty()) o.as_of = AsOf(e, as_of);
    o.include_retracted = include_retracted;
    std::vector<TimelineEntry> rows;
    absl::StatusOr<ExportSummary> done;
    {
      py::gil_scoped_release release;
      done = ForEachCurrentStatement(e, o, [&](const TimelineEntry& entry) {
        rows.push_back(entry);
        return absl::OkStatus();
      });
    }
    Take(std::move(done));
    Columns cols(true, false);
    for (const TimelineEntry& entry : rows) cols.Add(entry);
    return cols.Done();
  }

  // `as_of` (a seq's digits or an ISO time) as a seq.
  static uint64_t AsOf(const Engine& e, const std::string& as_of) {
    absl::StatusOr<uint64_t> seq;
    {
      py::gil_scoped_release release;
      seq = ResolveAsOf(e, as_of);
    }
    if (absl::IsInvalidArgument(seq.status()))
      throw StatusError{absl::InvalidArgumentError(
          absl::StrCat("as_of: ", std::string(seq.status().message())))};
    return Take(std::move(seq));
  }

  // A timeline, every page (up to `limit` rows, 0 = all), as rows or as
  // frame columns. `as_of`: digits = a seq; else an ISO time.
  py::object Timeline(const std::string& kind, const std::string& name,
                      const std::string& projection, const std::vector<std::string>& key,
                      const std::string& role, const std::string& start,
                      const std::string& end, const std::string& as_of,
                      bool include_retracted, uint64_t limit, bool columns) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    TimelineQuery q;
    q.kind = kind == "topic" ? TimelineKind::kTopic : TimelineKind::kActor;
    q.name = name;
    q.projection = projection;
    q.key = key;
    if (role == "speaker") q.role = Role::kSpeaker;
    else if (role == "target") q.role = Role::kTarget;
    else if (role == "any") q.role = Role::kAny;
    else
      throw StatusError{absl::InvalidArgumentError(
          absl::StrCat("role: expected \"speaker\", \"target\" or \"any\", not '", role, "'"))};
    if (!start.empty()) q.from = ParseArg("start", start);
    if (!end.empty()) q.to = ParseArg("end", end);
    Check(CheckRange(q.from, q.to));
    if (!as_of.empty()) q.as_of = AsOf(e, as_of);
    q.include_retracted = include_retracted;
    q.wait = !read_only_;
    const bool with_role = projection.empty() && q.kind == TimelineKind::kActor;
    Columns cols(true, with_role);
    py::list rows;
    uint64_t shown = 0;
    constexpr size_t kPage = 1000;
    for (;;) {
      q.limit = limit == 0 ? kPage : std::min<uint64_t>(kPage, limit - shown);
      absl::StatusOr<TimelinePage> page;
      {
        py::gil_scoped_release release;
        page = e.Timeline(q);
      }
      TimelinePage p = Take(std::move(page));
      for (const TimelineEntry& entry : p.entries) {
        if (columns) cols.Add(entry);
        else rows.append(EntryDict(entry, with_role));
      }
      shown += p.entries.size();
      q.as_of = p.as_of;  // later pages answer as of the same point
      q.cursor = p.next_cursor;
      if (q.cursor.empty() || p.entries.empty() || (limit != 0 && shown >= limit)) break;
    }
    if (columns) return cols.Done();
    return rows;
  }

  // The statement's current values as a JSON object, for correct().
  std::string CurrentJson(uint64_t seq) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<Statement> s;
    {
      py::gil_scoped_release release;
      s = e.CurrentStatement(seq);
    }
    Event ev;
    ev.statement = Take(std::move(s));
    ev.id = ev.statement.id;
    return EventToJson(ev);
  }

  uint64_t Correct(uint64_t seq, const std::string& json, const std::string& reason) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    Statement s = Take(ParseStatementJson(json));
    absl::StatusOr<AppendResult> r;
    {
      py::gil_scoped_release release;
      r = e.Correct(seq, s, reason, Sync());
    }
    return Take(std::move(r)).seq;
  }

  uint64_t Retract(uint64_t seq, const std::string& reason) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<AppendResult> r;
    {
      py::gil_scoped_release release;
      r = e.Retract(seq, reason, Sync());
    }
    return Take(std::move(r)).seq;
  }

  uint64_t Alias(const std::string& alias, const std::string& canonical) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<AppendResult> r;
    {
      py::gil_scoped_release release;
      r = e.Alias(alias, canonical, Sync());
    }
    return Take(std::move(r)).seq;
  }

  py::list Projections() {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    std::vector<ProjectionInfo> infos;
    {
      py::gil_scoped_release release;
      infos = e.Projections();
    }
    py::list out;
    for (const ProjectionInfo& i : infos) {
      py::dict d;
      d["name"] = i.name;
      d["version"] = i.version;
      d["state"] = ProjectionStateName(i.state);
      d["checkpoint"] = i.checkpoint;
      d["head"] = i.head;
      d["lag"] = i.lag;
      d["rebuild_checkpoint"] = i.rebuild_checkpoint;
      d["failed_seq"] = i.failed_seq;
      d["error"] = Text(i.error);
      d["definition"] = Text(i.definition);
      out.append(d);
    }
    return out;
  }

  void CreateProjection(const std::string& name, const std::string& key_list,
                        const std::vector<std::string>& where) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    ProjectionDefinition def = Take(ParseProjectionDefinition(name, key_list, where));
    absl::Status st;
    {
      py::gil_scoped_release release;
      st = e.CreateProjection(def);
    }
    Check(st);
  }

  void DropProjection(const std::string& name) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::Status st;
    {
      py::gil_scoped_release release;
      st = e.DropProjection(name);
    }
    Check(st);
  }

  void Rebuild(const std::string& name, double wait_seconds) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::Status st;
    {
      py::gil_scoped_release release;
      st = e.Rebuild(name);
      if (st.ok() && wait_seconds > 0)
        st = e.WaitForRebuild(name, absl::Seconds(wait_seconds));
    }
    Check(st);
  }

  // Engine::Counts; `start`/`end`/`as_of` as Timeline reads them.
  py::list Counts(const std::string& projection, const std::string& prefix, uint64_t top,
                  const std::string& start, const std::string& end, const std::string& as_of) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    CountsQuery q;
    q.projection = projection;
    q.prefix = prefix;
    q.top = top;
    if (!start.empty()) q.from = ParseArg("start", start);
    if (!end.empty()) q.to = ParseArg("end", end);
    Check(CheckRange(q.from, q.to));
    if (!as_of.empty()) q.as_of = AsOf(e, as_of);
    q.wait = !read_only_;
    absl::StatusOr<std::vector<GroupCount>> counts;
    {
      py::gil_scoped_release release;
      counts = e.Counts(q);
    }
    py::list out;
    for (const GroupCount& g : Take(std::move(counts))) {
      py::dict d;
      d["key"] = Strings(g.key);
      d["count"] = g.count;
      out.append(d);
    }
    return out;
  }

  py::dict Stats() {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<StoreStats> st;
    {
      py::gil_scoped_release release;
      st = e.Stats();
    }
    StoreStats s = Take(std::move(st));
    py::dict d;
    d["events"] = s.events;
    d["head"] = s.head;
    d["bytes_on_disk"] = s.bytes_on_disk;
    d["first_occurred_at"] = Time(s.first_occurred_at);
    d["last_occurred_at"] = Time(s.last_occurred_at);
    d["lost"] = s.lost;
    return d;
  }

 private:
  static AppendOptions Sync() {
    AppendOptions o;
    o.durability = AppendOptions::Durability::kSync;
    return o;
  }

  std::string path_;
  bool read_only_ = false;
  std::shared_ptr<Engine> engine_;
};

}  // namespace
}  // namespace annals::python

PYBIND11_MODULE(_annals, m) {
  using namespace annals::python;
  m.doc() = "C++ core of the annals package; use `import annals`.";
  m.attr("TIME_COLUMNS") = TimeColumns();
  m.def("version", [] {
    annals::VersionInfo v = annals::GetVersionInfo();
    py::dict d;
    d["annals"] = v.annals;
    d["store_format"] = v.store_format;
    d["event_schema"] = v.event_schema;
    d["rocksdb"] = v.rocksdb;
    return d;
  });

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object errors = py::module_::import("annals._errors");
      py::object exc = errors.attr("from_status")(
          static_cast<int>(e.status.code()), std::string(e.status.message()));
      PyErr_SetObject(exc.get_type().ptr(), exc.ptr());
    }
  });

  py::class_<LogCursor>(m, "LogCursor")
      .def("__iter__", [](LogCursor& c) -> LogCursor& { return c; })
      .def("__next__", &LogCursor::Next);

  py::class_<Store>(m, "Store")
      .def(py::init<const std::string&, bool, bool>(), py::arg("path"), py::arg("read_only"),
           py::arg("create"))
      .def("close", &Store::Close)
      .def_property_readonly("closed", &Store::closed)
      .def_property_readonly("read_only", &Store::read_only)
      .def_property_readonly("path", &Store::path)
      .def_property_readonly("head", &Store::Head)
      .def("refresh", &Store::Refresh)
      .def("append_json", &Store::Append)
      .def("import_file", &Store::ImportFile)
      .def("log", &Store::Log)
      .def("log_columns", &Store::LogColumns)
      .def("current_columns", &Store::CurrentColumns)
      .def("get", &Store::Get)
      .def("find", &Store::Find)
      .def("timeline", &Store::Timeline)
      .def("current_json", &Store::CurrentJson)
      .def("correct", &Store::Correct)
      .def("retract", &Store::Retract)
      .def("alias", &Store::Alias)
      .def("projections", &Store::Projections)
      .def("create_projection", &Store::CreateProjection)
      .def("drop_projection", &Store::DropProjection)
      .def("rebuild", &Store::Rebuild)
      .def("counts", &Store::Counts)
      .def("stats", &Store::Stats);
}
