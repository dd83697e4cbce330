#include "log/reader_engine.h"

#include <filesystem>
#include <system_error>

#include "log/db_engine.h"

namespace annals::internal {

ReaderEngine::ReaderEngine(std::unique_ptr<DbEngine> engine, std::string secondary_dir)
    : engine_(std::move(engine)), secondary_dir_(std::move(secondary_dir)) {}

ReaderEngine::~ReaderEngine() {
  engine_.reset();
  std::error_code ec;
  std::filesystem::remove_all(secondary_dir_, ec);
}

// Every call but Refresh runs under the shared lock.
#define ANNALS_SHARED(call)              \
  absl::ReaderMutexLock lock(&mu_);      \
  return engine_->call

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
                                                   const AppendOptions& options) {
  ANNALS_SHARED(Retract(target, reason, options));
}
absl::StatusOr<AppendResult> ReaderEngine::Alias(std::string_view alias,
                                                 std::string_view canonical,
                                                 const AppendOptions& options) {
  ANNALS_SHARED(Alias(alias, canonical, options));
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
  ANNALS_SHARED(NewIterator(from_seq));
}
uint64_t ReaderEngine::Head() const { return engine_->Head(); }  // an atomic
absl::StatusOr<StoreStats> ReaderEngine::Stats() const { ANNALS_SHARED(Stats()); }
absl::StatusOr<Statement> ReaderEngine::CurrentStatement(uint64_t seq) const {
  ANNALS_SHARED(CurrentStatement(seq));
}
absl::StatusOr<uint64_t> ReaderEngine::SeqAt(int64_t recorded_at) const {
  ANNALS_SHARED(SeqAt(recorded_at));
}
absl::Status ReaderEngine::AddProjection(std::shared_ptr<const Projection> p) {
  ANNALS_SHARED(AddProjection(std::move(p)));
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
absl::StatusOr<std::optional<std::string>> ReaderEngine::ReadProjection(
    std::string_view name, std::string_view key) const {
  ANNALS_SHARED(ReadProjection(name, key));
}
absl::StatusOr<TimelinePage> ReaderEngine::Timeline(const TimelineQuery& q) const {
  ANNALS_SHARED(Timeline(q));
}
absl::StatusOr<std::vector<GroupCount>> ReaderEngine::Counts(std::string_view projection,
                                                             std::string_view prefix,
                                                             size_t top) const {
  ANNALS_SHARED(Counts(projection, prefix, top));
}

#undef ANNALS_SHARED

absl::Status ReaderEngine::Refresh() {
  absl::WriterMutexLock lock(&mu_);
  return engine_->Refresh();
}

}  // namespace annals::internal
