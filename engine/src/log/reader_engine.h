// The engine handed out for Options::read_only: a DbEngine opened as a
// RocksDB secondary instance, behind a reader-writer lock.
//
// Refresh moves the secondary forward to what the writing process has
// committed (RocksDB TryCatchUpWithPrimary). A query spanning a catch-up
// could mix two states (its snapshot does not protect it against the
// writer's compactions), so every call holds the lock shared and Refresh
// holds it exclusively: each call answers from one state. LogIterators pin
// their own state and are unaffected by a later Refresh.
#ifndef ANNALS_ENGINE_SRC_LOG_READER_ENGINE_H_
#define ANNALS_ENGINE_SRC_LOG_READER_ENGINE_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "annals/engine.h"

namespace annals::internal {

class DbEngine;

class ReaderEngine final : public Engine {
 public:
  // Takes `engine` (read-only, on a secondary instance whose own files are
  // in `secondary_dir`, removed when this is destroyed).
  ReaderEngine(std::unique_ptr<DbEngine> engine, std::string secondary_dir);
  ~ReaderEngine() override;

  absl::StatusOr<AppendResult> Append(const Statement& statement,
                                      const AppendOptions& options) override;
  absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements, const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Correct(uint64_t target, const Statement& corrected,
                                       std::string_view reason,
                                       const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Retract(uint64_t target, std::string_view reason,
                                       const AppendOptions& options) override;
  absl::StatusOr<AppendResult> Alias(std::string_view alias, std::string_view canonical,
                                     const AppendOptions& options) override;
  absl::Status Sync() override;
  absl::StatusOr<Event> Get(uint64_t seq) const override;
  absl::StatusOr<uint64_t> FindById(std::string_view id) const override;
  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq, size_t limit) const override;
  std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const override;
  uint64_t Head() const override;
  absl::StatusOr<StoreStats> Stats() const override;
  absl::StatusOr<Statement> CurrentStatement(uint64_t seq) const override;
  absl::StatusOr<uint64_t> SeqAt(int64_t recorded_at) const override;
  absl::Status AddProjection(std::shared_ptr<const Projection> p) override;
  absl::Status CreateProjection(const ProjectionDefinition& def) override;
  absl::Status DropProjection(std::string_view name) override;
  absl::Status Rebuild(std::string_view name) override;
  absl::Status WaitForRebuild(std::string_view name, absl::Duration timeout) const override;
  std::vector<ProjectionInfo> Projections() const override;
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout) const override;
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      std::string_view name, std::string_view key) const override;
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const override;
  absl::StatusOr<std::vector<GroupCount>> Counts(std::string_view projection,
                                                 std::string_view prefix,
                                                 size_t top) const override;
  absl::Status Refresh() override;

 private:
  mutable absl::Mutex mu_;
  std::unique_ptr<DbEngine> engine_;
  const std::string secondary_dir_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_READER_ENGINE_H_
