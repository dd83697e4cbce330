// The RocksDB-backed Engine. Where each path lives:
//   open/recovery    log/open.cc
//   append path      log/append.cc (statements), log/amend.cc (corrections,
//                    retractions, aliases)
//   read path        log/read.cc
//   projections      projection/registry.cc (registration, rebuild, waits),
//                    projection/runner.cc (the background workers)
//   query path       timeline/query.cc
//   read-only        log/secondary.cc (opening a secondary beside a writer),
//                    log/reader_engine.h (the wrapper Open hands out; Refresh)
#ifndef ANNALS_ENGINE_SRC_LOG_DB_ENGINE_H_
#define ANNALS_ENGINE_SRC_LOG_DB_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "annals/engine.h"
#include "codec/event_codec.h"
#include "concurrency/helper_pool.h"
#include "rocksdb/db.h"

namespace annals::internal {

class ProjectionRunner;

// Converts a RocksDB status to the canonical code a caller can act on.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view what);

// Releases column family handles before the DB that owns them.
struct HandleDeleter {
  rocksdb::DB* db;
  void operator()(rocksdb::ColumnFamilyHandle* h) const {
    db->DestroyColumnFamilyHandle(h);
  }
};
using HandlePtr = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleDeleter>;

// An alias event as the query path needs it.
struct AliasRecord {
  uint64_t seq = 0;
  std::string alias;      // normalised
  std::string canonical;  // normalised
  std::string display;    // canonical as written
};

// State that appends move forward; persisted in `meta` in the same batch.
struct LogState {
  uint64_t head = 0;
  int64_t last_recorded_at = 0;
  Timestamp occurred_min;
  Timestamp occurred_max;
};

// Reads the log state from `meta` and checks it against the log's last key
// (kDataLoss when they disagree). In log/open.cc.
absl::StatusOr<LogState> Recover(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log,
                                 rocksdb::ColumnFamilyHandle* meta);
// Every alias event recorded in `meta`, in seq order. In log/open.cc.
absl::StatusOr<std::vector<AliasRecord>> LoadAliases(rocksdb::DB* db,
                                                     rocksdb::ColumnFamilyHandle* meta);

// One registered projection: the version that answers and, during a
// rebuild, the one replaying beside it.
struct ProjectionSlot {
  std::shared_ptr<const Projection> projection;
  std::unique_ptr<ProjectionRunner> active;
  std::unique_ptr<ProjectionRunner> rebuilding;
  enum class Origin { kBuiltin, kDeclarative, kCustom } origin;
  std::string definition;       // declarative only
  absl::Status rebuild_outcome;  // of the last finished rebuild
  // Failed rebuilds whose worker thread has not been joined yet.
  std::vector<std::unique_ptr<ProjectionRunner>> retired;
};

class DbEngine final : public Engine {
 public:
  // Everything Open assembled; the engine takes ownership.
  struct Parts {
    std::unique_ptr<rocksdb::DB> db;
    // Every column family of the store, including ones this code does not
    // use (RocksDB requires opening all); the pointers below point into it.
    std::vector<HandlePtr> handles;
    rocksdb::ColumnFamilyHandle* log = nullptr;
    rocksdb::ColumnFamilyHandle* ids = nullptr;
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    rocksdb::ColumnFamilyHandle* proj = nullptr;
    LogState state;
    std::vector<AliasRecord> aliases;
  };
  DbEngine(std::string path, const Options& options, Parts parts);
  ~DbEngine() override;

  // Registers the built-in and stored declarative projections; called once
  // by Open before the engine is handed out.
  absl::Status StartProjections();

  // --- Engine ---
  absl::StatusOr<AppendResult> Append(const Statement& statement,
                                      const AppendOptions& options) override;
  absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements,
      const AppendOptions& options) override;
  // Append for a caller that has run Validate on every statement and
  // derived its id (EffectiveId) itself, on another thread: the importer,
  // whose parsing thread has the time the appending thread lacks. A
  // statement that would not pass Validate must not be given.
  absl::StatusOr<std::vector<AppendResult>> AppendValidated(
      std::span<const Statement> statements, std::span<const std::string> ids,
      const AppendOptions& options);
  absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                       std::string_view reason,
                                       const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Retract(uint64_t target, std::string_view reason,
                                       const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Alias(std::string_view alias,
                                     std::string_view canonical,
                                     const AppendOptions& options) override;
  absl::Status Sync() override;

  absl::StatusOr<Event> Get(uint64_t seq) const override;
  absl::StatusOr<uint64_t> FindById(std::string_view id) const override;
  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq,
                                          size_t limit) const override;
  std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const override;
  // The same, decoding only as much of each statement as `depth` says.
  std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq, DecodeDepth depth) const;
  // For replays: reads and decodes up to `max_events` events (0: all) ahead
  // on a helper thread, without filling the block cache
  // (log/prefetch_iterator.h).
  std::unique_ptr<LogIterator> NewPrefetchingIterator(
      uint64_t from_seq, uint64_t max_events,
      DecodeDepth depth = DecodeDepth::kFull) const;
  uint64_t Head() const override { return head_.load(std::memory_order_acquire); }
  absl::StatusOr<StoreStats> Stats() const override;
  absl::StatusOr<Statement> CurrentStatement(uint64_t seq) const override;
  absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) const override;

  absl::Status AddProjection(std::shared_ptr<const Projection> p) override;
  absl::Status CreateProjection(const ProjectionDefinition& def) override;
  absl::Status DropProjection(std::string_view name) override;
  absl::Status Rebuild(std::string_view name) override;
  absl::Status WaitForRebuild(std::string_view name,
                              absl::Duration timeout) const override;
  std::vector<ProjectionInfo> Projections() const override;
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout) const override;
  absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                 absl::Duration timeout) const override;
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      std::string_view name, std::string_view key) const override;

  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const override;
  absl::StatusOr<std::vector<GroupCount>> Counts(std::string_view projection,
                                                 std::string_view prefix,
                                                 size_t top) const override;
  // Does nothing: a writer sees its own appends, and a read-only DbEngine
  // is refreshed by its ReaderEngine opening a new one.
  absl::Status Refresh() override { return absl::OkStatus(); }

  // --- for the projection workers and the query path ---
  rocksdb::DB* db() const { return db_.get(); }
  // The store's directory.
  const std::string& path() const { return path_; }
  rocksdb::ColumnFamilyHandle* log_family() const { return log_; }
  rocksdb::ColumnFamilyHandle* meta_family() const { return meta_; }
  rocksdb::ColumnFamilyHandle* proj_family() const { return proj_; }
  bool read_only() const { return options_.read_only; }
  const Options& options() const { return options_; }
  // The mutex every wait on projections Awaits on (WaitFor, rebuild and
  // query waits, append backpressure, a worker's wait for appends and its
  // batching hold): it guards the runners' checkpoints, modes and failures,
  // the counters below, and, with registry_mu_, the slots. Whatever such a
  // wait reads changes under it, or (the head) is followed by an empty
  // lock and unlock of it (WakeWaiters), so waiters wake on the event.
  absl::Mutex& progress_mu() const ABSL_LOCK_RETURNED(progress_mu_) { return progress_mu_; }
  // Locks and unlocks progress_mu_, which re-evaluates every waiter's
  // condition: call after changing what they read outside the mutex.
  void WakeWaiters() const;
  // How many callers are waiting on projections now (WaitFor and friends):
  // live workers end their batching hold while any is
  // (Options::live_batch_hold_ms).
  int waiting_on_projections() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    return waiting_on_projections_;
  }
  // How many appends are held up by Options::max_live_lag now. The import
  // goes on meanwhile: a live worker's hold does not take the pause for
  // its end, and only the projection that is too far behind stops holding.
  int appends_held() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    return appends_held_;
  }
  // When the head last moved (the last append returned), for a worker's
  // batching hold: appends that stop for live_batch_idle_ms end it.
  absl::Time last_append() const {
    return absl::FromUnixNanos(last_append_ns_.load(std::memory_order_acquire));
  }
  // Aliases with seq <= as_of, in seq order.
  std::vector<AliasRecord> AliasesAsOf(uint64_t as_of) const;
  // Called by a rebuilding runner each time it commits a batch.
  void OnRebuildProgress(const std::string& name, ProjectionRunner* runner);

 private:
  // Assigns seqs to `events` (ids set, already validated) and writes them,
  // their id index entries and log state in one batch. Requires append_mu_.
  // When `statements` is not empty, `events` is ignored: the events are
  // statements[i] with ids[i], so appends need not build an Event each.
  absl::StatusOr<std::vector<AppendResult>> CommitLocked(
      std::span<Event> events, std::span<const Statement> statements,
      std::span<const std::string> ids, const AppendOptions& options)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Get from the log without the head check (for callers holding the lock).
  absl::StatusOr<Event> GetUnchecked(uint64_t seq) const;
  // Options::max_live_lag: returns once every live projection is within it
  // (or the engine is closing). Takes registry_mu_; call with no lock held.
  void AwaitLiveProjections() const;

  absl::Status Register(std::shared_ptr<const Projection> p,
                        ProjectionSlot::Origin origin, std::string definition);
  // Registers a declarative projection from its stored definition text.
  absl::Status RegisterStored(const std::string& name, const std::string& text);
  // A projection's answering generation and its checkpoint as stored;
  // fresh when there is none (or it is of another version).
  struct ActiveRecord {
    uint32_t gen = 0;
    uint64_t checkpoint = 0;
    bool fresh = true;
  };
  absl::StatusOr<ActiveRecord> ReadActiveRecord(const std::string& name,
                                                uint32_t version) const;
  void StopAll();

  const std::string path_;
  const Options options_;
  // Declared first so it is destroyed last, after the handles.
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<HandlePtr> handles_;
  rocksdb::ColumnFamilyHandle* const log_;
  rocksdb::ColumnFamilyHandle* const ids_;
  rocksdb::ColumnFamilyHandle* const meta_;
  rocksdb::ColumnFamilyHandle* const proj_;

  // Serialises appends: seq assignment, the duplicate check and the write
  // must be one step, or two appenders could take the same seq or id.
  mutable absl::Mutex append_mu_;
  LogState state_ ABSL_GUARDED_BY(append_mu_);
  uint64_t unsynced_bytes_ ABSL_GUARDED_BY(append_mu_) = 0;
  // Mirrors state_.head for lock-free readers; published after each write.
  std::atomic<uint64_t> head_;

  mutable absl::Mutex aliases_mu_;
  std::vector<AliasRecord> aliases_ ABSL_GUARDED_BY(aliases_mu_);

  // When the head last moved, in absl::Time nanoseconds.
  std::atomic<int64_t> last_append_ns_{0};

  mutable absl::Mutex progress_mu_;  // after registry_mu_ when both are held
  mutable int waiting_on_projections_ ABSL_GUARDED_BY(progress_mu_) = 0;
  mutable int appends_held_ ABSL_GUARDED_BY(progress_mu_) = 0;

  // Share a timeline page's reads and a large Append's validation and
  // content ids with their caller.
  std::unique_ptr<HelperPool> helpers_;

  // Guards the registry: slots_ and what each slot holds. Changes to the
  // slots (and stopping_) are made holding progress_mu_ as well, so a wait
  // on progress_mu_ may read them.
  mutable absl::Mutex registry_mu_;
  std::map<std::string, std::shared_ptr<ProjectionSlot>, std::less<>> slots_;
  bool stopping_ = false;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_DB_ENGINE_H_
