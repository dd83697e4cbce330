// Group commit: one thread commits the appends of every connection
// together. Whatever batches are queued when it becomes free (up to
// `max_group` statements) are committed with ONE Engine::Append (one
// WriteBatch, one write-ahead-log write, one fsync when the engine syncs
// appends); each batch's caller then gets its own results. A batch with an
// invalid statement is answered on its own with the engine's own error
// (naming the index within that batch) and never fails the others.
// Thread-safe.
#ifndef ANNALS_ENGINE_SRC_SERVE_COMMITTER_H_
#define ANNALS_ENGINE_SRC_SERVE_COMMITTER_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "annals/engine.h"

namespace annals::internal {

class Committer {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<std::vector<AppendResult>>) &&>;

  // `committed` runs on the committer thread after each group that
  // appended (the head has moved).
  Committer(Engine& engine, size_t max_group, absl::AnyInvocable<void()> committed);
  ~Committer();  // Stop()
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues a batch; `done` runs on the committer thread once it is
  // committed (or failed). After Stop, answers kUnavailable at once.
  void Submit(std::vector<Statement> statements, Done done);

  // Commits everything queued so far, then ends the thread. Idempotent.
  void Stop();

  // Groups committed so far (for tests and the log).
  size_t groups() const;

  // For tests: statements queued and not yet taken into a group; and
  // Engine::Append calls that committed valid batches (one per group).
  size_t queued() const;
  size_t commits() const;
  // For tests: while held, the committer takes nothing from the queue
  // (Stop still commits everything).
  void HoldForTest(bool held);

 private:
  struct Job {
    std::vector<Statement> statements;
    Done done;
  };
  void Loop();
  void Commit(std::vector<Job> jobs);
  // Engine::Append of valid batches, counted (commits()).
  absl::StatusOr<std::vector<AppendResult>> Append(const std::vector<Statement>& statements);

  Engine& engine_;
  const size_t max_group_;
  absl::AnyInvocable<void()> committed_;
  mutable absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  size_t groups_ ABSL_GUARDED_BY(mu_) = 0;
  size_t queued_ ABSL_GUARDED_BY(mu_) = 0;
  size_t commits_ ABSL_GUARDED_BY(mu_) = 0;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_COMMITTER_H_
