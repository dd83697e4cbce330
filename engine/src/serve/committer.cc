#include "serve/committer.h"

#include <utility>

#include "model/thread_name.h"

namespace annals::internal {

Committer::Committer(Engine& engine, size_t max_group, absl::AnyInvocable<void()> committed)
    : engine_(engine), max_group_(max_group == 0 ? 1 : max_group),
      committed_(std::move(committed)) {
  thread_ = std::thread([this] {
    NameThisThread("annals-commit");
    Loop();
  });
}

Committer::~Committer() { Stop(); }

void Committer::Submit(std::vector<Statement> statements, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stop_) {
      queued_ += statements.size();
      queue_.push_back(Job{std::move(statements), std::move(done)});
      return;
    }
  }
  std::move(done)(absl::UnavailableError("the server is stopping; send the batch again"));
}

void Committer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

size_t Committer::groups() const {
  absl::MutexLock lock(&mu_);
  return groups_;
}

size_t Committer::queued() const {
  absl::MutexLock lock(&mu_);
  return queued_;
}

size_t Committer::commits() const {
  absl::MutexLock lock(&mu_);
  return commits_;
}

void Committer::HoldForTest(bool held) {
  absl::MutexLock lock(&mu_);
  held_ = held;
}

void Committer::Loop() {
  for (;;) {
    std::vector<Job> jobs;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Committer* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return c->stop_ || (!c->held_ && !c->queue_.empty());
          },
          this));
      if (queue_.empty()) return;  // stopping, and everything committed
      size_t statements = 0;
      while (!queue_.empty() &&
             (jobs.empty() || statements + queue_.front().statements.size() <= max_group_)) {
        statements += queue_.front().statements.size();
        queued_ -= queue_.front().statements.size();
        jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++groups_;
    }
    Commit(std::move(jobs));
    committed_();
  }
}

absl::StatusOr<std::vector<AppendResult>> Committer::Append(
    const std::vector<Statement>& statements) {
  {
    absl::MutexLock lock(&mu_);
    ++commits_;
  }
  return engine_.Append(statements);
}

void Committer::Commit(std::vector<Job> jobs) {
  if (jobs.size() == 1) {  // alone, a batch gets the engine's own answer
    std::move(jobs[0].done)(Append(jobs[0].statements));
    return;
  }
  // Batches with an invalid statement get the engine's own answer (which
  // writes nothing) so that they cannot fail the group.
  std::vector<Job> valid;
  for (Job& job : jobs) {
    bool ok = true;
    for (const Statement& s : job.statements) ok = ok && Validate(s).ok();
    if (ok) {
      valid.push_back(std::move(job));
      continue;
    }
    std::move(job.done)(engine_.Append(job.statements));
  }
  if (valid.empty()) return;
  if (valid.size() == 1) {
    std::move(valid[0].done)(Append(valid[0].statements));
    return;
  }
  std::vector<Statement> all;
  for (Job& job : valid)
    for (Statement& s : job.statements) all.push_back(std::move(s));
  auto results = Append(all);
  size_t at = 0;
  for (Job& job : valid) {
    size_t n = job.statements.size();
    if (!results.ok()) {
      std::move(job.done)(results.status());
      continue;
    }
    std::move(job.done)(std::vector<AppendResult>(results->begin() + at,
                                                  results->begin() + at + n));
    at += n;
  }
}

}  // namespace annals::internal
