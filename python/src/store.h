// Store: the _annals module's handle on an open store, each method one
// call of the Python API (python/annals/__init__.py gives them keyword
// arguments and frames). Engine calls run with the GIL released.
#ifndef ANNALS_PYTHON_SRC_STORE_H_
#define ANNALS_PYTHON_SRC_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "annals/client.h"
#include "convert.h"
#include "import_args.h"
#include "log_cursor.h"
#include "subscription.h"
#include "timeline_args.h"

namespace annals::python {

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
    o.follow_search_indexes = !read_only;  // db.search finds its index current
    absl::StatusOr<std::unique_ptr<Engine>> e = WithoutGil([&] { return Engine::Open(path, o); });
    if (absl::IsNotFound(e.status()))
      throw StatusError{absl::NotFoundError(absl::StrCat(
          "no store at ", path, read_only ? "" : " (annals.open(path, create=True) creates one)"))};
    engine_ = std::shared_ptr<Engine>(Take(std::move(e)));
    read_only_ = read_only;
  }

  // The store a server holds, through its client (annals.connect):
  // `address` is "unix:PATH", or "tcp:HOST:PORT" or "tls:HOST:PORT" with
  // `token`; `tls_ca` as ClientOptions::tls_ca.
  static std::unique_ptr<Store> Connect(const std::string& address, const std::string& token,
                                        const std::string& tls_ca) {
    ClientOptions options;
    options.token = token;
    options.tls_ca = tls_ca;
    absl::StatusOr<std::unique_ptr<Client>> c =
        WithoutGil([&] { return annals::Connect(address, options); });
    std::unique_ptr<Store> s(new Store);
    s->client_ = Take(std::move(c));
    s->engine_ = NewClientEngine(s->client_);
    s->token_read_only_ = s->client_->read_only();
    s->path_ = s->address_ = address;
    s->options_ = options;
    return s;
  }

  // Store.subscribe: every event from `from_seq` on that passes `filter`.
  std::unique_ptr<Subscriber> Subscribe(uint64_t from_seq, const SubscriptionFilter& filter) {
    std::shared_ptr<Engine> e = engine();
    absl::StatusOr<std::unique_ptr<EventStream>> s = WithoutGil([&] {
      if (!address_.empty()) return RemoteStream::Start(address_, options_, from_seq, filter);
      return LocalStream::Start(std::move(e), path_, read_only_, from_seq, filter);
    });
    return std::make_unique<Subscriber>(Take(std::move(s)));
  }

  void Close() {
    std::shared_ptr<Engine> e = std::move(engine_);
    std::shared_ptr<Client> c = std::move(client_);
    py::gil_scoped_release release;
    e.reset();
    c.reset();
  }
  bool closed() const { return engine_ == nullptr; }
  bool read_only() const { return read_only_ || token_read_only_; }
  // Opened read-only (annals.open(read_only=True)): its queries do not
  // wait for the projections (TimelineQuery::wait).
  bool opened_read_only() const { return read_only_; }
  const std::string& path() const { return path_; }
  const std::string& address() const { return address_; }

  // The engine, shared for the length of a call: a close() from another
  // thread while the call runs without the GIL then only drops a reference.
  std::shared_ptr<Engine> engine() const {
    if (!engine_)
      throw StatusError{absl::FailedPreconditionError("the store is closed")};
    return engine_;
  }

  // The server's client when connected (annals.connect), else null.
  std::shared_ptr<Client> client() const { return client_; }

  // Through a server: the client's, which reports a server gone away
  // (the Engine's Head cannot).
  uint64_t Head() const {
    const std::shared_ptr<Engine> held = engine();
    if (const std::shared_ptr<Client> c = client_)  // alive through the call
      return Take(WithoutGil([&] { return c->Head(); }));
    return held->Head();
  }

  uint64_t Refresh() {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::Status st = WithoutGil([&] { return e.Refresh(); });
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
      absl::StatusOr<std::vector<Event>> batch = WithoutGil([&] { return e.Read(next, want); });
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
    absl::StatusOr<Event> ev = WithoutGil([&] { return e.Get(seq); });
    return EventDict(Take(std::move(ev)));
  }

  std::optional<uint64_t> Find(const std::string& id) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::StatusOr<uint64_t> seq = WithoutGil([&] { return e.FindById(id); });
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
    if (!as_of.empty()) o.as_of = AsOfArg(e, as_of);
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

  // A timeline, every page (up to `limit` rows, 0 = all), as rows or as
  // frame columns. `as_of`: digits = a seq; else an ISO time.
  py::object Timeline(const std::string& kind, const std::string& name,
                      const std::string& projection, const std::vector<std::string>& key,
                      const std::string& role, const std::string& start,
                      const std::string& end, const std::string& as_of,
                      bool include_retracted, uint64_t limit, bool columns) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    TimelineQuery q =
        TimelineQueryOf(e, !read_only_, {kind, name, projection, key, role, start, end, as_of});
    q.include_retracted = include_retracted;
    const bool with_role = projection.empty() && q.kind == TimelineKind::kActor;
    Columns cols(true, with_role);
    py::list rows;
    uint64_t shown = 0;
    constexpr size_t kPage = 1000;
    for (;;) {
      q.limit = limit == 0 ? kPage : std::min<uint64_t>(kPage, limit - shown);
      absl::StatusOr<TimelinePage> page = WithoutGil([&] { return e.Timeline(q); });
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
    absl::StatusOr<Statement> s = WithoutGil([&] { return e.CurrentStatement(seq); });
    Event ev;
    ev.statement = Take(std::move(s));
    ev.id = ev.statement.id;
    return EventToJson(ev);
  }

  uint64_t Correct(uint64_t seq, const std::string& json, const std::string& reason) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    Statement s = Take(ParseStatementJson(json));
    absl::StatusOr<AppendResult> r = WithoutGil([&] { return e.Correct(seq, s, reason, Sync()); });
    return Take(std::move(r)).seq;
  }

  // `attributes`: the event's own (key, value) pairs, in order.
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  static std::vector<Attribute> Attributes(const Pairs& pairs) {
    std::vector<Attribute> out;
    for (const auto& [k, v] : pairs) out.push_back({k, v});
    return out;
  }

  uint64_t Retract(uint64_t seq, const std::string& reason, const Pairs& attributes) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    const std::vector<Attribute> a = Attributes(attributes);
    absl::StatusOr<AppendResult> r =
        WithoutGil([&] { return e.Retract(seq, reason, Sync(), a); });
    return Take(std::move(r)).seq;
  }

  uint64_t Alias(const std::string& alias, const std::string& canonical,
                 const Pairs& attributes) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    const std::vector<Attribute> a = Attributes(attributes);
    absl::StatusOr<AppendResult> r =
        WithoutGil([&] { return e.Alias(alias, canonical, Sync(), a); });
    return Take(std::move(r)).seq;
  }

  py::list Projections() {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    const std::shared_ptr<Client> c = client_;  // alive through the call
    std::vector<ProjectionInfo> infos = c ? Take(WithoutGil([&] { return c->Projections(); }))
                                          : WithoutGil([&] { return e.Projections(); });
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
    absl::Status st = WithoutGil([&] { return e.CreateProjection(def); });
    Check(st);
  }

  void DropProjection(const std::string& name) {
    const std::shared_ptr<Engine> held = engine();  // alive through the call
    Engine& e = *held;
    absl::Status st = WithoutGil([&] { return e.DropProjection(name); });
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
    if (!as_of.empty()) q.as_of = AsOfArg(e, as_of);
    q.wait = !read_only_;
    absl::StatusOr<std::vector<GroupCount>> counts = WithoutGil([&] { return e.Counts(q); });
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
    absl::StatusOr<StoreStats> st = WithoutGil([&] { return e.Stats(); });
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

  Store() = default;

  std::string path_;
  std::string address_;  // a server's, when connected; else empty
  ClientOptions options_;  // for a "tcp:" or "tls:" server
  bool token_read_only_ = false;  // connected with a read-only token
  std::shared_ptr<Client> client_;  // engine_'s, when connected
  bool read_only_ = false;
  std::shared_ptr<Engine> engine_;
};

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_STORE_H_
