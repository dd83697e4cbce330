// The engine handed out for Options::read_only: a DbEngine whose log store
// is a RocksDB secondary instance, behind a reader-writer lock.
//
// Refresh opens a new secondary instance and swaps it in, rather than
// catching the old one up (RocksDB TryCatchUpWithPrimary): RocksDB 7.8's
// catch-up keeps values it replayed from a write-ahead log that the writer
// has since flushed, so keys the writer overwrites (the head marker,
// projection checkpoints) could read stale until that family was written
// again (facebook/rocksdb#15051), and indefinitely once the writer stopped.
// A fresh open replays only the live logs. Every call holds the lock shared
// and Refresh holds it exclusively while it swaps: each call answers from
// one state. LogIterators keep the instance they started on alive, so they
// read the state they started from; the block cache is shared across
// instances, so a refresh keeps it warm.
#ifndef ANNALS_ENGINE_SRC_FACADE_READER_ENGINE_H_
#define ANNALS_ENGINE_SRC_FACADE_READER_ENGINE_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "facade/db_engine.h"
#include "facade/services.h"

namespace annals::internal {

class ReaderEngine final : public Engine, public EngineServices {
 public:
  // Takes `engine`, opened read-only.
  explicit ReaderEngine(std::unique_ptr<DbEngine> engine);
  ~ReaderEngine() override;

  absl::StatusOr<AppendResult> Append(const Statement& statement,
                                      const AppendOptions& options) override;
  absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements, const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                       std::string_view reason,
                                       const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Retract(uint64_t target, std::string_view reason,
                                       const AppendOptions& options,
                                       const std::vector<Attribute>& attributes) override;
  absl::StatusOr<AppendResult> Alias(std::string_view alias, std::string_view canonical,
                                     const AppendOptions& options,
                                     const std::vector<Attribute>& attributes) override;
  absl::StatusOr<std::vector<AppendResult>> AppendMentions(std::span<const Mention> mentions,
                                                           const AppendOptions& options) override;
  absl::StatusOr<std::vector<std::vector<MentionRef>>> MentionsOf(
      std::span<const std::string> event_ids, uint64_t as_of) const override;
  absl::Status Sync() override;
  absl::StatusOr<Event> Get(uint64_t seq) const override;
  absl::StatusOr<uint64_t> FindById(std::string_view id) const override;
  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq, size_t limit) const override;
  std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const override;
  uint64_t Head() const override;
  absl::StatusOr<StoreStats> Stats() const override;
  absl::StatusOr<Statement> CurrentStatement(uint64_t seq) const override;
  absl::StatusOr<StatementStanding> Standing(uint64_t seq) const override;
  absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) const override;
  absl::Status AddProjection(std::shared_ptr<const Projection> p) override;
  absl::Status CreateProjection(const ProjectionDefinition& def) override;
  absl::Status DropProjection(std::string_view name) override;
  absl::Status Rebuild(std::string_view name) override;
  absl::Status WaitForRebuild(std::string_view name, absl::Duration timeout) const override;
  std::vector<ProjectionInfo> Projections() const override;
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout) const override;
  absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                 absl::Duration timeout) const override;
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      std::string_view name, std::string_view key) const override;
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const override;
  using Engine::Counts;
  absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) const override;
  absl::Status Refresh() override;

  // --- EngineServices: of the state it answers from now ---
  absl::StatusOr<std::vector<AppendResult>> AppendValidated(
      std::span<const Statement> statements, std::span<const std::string> ids,
      const AppendOptions& options) override;
  bool read_only() const override { return true; }
  std::string store_path() const override;
  absl::StatusOr<uint64_t> AddBackup(const std::string& backup_dir) const override;
  absl::Status CopyView(const std::string& dir) const override;
  std::vector<AliasRecord> AliasesAsOf(uint64_t as_of) const override;
  absl::Status FlushMemtables() override { return absl::OkStatus(); }
  absl::Status SettleTables(absl::Duration) override { return absl::OkStatus(); }
  LogStore* log_store() override { return nullptr; }
  absl::StatusOr<std::function<bool(const Statement&)>> GroupTest(
      const std::string& name, const std::vector<std::string>& key) const override;
  absl::StatusOr<StoredPage> StoredTimeline(const TimelineQuery& q) const override;
  // A read-only engine follows no index.
  LiveSearch* live_search() const override { return nullptr; }

 private:
  EngineServices* services() const override { return const_cast<ReaderEngine*>(this); }

  // One open secondary: closed (and its own files removed) when neither
  // this engine nor any iterator on it holds it any more.
  struct Instance {
    explicit Instance(std::unique_ptr<DbEngine> e) : engine(std::move(e)) {}
    std::unique_ptr<DbEngine> engine;
  };

  absl::Mutex refresh_mu_;  // held across a Refresh or AddProjection
  mutable absl::Mutex mu_ ABSL_ACQUIRED_AFTER(refresh_mu_);
  std::shared_ptr<Instance> instance_ ABSL_GUARDED_BY(mu_);
  // Projections registered through AddProjection, registered again on
  // every new instance.
  std::vector<std::shared_ptr<const Projection>> added_ ABSL_GUARDED_BY(mu_);
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_FACADE_READER_ENGINE_H_
