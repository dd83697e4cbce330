#include "facade/reader_engine.h"

namespace annals::internal {

ReaderEngine::ReaderEngine(std::unique_ptr<DbEngine> engine)
    : instance_(std::make_shared<Instance>(std::move(engine))) {}

ReaderEngine::~ReaderEngine() = default;

namespace {

// Holds the instance it reads from open until it is destroyed.
class PinningIterator final : public LogIterator {
 public:
  PinningIterator(std::unique_ptr<LogIterator> it, std::shared_ptr<const void> pin)
      : it_(std::move(it)), pin_(std::move(pin)) {}
  ~PinningIterator() override { it_.reset(); }  // before the instance
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  const Event& event() const override { return it_->event(); }
  absl::Status status() const override { return it_->status(); }

 private:
  std::unique_ptr<LogIterator> it_;
  std::shared_ptr<const void> pin_;
};

}  // namespace

// Every call but Refresh runs under the shared lock.
#define ANNALS_SHARED(call)              \
  absl::ReaderMutexLock lock(&mu_);      \
  return instance_->engine->call

absl::StatusOr<AppendResult> ReaderEngine::Append(const Statement& statement,
                                                  const AppendOptions& options) {
  ANNALS_SHARED(Append(statement, options));
}
absl::StatusOr<std::vector<AppendResult>> ReaderEngine::Append(
    std::span<const Statement> statements, const AppendOptions& options) {
  ANNALS_SHARED(Append(statements, options));
}
absl::StatusOr<AppendResult> ReaderEngine::Correct(uint64_t target,
                                                   const Statement& corrected,
                                                   std::string_view reason,
                                                   const AppendOptions& options) {
  ANNALS_SHARED(Correct(target, corrected, reason, options));
}
absl::StatusOr<AppendResult> ReaderEngine::Retract(uint64_t target, std::string_view reason,
                                                   const AppendOptions& options,
                                                   const std::vector<Attribute>& attributes) {
  ANNALS_SHARED(Retract(target, reason, options, attributes));
}
absl::StatusOr<AppendResult> ReaderEngine::Alias(std::string_view alias,
                                                 std::string_view canonical,
                                                 const AppendOptions& options,
                                                 const std::vector<Attribute>& attributes) {
  ANNALS_SHARED(Alias(alias, canonical, options, attributes));
}
absl::Status ReaderEngine::Sync() { ANNALS_SHARED(Sync()); }
absl::StatusOr<Event> ReaderEngine::Get(uint64_t seq) const { ANNALS_SHARED(Get(seq)); }
absl::StatusOr<uint64_t> ReaderEngine::FindById(std::string_view id) const {
  ANNALS_SHARED(FindById(id));
}
absl::StatusOr<std::vector<Event>> ReaderEngine::Read(uint64_t from_seq,
                                                      size_t limit) const {
  ANNALS_SHARED(Read(from_seq, limit));
}
std::unique_ptr<LogIterator> ReaderEngine::NewIterator(uint64_t from_seq) const {
  absl::ReaderMutexLock lock(&mu_);
  return std::make_unique<PinningIterator>(instance_->engine->NewIterator(from_seq), instance_);
}
uint64_t ReaderEngine::Head() const { ANNALS_SHARED(Head()); }
absl::StatusOr<StoreStats> ReaderEngine::Stats() const { ANNALS_SHARED(Stats()); }
absl::StatusOr<Statement> ReaderEngine::CurrentStatement(uint64_t seq) const {
  ANNALS_SHARED(CurrentStatement(seq));
}
std::vector<AliasRecord> ReaderEngine::AliasesAsOf(uint64_t as_of) const {
  ANNALS_SHARED(AliasesAsOf(as_of));
}
absl::StatusOr<std::function<bool(const Statement&)>> ReaderEngine::GroupTest(
    const std::string& name, const std::vector<std::string>& key) const {
  ANNALS_SHARED(GroupTest(name, key));  // the test holds the layout, not the instance
}
absl::StatusOr<StoredPage> ReaderEngine::StoredTimeline(const TimelineQuery& q) const {
  ANNALS_SHARED(StoredTimeline(q));
}
absl::StatusOr<std::vector<AppendResult>> ReaderEngine::AppendMentions(
    std::span<const Mention> mentions, const AppendOptions& options) {
  ANNALS_SHARED(AppendMentions(mentions, options));
}
absl::StatusOr<std::vector<std::vector<MentionRef>>> ReaderEngine::MentionsOf(
    std::span<const std::string> event_ids, uint64_t as_of) const {
  ANNALS_SHARED(MentionsOf(event_ids, as_of));
}
absl::StatusOr<StatementStanding> ReaderEngine::Standing(uint64_t seq) const {
  ANNALS_SHARED(Standing(seq));
}
absl::StatusOr<uint64_t> ReaderEngine::SeqAt(int64_t recorded_at) const {
  ANNALS_SHARED(SeqAt(recorded_at));
}
absl::Status ReaderEngine::AddProjection(std::shared_ptr<const Projection> p) {
  absl::MutexLock refreshing(&refresh_mu_);  // a Refresh copying added_
  absl::WriterMutexLock lock(&mu_);
  absl::Status st = instance_->engine->AddProjection(p);
  if (st.ok()) added_.push_back(std::move(p));
  return st;
}
absl::Status ReaderEngine::CreateProjection(const ProjectionDefinition& def) {
  ANNALS_SHARED(CreateProjection(def));
}
absl::Status ReaderEngine::DropProjection(std::string_view name) {
  ANNALS_SHARED(DropProjection(name));
}
absl::Status ReaderEngine::Rebuild(std::string_view name) { ANNALS_SHARED(Rebuild(name)); }
absl::Status ReaderEngine::WaitForRebuild(std::string_view name,
                                          absl::Duration timeout) const {
  ANNALS_SHARED(WaitForRebuild(name, timeout));
}
std::vector<ProjectionInfo> ReaderEngine::Projections() const {
  ANNALS_SHARED(Projections());
}
absl::Status ReaderEngine::WaitFor(uint64_t seq, absl::Duration timeout) const {
  ANNALS_SHARED(WaitFor(seq, timeout));
}
absl::Status ReaderEngine::WaitForProjection(std::string_view name, uint64_t seq,
                                             absl::Duration timeout) const {
  ANNALS_SHARED(WaitForProjection(name, seq, timeout));
}
absl::StatusOr<std::optional<std::string>> ReaderEngine::ReadProjection(
    std::string_view name, std::string_view key) const {
  ANNALS_SHARED(ReadProjection(name, key));
}
absl::StatusOr<TimelinePage> ReaderEngine::Timeline(const TimelineQuery& q) const {
  ANNALS_SHARED(Timeline(q));
}
absl::StatusOr<std::vector<GroupCount>> ReaderEngine::Counts(const CountsQuery& q) const {
  ANNALS_SHARED(Counts(q));
}

#undef ANNALS_SHARED

absl::StatusOr<std::vector<AppendResult>> ReaderEngine::AppendValidated(
    std::span<const Statement> statements, std::span<const std::string> ids,
    const AppendOptions& options) {
  absl::ReaderMutexLock lock(&mu_);
  return instance_->engine->AppendValidated(statements, ids, options);
}

std::string ReaderEngine::store_path() const {
  absl::ReaderMutexLock lock(&mu_);
  return instance_->engine->path();
}

absl::StatusOr<uint64_t> ReaderEngine::AddBackup(const std::string&) const {
  return absl::FailedPreconditionError("a read-only engine's view is copied with CopyView");
}

absl::Status ReaderEngine::CopyView(const std::string& dir) const {
  std::shared_ptr<Instance> pinned;
  {
    absl::ReaderMutexLock lock(&mu_);
    pinned = instance_;  // a Refresh meanwhile swaps it, but not away
  }
  return pinned->engine->CopyView(dir);
}

absl::Status ReaderEngine::Refresh() {
  // Serialises refreshes (and AddProjection) without blocking queries
  // while the new instance opens.
  absl::MutexLock refreshing(&refresh_mu_);
  std::string path;
  Options options;
  std::shared_ptr<rocksdb::Cache> cache;
  std::vector<std::shared_ptr<const Projection>> added;
  {
    absl::ReaderMutexLock lock(&mu_);
    path = instance_->engine->path();
    options = instance_->engine->options();
    cache = instance_->engine->cache();  // kept warm across instances
    added = added_;
  }
  auto opened = DbEngine::Open(path, options, std::move(cache));
  if (!opened.ok()) return opened.status();
  for (const auto& p : added)
    if (auto st = (*opened)->AddProjection(p); !st.ok()) return st;
  auto fresh = std::make_shared<Instance>(*std::move(opened));
  absl::WriterMutexLock lock(&mu_);
  std::swap(instance_, fresh);
  return absl::OkStatus();
}

}  // namespace annals::internal
