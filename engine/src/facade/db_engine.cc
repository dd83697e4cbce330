#include "facade/db_engine.h"

#include "log/owner.h"

namespace annals {

bool StoreHasWriter(const std::string& path) { return internal::StoreLockHeld(path); }

namespace internal {

absl::StatusOr<std::unique_ptr<DbEngine>> DbEngine::Open(const std::string& path,
                                                         const Options& options,
                                                         std::shared_ptr<rocksdb::Cache> cache) {
  auto store = LogStore::Open(path, options, std::move(cache));
  if (!store.ok()) return store.status();
  std::unique_ptr<DbEngine> engine(new DbEngine(*std::move(store)));
  if (auto st = engine->projections_->Start(); !st.ok()) return st;
  return engine;
}

DbEngine::DbEngine(std::unique_ptr<LogStore> store)
    : store_(std::move(store)),
      projections_(std::make_unique<ProjectionManager>(*store_, *store_, store_->options())),
      reader_(std::make_unique<TimelineReader>(*store_, *store_, *projections_)) {
  store_->SetHeadListener(this);
}

void DbEngine::OnHeadMoved() {
  projections_->OnHeadMoved();
  if (search_ != nullptr) search_->Notify();
}

DbEngine::~DbEngine() = default;

absl::StatusOr<AppendResult> DbEngine::Append(const Statement& statement,
                                              const AppendOptions& options) {
  // A batch of one, whose error has no "statements[0]: " prefix.
  const std::span<const Statement> one(&statement, 1);
  auto ids = store_->Prepare(one, /*batch=*/false);
  if (!ids.ok()) return ids.status();
  auto results = AppendValidated(one, *ids, options);
  if (!results.ok()) return results.status();
  return (*results)[0];
}

absl::StatusOr<std::vector<AppendResult>> DbEngine::Append(
    std::span<const Statement> statements, const AppendOptions& options) {
  auto ids = store_->Prepare(statements, /*batch=*/true);
  if (!ids.ok()) return ids.status();
  return AppendValidated(statements, *ids, options);
}

absl::StatusOr<std::vector<AppendResult>> DbEngine::AppendValidated(
    std::span<const Statement> statements, std::span<const std::string> ids,
    const AppendOptions& options) {
  if (read_only()) return absl::FailedPreconditionError("the store was opened read-only");
  projections_->AwaitLiveProjections();  // backpressure (Options::max_live_lag)
  return store_->AppendValidated(statements, ids, options);
}

absl::StatusOr<AppendResult> DbEngine::Correct(uint64_t target, const Statement& corrected,
                                               std::string_view reason,
                                               const AppendOptions& options) {
  return store_->Correct(target, corrected, reason, options);
}
absl::StatusOr<AppendResult> DbEngine::Retract(uint64_t target, std::string_view reason,
                                               const AppendOptions& options,
                                               const std::vector<Attribute>& attributes) {
  return store_->Retract(target, reason, options, attributes);
}
absl::StatusOr<AppendResult> DbEngine::Alias(std::string_view alias, std::string_view canonical,
                                             const AppendOptions& options,
                                             const std::vector<Attribute>& attributes) {
  return store_->Alias(alias, canonical, options, attributes);
}
absl::Status DbEngine::Sync() { return store_->Sync(); }

absl::StatusOr<Event> DbEngine::Get(uint64_t seq) const { return store_->Get(seq); }
absl::StatusOr<uint64_t> DbEngine::FindById(std::string_view id) const {
  return store_->FindById(id);
}
absl::StatusOr<std::vector<Event>> DbEngine::Read(uint64_t from_seq, size_t limit) const {
  return store_->Read(from_seq, limit);
}
std::unique_ptr<LogIterator> DbEngine::NewIterator(uint64_t from_seq) const {
  return store_->NewIterator(from_seq, DecodeDepth::kFull);
}
uint64_t DbEngine::Head() const { return store_->Head(); }
absl::StatusOr<StoreStats> DbEngine::Stats() const { return store_->Stats(); }
absl::StatusOr<Statement> DbEngine::CurrentStatement(uint64_t seq) const {
  return store_->CurrentStatement(seq);
}

absl::StatusOr<std::vector<AppendResult>> DbEngine::AppendMentions(
    std::span<const Mention> mentions, const AppendOptions& options) {
  return store_->AppendMentions(mentions, options);
}

absl::StatusOr<std::vector<std::vector<MentionRef>>> DbEngine::MentionsOf(
    std::span<const std::string> event_ids, uint64_t as_of) const {
  return store_->MentionsOf(event_ids, as_of);
}

absl::StatusOr<StatementStanding> DbEngine::Standing(uint64_t seq) const {
  return store_->Standing(seq);
}
absl::StatusOr<uint64_t> DbEngine::SeqAt(int64_t recorded_at) const {
  return store_->SeqAt(recorded_at);
}

absl::Status DbEngine::AddProjection(std::shared_ptr<const Projection> p) {
  return projections_->AddProjection(std::move(p));
}
absl::Status DbEngine::CreateProjection(const ProjectionDefinition& def) {
  return projections_->CreateProjection(def);
}
absl::Status DbEngine::DropProjection(std::string_view name) {
  return projections_->DropProjection(name);
}
absl::Status DbEngine::Rebuild(std::string_view name) { return projections_->Rebuild(name); }
absl::Status DbEngine::WaitForRebuild(std::string_view name, absl::Duration timeout) const {
  return projections_->WaitForRebuild(name, timeout);
}
std::vector<ProjectionInfo> DbEngine::Projections() const { return projections_->Projections(); }
absl::Status DbEngine::WaitFor(uint64_t seq, absl::Duration timeout) const {
  return projections_->WaitFor(seq, timeout);
}
absl::Status DbEngine::WaitForProjection(std::string_view name, uint64_t seq,
                                         absl::Duration timeout) const {
  return projections_->WaitForProjection(name, seq, timeout);
}
absl::StatusOr<std::optional<std::string>> DbEngine::ReadProjection(std::string_view name,
                                                                    std::string_view key) const {
  return projections_->ReadProjection(name, key);
}

absl::StatusOr<TimelinePage> DbEngine::Timeline(const TimelineQuery& q) const {
  return reader_->Timeline(q);
}
absl::StatusOr<std::vector<GroupCount>> DbEngine::Counts(const CountsQuery& q) const {
  return reader_->Counts(q);
}

absl::StatusOr<uint64_t> DbEngine::AddBackup(const std::string& backup_dir) const {
  return store_->BackupTo(backup_dir);
}
absl::Status DbEngine::CopyView(const std::string& dir) const { return store_->CopyTo(dir); }

absl::Status DbEngine::FlushMemtables() {
  return read_only() ? absl::OkStatus() : store_->FlushIfLarge(0);
}
absl::Status DbEngine::SettleTables(absl::Duration limit) { return store_->Settle(limit); }

}  // namespace internal
}  // namespace annals
