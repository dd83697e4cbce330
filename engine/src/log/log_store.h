// The log store: the one owner of a store's RocksDB instance and its
// column families. It appends (statements, corrections, retractions,
// aliases: each with its id index entries and the log state it moves in
// one WriteBatch), reads, and keeps the head; to the projection machinery
// and the read side it offers only the narrow interfaces EventLog and
// ProjectionStorage. Where each part lives:
//   opening, recovery      log/store_open.cc (read-only: log/secondary.h)
//   appends                log/append.cc, log/amend.cc
//   reads, head            log/read.cc
//   projection storage     log/projection_storage.cc, log/bulk_ingest.cc
//   copies (backups)       log/store_copy.cc
// Thread-safe. Appends are serialised; reads run beside them and see every
// append that returned before they started.
#ifndef ANNALS_ENGINE_SRC_LOG_LOG_STORE_H_
#define ANNALS_ENGINE_SRC_LOG_LOG_STORE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "annals/engine.h"
#include "concurrency/helper_pool.h"
#include "log/event_log.h"
#include "log/background_work.h"
#include "log/info_logger.h"
#include "log/log_iterator.h"
#include "log/log_state.h"
#include "log/projection_storage.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"

namespace annals::internal {

// Releases column family handles before the DB that owns them.
struct HandleDeleter {
  rocksdb::DB* db;
  void operator()(rocksdb::ColumnFamilyHandle* h) const { db->DestroyColumnFamilyHandle(h); }
};
using HandlePtr = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleDeleter>;

// Everything opening a store assembled (log/store_open.cc), handed to the
// LogStore that owns it from then on.
struct StoreParts {
  std::unique_ptr<rocksdb::DB> db;
  // Every column family of the store, including ones this code does not
  // use (RocksDB requires opening all); the pointers below point into it.
  std::vector<HandlePtr> handles;
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* ids = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* proj = nullptr;  // absent in old read-only stores
  LogState state;
  std::vector<AliasRecord> aliases;
  std::string secondary_dir;  // read-only: the secondary's own files, removed at close
  std::shared_ptr<WriteErrorListener> write_errors;  // log/info_logger.h
  std::shared_ptr<BackgroundWorkListener> background;  // log/background_work.h
};

class LogStore final : public EventLog, public ProjectionStorage {
 public:
  // Opens (or creates, per options) the store in directory `path`, with
  // the errors Engine::Open documents; read-only opens a RocksDB secondary
  // (retried while the writer's flushes tear its view). `cache`: the block
  // cache (nullptr: a new one of options.block_cache_bytes).
  static absl::StatusOr<std::unique_ptr<LogStore>> Open(const std::string& path,
                                                        const Options& options,
                                                        std::shared_ptr<rocksdb::Cache> cache);
  ~LogStore() override;
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  const std::string& path() const { return path_; }
  const Options& options() const { return options_; }
  const std::shared_ptr<rocksdb::Cache>& cache() const { return cache_; }
  // Told of every head move from now on; set once, before any append.
  void SetHeadListener(HeadListener* listener) { listener_ = listener; }

  // --- Appends (Engine's contracts) ---
  // Validates `statements` and derives their ids (on the helper threads for
  // a large batch), for AppendValidated: the first bad one is a
  // BadStatementError, its message prefixed "statements[i]: " when
  // `batch` (Engine::Append of a span; not of one statement).
  absl::StatusOr<std::vector<std::string>> Prepare(std::span<const Statement> statements,
                                                   bool batch) const;
  // Appends statements that passed Validate, with their EffectiveIds.
  absl::StatusOr<std::vector<AppendResult>> AppendValidated(
      std::span<const Statement> statements, std::span<const std::string> ids,
      const AppendOptions& options);
  absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                       std::string_view reason, const AppendOptions& options);
  // `attributes`: the event's own (provenance of a copied event;
  // CheckEventAttributes), not part of its id.
  absl::StatusOr<AppendResult> Retract(uint64_t target, std::string_view reason,
                                       const AppendOptions& options,
                                       const std::vector<Attribute>& attributes = {});
  absl::StatusOr<AppendResult> Alias(std::string_view alias, std::string_view canonical,
                                     const AppendOptions& options,
                                     const std::vector<Attribute>& attributes = {});
  // Engine::AppendMentions and MentionsOf (log/mentions.cc).
  absl::StatusOr<std::vector<AppendResult>> AppendMentions(std::span<const Mention> mentions,
                                                           const AppendOptions& options);
  absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionsOf(
      std::span<const std::string> event_ids, uint64_t as_of) const;
  absl::Status Sync();
  // Flushes every memtable when together they hold more than `threshold`
  // bytes (at close: kFlushAtCloseBytes).
  absl::Status FlushIfLarge(uint64_t threshold);
  static constexpr uint64_t kFlushAtCloseBytes = 4ull << 20;
  // Writers: flushes, then waits until RocksDB has no flush or compaction
  // pending or running (or until `limit`; then OK all the same, the store
  // being whole, only less compact). Read-only: OK at once.
  absl::Status Settle(absl::Duration limit);

  // --- Reads (Engine's contracts) ---
  absl::StatusOr<uint64_t> FindById(std::string_view id) const;
  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq, size_t limit) const;
  absl::StatusOr<StoreStats> Stats() const;
  absl::StatusOr<Statement> CurrentStatement(uint64_t seq) const;
  absl::StatusOr<StatementStanding> Standing(uint64_t seq) const;
  absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) const;

  // --- EventLog ---
  uint64_t Head() const override { return head_.load(std::memory_order_acquire); }
  bool WaitForHead(uint64_t after, absl::Time deadline,
                   const std::atomic<bool>* stop = nullptr) const override;
  void WakeHeadWaiters() const override;
  absl::Time LastAppendTime() const override;
  absl::StatusOr<Event> Get(uint64_t seq) const override;
  std::unique_ptr<StoredLogIterator> NewIterator(uint64_t from, DecodeDepth depth) const override;
  std::unique_ptr<StoredLogIterator> NewPrefetchingIterator(uint64_t from, uint64_t max_events,
                                                      DecodeDepth depth) const override;
  // What a scan starting now must find (log_iterator.h).
  LogExpectation Expectation() const;
  std::vector<absl::StatusOr<Event>> ReadEvents(const StoreSnapshot& at,
                                                std::span<const uint64_t> seqs) const override;
  std::vector<AliasRecord> AliasesAsOf(uint64_t as_of) const override;

  // --- ProjectionStorage ---
  bool read_only() const override { return options_.read_only; }
  bool has_projection_data() const override { return proj_ != nullptr; }
  StoreSnapshot Snapshot() const override { return StoreSnapshot(db_.get()); }
  absl::StatusOr<std::optional<uint32_t>> ActiveGeneration(
      std::string_view name, const StoreSnapshot* at = nullptr) const override;
  absl::StatusOr<std::optional<GenerationRecord>> Generation(
      std::string_view name, uint32_t gen, const StoreSnapshot* at = nullptr) const override;
  absl::StatusOr<std::vector<uint32_t>> Generations(std::string_view name) const override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Definitions()
      const override;
  absl::Status PutDefinition(const ProjectionDefinition& def) override;
  absl::StatusOr<std::optional<std::string>> GetData(
      std::string_view key, const StoreSnapshot* at = nullptr) const override;
  std::unique_ptr<rocksdb::Iterator> NewDataIterator(const StoreSnapshot& at) const override;
  ProjectionBatch NewBatch() const override { return ProjectionBatch(proj_, meta_); }
  absl::Status Commit(ProjectionBatch& batch, bool sync, std::string_view what) override;
  absl::Status IngestBatch(std::string_view file_tag,
                           absl::FunctionRef<absl::StatusOr<size_t>(ProjectionFile&)> write,
                           std::string_view name, uint32_t gen,
                           const GenerationRecord& checkpoint) override;
  absl::Status DropGeneration(std::string_view name, uint32_t gen) override;

  // --- Copies (log/store_copy.cc) ---
  // Adds an independent, checksummed copy of every family, as of one head,
  // to the RocksDB BackupEngine directory `backup_dir` (which must be new
  // and empty or one the engine made: BackupEngine removes files it does
  // not own there). Checks every live SST file's checksums first and
  // refuses (kDataLoss naming the file) if one fails, since BackupEngine
  // would copy it as it is. Appends wait while the files are copied (so the
  // copy holds exactly seqs 1..head); queries go on. Returns the head.
  // Writers only.
  absl::StatusOr<uint64_t> BackupTo(const std::string& backup_dir) const;
  // Every family as this store sees it, copied record by record into a new
  // RocksDB at `dir` (for read-only stores, whose view is one instant).
  absl::Status CopyTo(const std::string& dir) const;
  // Reads every block of every live SST file against its checksum.
  // kDataLoss naming the first damaged file.
  absl::Status VerifyLiveFiles() const;

  // --- For white-box tests and benchmarks ---
  // A RocksDB property of family `family` ("log", "proj", ...).
  std::optional<std::string> Property(std::string_view family, const std::string& name) const;
  // Flushes and fully compacts the log family.
  absl::Status CompactLog();
  // Turns RocksDB's automatic compactions of every family off or on.
  absl::Status SetAutoCompactions(bool on);

 private:
  LogStore(std::string path, const Options& options, std::shared_ptr<rocksdb::Cache> cache,
           StoreParts parts);

  // Assigns seqs to `events` (ids set, already validated) and writes them,
  // their id index entries and log state in one batch. When `statements`
  // is not empty, `events` is ignored: the events are statements[i] with
  // ids[i], so appends need not build an Event each (log/append.cc).
  absl::StatusOr<std::vector<AppendResult>> CommitLocked(
      std::span<Event> events, std::span<const Statement> statements,
      std::span<const std::string> ids, const AppendOptions& options)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Appends one amending event (correction, retraction, alias) whose
  // checks `check` makes under the append lock (for a repeat of a stored
  // one, a duplicate, only when `check_duplicates`).
  absl::StatusOr<AppendResult> CommitAmendment(Event event, const AppendOptions& options,
                                               absl::FunctionRef<absl::Status()> check,
                                               bool check_duplicates = false);
  // Makes `next` the log state and the head everyone sees (and WaitForHead
  // wakes on).
  void Publish(const LogState& next, std::vector<AliasRecord> new_aliases)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Tells the listener; call after an append, with no lock held.
  void NotifyHeadMoved();
  // Get from the log without the head check (for callers holding the lock).
  absl::StatusOr<Event> GetUnchecked(uint64_t seq) const;
  // Whether a write of `batch_bytes` with `options` must be synced.
  bool ShouldSync(const AppendOptions& options, size_t batch_bytes) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  rocksdb::ColumnFamilyHandle* Family(std::string_view name) const;

  const std::string path_;
  const Options options_;
  const std::shared_ptr<rocksdb::Cache> cache_;
  const std::string secondary_dir_;
  // After RocksDB stopped writing for an error, nothing syncs or flushes.
  const std::shared_ptr<WriteErrorListener> write_errors_;
  const std::shared_ptr<BackgroundWorkListener> background_;
  // Declared first so it is destroyed last, after the handles.
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<HandlePtr> handles_;
  rocksdb::ColumnFamilyHandle* const log_;
  rocksdb::ColumnFamilyHandle* const ids_;
  rocksdb::ColumnFamilyHandle* const meta_;
  rocksdb::ColumnFamilyHandle* const proj_;
  HeadListener* listener_ = nullptr;

  // Serialises appends: seq assignment, the duplicate check and the write
  // must be one step, or two appenders could take the same seq or id.
  mutable absl::Mutex append_mu_;
  LogState state_ ABSL_GUARDED_BY(append_mu_);
  // state_.lost_count, which only `annals repair` (with the store closed)
  // changes: scans read it without waiting for an append in progress.
  const uint64_t lost_count_;
  uint64_t unsynced_bytes_ ABSL_GUARDED_BY(append_mu_) = 0;

  // The head, published after each write under head_mu_ (WaitForHead
  // Awaits on it); the atomics mirror it for lock-free readers.
  mutable absl::Mutex head_mu_;
  std::atomic<uint64_t> head_;
  std::atomic<int64_t> last_append_ns_;  // absl::Time of the last append, in ns
  bool closing_ ABSL_GUARDED_BY(head_mu_) = false;

  mutable absl::Mutex aliases_mu_;
  std::vector<AliasRecord> aliases_ ABSL_GUARDED_BY(aliases_mu_);
  // The links in force at the head (normalised alias -> canonical, the
  // latest alias of each name): Alias checks for a cycle against it in
  // O(chain), not by rebuilding it from every alias (issue 21's alias --file).
  std::map<std::string, std::string> alias_links_ ABSL_GUARDED_BY(aliases_mu_);

  // Share a timeline page's reads and a large Append's validation and
  // content ids with their caller.
  std::unique_ptr<HelperPool> helpers_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_LOG_STORE_H_
