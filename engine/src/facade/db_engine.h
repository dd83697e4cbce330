// The Engine the library hands out for writing (and, one per state, behind
// a read-only ReaderEngine): a facade over three components, which it
// wires together and owns.
//   the log store          log/log_store.h: the RocksDB instance, appends,
//                          reads, the head
//   the projections        projection/manager.h: registry, workers,
//                          rebuilds, waits, backpressure
//   the read side          timeline/reader.h: timeline pages and counts
//   live search indexes    facade/live_search.h (search/search_follower.h),
//                          when Options::follow_search_indexes (writable)
// Every Engine call is one component's (an append also waits on the
// projections' backpressure first). Thread-safe, as Engine is.
#ifndef ANNALS_ENGINE_SRC_FACADE_DB_ENGINE_H_
#define ANNALS_ENGINE_SRC_FACADE_DB_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "annals/engine.h"
#include "facade/live_search.h"
#include "facade/services.h"
#include "log/log_store.h"
#include "projection/manager.h"
#include "rocksdb/cache.h"
#include "timeline/reader.h"

namespace annals::internal {

class DbEngine final : public Engine, public EngineServices, private HeadListener {
 public:
  // Opens the store and starts its projections. `cache`: the block cache
  // to use (nullptr: a new one).
  static absl::StatusOr<std::unique_ptr<DbEngine>> Open(const std::string& path,
                                                        const Options& options,
                                                        std::shared_ptr<rocksdb::Cache> cache);
  ~DbEngine() override;

  const std::string& path() const { return store_->path(); }
  const Options& options() const { return store_->options(); }
  const std::shared_ptr<rocksdb::Cache>& cache() const { return store_->cache(); }
  // Hands the engine the follower of its search indexes, before anyone
  // else has the engine (Engine::Open). Writable engines only.
  void SetLiveSearch(std::unique_ptr<LiveSearch> search) { search_ = std::move(search); }

  // --- Engine ---
  absl::StatusOr<AppendResult> Append(const Statement& statement,
                                      const AppendOptions& options) override;
  absl::StatusOr<std::vector<AppendResult>> Append(std::span<const Statement> statements,
                                                   const AppendOptions& options) override;
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
  absl::StatusOr<std::optional<std::string>> ReadProjection(std::string_view name,
                                                            std::string_view key) const override;
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const override;
  using Engine::Counts;
  absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) const override;
  // Does nothing: a writer sees its own appends, and a read-only DbEngine
  // is refreshed by its ReaderEngine opening a new one.
  absl::Status Refresh() override { return absl::OkStatus(); }

  // --- EngineServices ---
  absl::StatusOr<std::vector<AppendResult>> AppendValidated(
      std::span<const Statement> statements, std::span<const std::string> ids,
      const AppendOptions& options) override;
  bool read_only() const override { return store_->read_only(); }
  std::string store_path() const override { return path(); }
  absl::StatusOr<uint64_t> AddBackup(const std::string& backup_dir) const override;
  absl::Status CopyView(const std::string& dir) const override;
  std::vector<AliasRecord> AliasesAsOf(uint64_t as_of) const override {
    return store_->AliasesAsOf(as_of);
  }
  absl::Status FlushMemtables() override;
  absl::Status SettleTables(absl::Duration limit) override;
  LogStore* log_store() override { return read_only() ? nullptr : store_.get(); }
  absl::StatusOr<std::function<bool(const Statement&)>> GroupTest(
      const std::string& name, const std::vector<std::string>& key) const override {
    return reader_->GroupTest(name, key);
  }
  absl::StatusOr<StoredPage> StoredTimeline(const TimelineQuery& q) const override {
    return reader_->StoredTimeline(q);
  }
  LiveSearch* live_search() const override { return search_.get(); }

 private:
  explicit DbEngine(std::unique_ptr<LogStore> store);
  EngineServices* services() const override { return const_cast<DbEngine*>(this); }
  // Each append wakes the projections and the search follower.
  void OnHeadMoved() override;

  // Declared in dependency order, so destroyed readers first, the store
  // last (the workers use it until they stop).
  const std::unique_ptr<LogStore> store_;
  const std::unique_ptr<ProjectionManager> projections_;
  const std::unique_ptr<TimelineReader> reader_;
  // Set by SetLiveSearch before the engine is handed out; stopped first.
  std::unique_ptr<LiveSearch> search_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_FACADE_DB_ENGINE_H_
