// The annals engine: an append-only log of events on RocksDB.
//
// Thread safety: an Engine is safe to use from many threads at once. Appends
// are serialised internally, so sequence numbers stay gapless and every
// append's log entry, id index entries and head move in one atomic WriteBatch.
// Reads (Get, FindById, Read, NewIterator, Head, Stats) run concurrently with
// appends and see every append that returned before they started.
//
// Many processes, one store: one process at a time opens a store for
// writing; any number of others open it with Options::read_only while it
// writes. A read-only engine sees every event committed before it opened,
// and Refresh() moves it forward to the writer's latest commits. It runs no
// projection workers and writes nothing: its timelines answer from what the
// writer's projections had built as of its last Open/Refresh, and waits for
// projections (WaitFor, TimelineQuery::wait) return at once instead of
// waiting for a build that happens in another process.
//
// Lifetimes: a LogIterator borrows its Engine and must be destroyed first.
#ifndef ANNALS_ENGINE_H_
#define ANNALS_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "annals/declarative.h"
#include "annals/event.h"
#include "annals/mention.h"
#include "annals/options.h"
#include "annals/projection.h"
#include "annals/statement.h"
#include "annals/timeline.h"
#include "annals/visibility.h"

namespace annals {

namespace internal {
class EngineServices;
struct EngineAccess;
}  // namespace internal

struct AppendResult {
  uint64_t seq = 0;        // the statement's seq, new or already stored
  bool duplicate = false;  // true: its id was already in the log; nothing new
};

// Which events amend a statement (Engine::Standing); 0 means none.
struct StatementStanding {
  uint64_t corrected_by = 0;  // the latest correction's seq
  uint64_t retracted_by = 0;  // the retraction's seq
};

struct StoreStats {
  uint64_t events = 0;          // entries in the log
  uint64_t head = 0;            // highest seq; 0 when empty
  uint64_t bytes_on_disk = 0;   // all files of the store directory
  Timestamp first_occurred_at;  // earliest statement time; absent when empty
  Timestamp last_occurred_at;   // latest statement time; absent when empty
  // Seqs lost to a damaged write-ahead log and recorded by RepairStore
  // (annals/repair.h): never reused, so appends continue above them.
  uint64_t lost = 0;
};

// A forward cursor over the log. Reads a consistent snapshot taken when it
// was created. Not thread-safe; use one per thread.
class ANNALS_EXPORT LogIterator {
 public:
  virtual ~LogIterator() = default;
  // True while positioned on an event. When false, check status().
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // The current event; only while Valid().
  virtual const Event& event() const = 0;
  // OK at a clean end; kDataLoss if an entry could not be decoded (iteration
  // stops there), or the storage error that ended the scan.
  virtual absl::Status status() const = 0;
};

class ANNALS_EXPORT Engine {
 public:
  // Opens (or creates, per options) the store in directory `path`.
  // kNotFound: missing and !create_if_missing (or read_only).
  // kFailedPrecondition: opened for writing while another process writes it
  // (the message names that process: "store S is in use by another process:
  // pid N (annals import ...) has held it since T"), or not an annals store.
  // kDataLoss: metadata damaged.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& path,
                                                       const Options& options);

  virtual ~Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Appends one statement. A statement whose id (EffectiveId) is already in
  // the log is not appended again: the result carries its existing seq and
  // duplicate=true. kInvalidArgument (from Validate) writes nothing.
  virtual absl::StatusOr<AppendResult> Append(
      const Statement& statement, const AppendOptions& options = {}) = 0;

  // Appends many statements in one atomic WriteBatch, in order; results[i]
  // belongs to statements[i]. Repeats inside the batch get the seq of their
  // first occurrence. If any statement is invalid, nothing is written and the
  // error names its index: "statements[3]: speaker: ...".
  virtual absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements,
      const AppendOptions& options = {}) = 0;

  // Appends a correction: from now on statement `target` (the seq of a
  // statement) reads as `corrected`, a whole statement (see CurrentStatement
  // to start from its present values). kNotFound: no such statement;
  // kFailedPrecondition: it is retracted; kInvalidArgument: `corrected`
  // fails Validate or changes nothing. Re-sending the same correction is a
  // duplicate.
  virtual absl::StatusOr<AppendResult> Correct(uint64_t target,
                                               const Statement& corrected,
                                               std::string_view reason,
                                               const AppendOptions& options = {}) = 0;

  // Appends a retraction of statement `target`; `reason` is required.
  // kNotFound: no such statement; kFailedPrecondition: already retracted.
  // `attributes` are the event's own (provenance: where an imported one
  // was read; at most Limits::kAttributes); they are not part of its id,
  // so a repeat with other attributes is a duplicate.
  virtual absl::StatusOr<AppendResult> Retract(uint64_t target,
                                               std::string_view reason,
                                               const AppendOptions& options = {},
                                               const std::vector<Attribute>& attributes = {}) = 0;

  // Appends an alias: `alias` names the same actor as `canonical`.
  // kInvalidArgument: empty or equal names (after normalisation), or an
  // alias that would make a cycle. `attributes` as Retract's (the evidence
  // column of a reviewed `actors --suggest-aliases` list).
  virtual absl::StatusOr<AppendResult> Alias(std::string_view alias,
                                             std::string_view canonical,
                                             const AppendOptions& options = {},
                                             const std::vector<Attribute>& attributes = {}) = 0;

  // Appends mentions (mention.h) in one atomic WriteBatch, in order;
  // results[i] belongs to mentions[i]. A mention already in the log (the
  // same MentionId) is a duplicate, as a repeated statement is. The event
  // a mention names need not be stored. If any mention fails
  // ValidateMention, nothing is written and the error names its index:
  // "mentions[3]: event_id: required" (BadStatementIndex gives 3).
  virtual absl::StatusOr<std::vector<AppendResult>> AppendMentions(
      std::span<const Mention> mentions, const AppendOptions& options = {}) = 0;

  // For each id of `event_ids`, the mentions of the event with that id, in
  // seq order, those at or before `as_of` (0: the head): results[i] for
  // event_ids[i]. The events themselves need not be stored. One index seek
  // per id, linear in the mentions found; no event is read.
  virtual absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionsOf(
      std::span<const std::string> event_ids, uint64_t as_of = 0) const = 0;

  // Makes every append so far durable (fsyncs the write-ahead log).
  virtual absl::Status Sync() = 0;

  // The event at `seq`. kNotFound if seq is 0 or beyond Head(); kDataLoss if
  // its stored bytes are damaged.
  virtual absl::StatusOr<Event> Get(uint64_t seq) const = 0;

  // The seq of the event with this id; kNotFound if none.
  virtual absl::StatusOr<uint64_t> FindById(std::string_view id) const = 0;

  // Up to `limit` events from `from_seq` on, in seq order (fewer at the end).
  virtual absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq,
                                                  size_t limit) const = 0;

  // A cursor positioned at the first event with seq >= from_seq.
  virtual std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const = 0;

  // The highest seq in the log; 0 when empty.
  virtual uint64_t Head() const = 0;

  virtual absl::StatusOr<StoreStats> Stats() const = 0;

  // Statement `seq` with its latest correction applied (as of the head).
  // kNotFound: not a statement; kFailedPrecondition: retracted.
  virtual absl::StatusOr<Statement> CurrentStatement(uint64_t seq) const = 0;

  // How statement `seq` now stands (as of the head): the seq of its latest
  // correction and of its retraction, each 0 when there is none (both 0 for
  // an event that is not a statement). Two point reads, whatever the log's
  // length. kNotFound: no event `seq`.
  virtual absl::StatusOr<StatementStanding> Standing(uint64_t seq) const = 0;

  // The last seq recorded at or before `recorded_at` (UTC micros); 0 if the
  // log has nothing that old. recordedAt never decreases along the log.
  virtual absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) const = 0;

  // --- Projections (projection.h) ---
  // The built-in timelines "actors" and "topics" are registered at Open.

  // Registers a projection and starts its worker: it replays the log from
  // its stored checkpoint (from seq 1 when new or of another version), then
  // follows appends. kAlreadyExists if the name is taken.
  virtual absl::Status AddProjection(std::shared_ptr<const Projection> p) = 0;

  // Defines a declarative projection (declarative.h), stores its definition
  // so it is there at every Open, and starts building it. kAlreadyExists if
  // the name is taken.
  virtual absl::Status CreateProjection(const ProjectionDefinition& def) = 0;

  // Removes a declarative projection, its definition and its data.
  // kNotFound if there is none by that name; kFailedPrecondition for the
  // built-in ones and those registered with AddProjection.
  virtual absl::Status DropProjection(std::string_view name) = 0;

  // Starts rebuilding `name` from seq 1 beside the live version, which keeps
  // answering until the new one has caught up; then they switch atomically.
  // Returns at once; Projections() shows progress, WaitForRebuild waits.
  virtual absl::Status Rebuild(std::string_view name) = 0;

  // Waits until no rebuild of `name` is running; returns its outcome.
  virtual absl::Status WaitForRebuild(std::string_view name,
                                      absl::Duration timeout) const = 0;

  virtual std::vector<ProjectionInfo> Projections() const = 0;

  // Waits until every projection that is not failed has applied `seq`.
  // kDeadlineExceeded after `timeout`.
  virtual absl::Status WaitFor(uint64_t seq, absl::Duration timeout) const = 0;

  // Waits until projection `name` (the version that answers) has applied
  // `seq`; returns as soon as it has. kNotFound: no such projection;
  // kUnavailable: it failed (the message says at which seq and why);
  // kDeadlineExceeded after `timeout`. Read-only engines return OK at once.
  virtual absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                         absl::Duration timeout) const = 0;

  // Reads a key a projection wrote (as the projection named it).
  virtual absl::StatusOr<std::optional<std::string>> ReadProjection(
      std::string_view name, std::string_view key) const = 0;

  // --- Queries (timeline.h) ---

  // One page of a timeline. kNotFound: unknown projection; kOutOfRange:
  // as_of beyond the head; kUnavailable: the projection is still building
  // or failed (the message says which, and how far it got).
  virtual absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const = 0;

  // The groups of a projection with their statement counts as of a point
  // (CountsQuery, timeline.h), largest first (then by key). kNotFound:
  // unknown projection; kOutOfRange: as_of beyond the head; kUnavailable:
  // the projection is still building, failed, or (as_of given, wait) has
  // not reached as_of. Counts at the head with no date range read stored
  // totals; with as_of or a date range they walk the projection's entries
  // (not the log) once.
  virtual absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) const = 0;

  // Counts at the head: Counts({projection, prefix, top}).
  absl::StatusOr<std::vector<GroupCount>> Counts(std::string_view projection,
                                                 std::string_view prefix, size_t top) const {
    CountsQuery q;
    q.projection = std::string(projection);
    q.prefix = std::string(prefix);
    q.top = top;
    return Counts(q);
  }

  // --- Readers beside a writer ---

  // Read-only engines: catches up with what the writing process has
  // committed since Open or the last Refresh (events, aliases, projection
  // progress and definitions), whole appends only, never part of one, by
  // opening the store again beside the old view and then switching to it
  // (costs about an Open; the block cache is kept). Other calls go on
  // while it opens and wait only for the switch; LogIterators already
  // open keep reading the state they started from. A writable engine
  // always sees its own appends: Refresh does nothing. kUnavailable if the
  // writer changed the store's files faster than it could catch up (try
  // again).
  virtual absl::Status Refresh() = 0;

 protected:
  Engine() = default;

 private:
  friend struct internal::EngineAccess;
  // The library's own engines lend the rest of the library what the
  // public interface does not offer (an import's pre-validated appends, a
  // backup's copy of the store); an Engine implemented elsewhere has none.
  virtual internal::EngineServices* services() const { return nullptr; }
};

// Whether a process (this one included) has the store at `path` open for
// writing now, by its lock: a snapshot that may change at once. Lets a
// one-shot query choose its open without trying a writable one first
// (a read-only Open works either way).
ANNALS_EXPORT bool StoreHasWriter(const std::string& path);

}  // namespace annals

#endif  // ANNALS_ENGINE_H_
