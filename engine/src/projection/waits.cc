// Waiting on projections: for a seq to be applied (WaitFor,
// WaitForProjection, queries that wait), for a rebuild to end, and for live
// projections to come within Options::max_live_lag of the head before an
// append (backpressure). Every wait Awaits on progress_mu_ with a deadline:
// it wakes as soon as what it waits for changes, never on a timer.
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "projection/manager.h"
#include "model/sv.h"
#include "projection/runner.h"

namespace annals::internal {
namespace {

// Counts its owner in `count` (guarded by `mu`, held around both ends)
// while it lives: among the callers waiting on projections (a live worker
// holding on for a fuller batch, Options::live_batch_hold_ms, wakes on the
// change and applies what it has), or among the appends held up by
// Options::max_live_lag.
class CountWhileAlive {
 public:
  explicit CountWhileAlive(int& count) : count_(count) { ++count_; }
  ~CountWhileAlive() { --count_; }
  CountWhileAlive(const CountWhileAlive&) = delete;
  CountWhileAlive& operator=(const CountWhileAlive&) = delete;

 private:
  int& count_;
};

}  // namespace

void ProjectionManager::WakeWaiters() const { absl::MutexLock lock(&progress_mu_); }

absl::Status ProjectionManager::WaitForRebuild(std::string_view name,
                                      absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&progress_mu_);
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    auto it = slots_.find(name);
    return it == slots_.end() || it->second->rebuilding == nullptr;
  };
  if (!progress_mu_.AwaitWithDeadline(absl::Condition(&done), deadline))
    return absl::DeadlineExceededError(absl::StrCat("rebuild of ", AV(name), " still running"));
  auto it = slots_.find(name);
  if (it == slots_.end())
    return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
  return it->second->rebuild_outcome;
}

absl::Status ProjectionManager::WaitForProjection(std::string_view name, uint64_t seq,
                                         absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&progress_mu_);
  CountWhileAlive waiting(waiting_on_projections_);
  // Read-only engines run no workers: they answer from what is built.
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    auto it = slots_.find(name);
    if (it == slots_.end() || options_.read_only) return true;
    const ProjectionRunner& a = *it->second->active;
    return a.checkpoint() >= seq || a.failed();
  };
  if (!progress_mu_.AwaitWithDeadline(absl::Condition(&done), deadline))
    return absl::DeadlineExceededError(
        absl::StrCat("projection ", AV(name), " has not reached seq ", seq));
  auto it = slots_.find(name);
  if (it == slots_.end())
    return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
  const ProjectionRunner& a = *it->second->active;
  if (a.checkpoint() < seq && a.failed())
    return absl::UnavailableError(absl::StrCat(
        "projection ", AV(name), " failed at seq ", a.failed_seq(), ": ", a.error()));
  return absl::OkStatus();
}

absl::Status ProjectionManager::WaitFor(uint64_t seq, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&progress_mu_);
  CountWhileAlive waiting(waiting_on_projections_);
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    if (options_.read_only) return true;
    for (const auto& [name, slot] : slots_) {
      const ProjectionRunner& a = *slot->active;
      if (!a.failed() && a.checkpoint() < seq) return false;
    }
    return true;
  };
  if (!progress_mu_.AwaitWithDeadline(absl::Condition(&done), deadline))
    return absl::DeadlineExceededError(absl::StrCat("projections have not reached seq ", seq));
  return absl::OkStatus();
}

void ProjectionManager::AwaitLiveProjections() const {
  const uint64_t bound = options_.max_live_lag;
  if (bound == 0) return;
  auto caught_up = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    if (stopping_) return true;
    const uint64_t head = log_.Head();
    for (const auto& [name, slot] : slots_) {
      const ProjectionRunner& a = *slot->active;
      if (a.failed() || a.mode() != ProjectionRunner::Mode::kLive || !a.caught_up())
        continue;
      const uint64_t checkpoint = a.checkpoint();
      if (head > checkpoint && head - checkpoint > bound) return false;
    }
    return true;
  };
  absl::MutexLock lock(&progress_mu_);
  if (caught_up()) return;
  // Not counted as waiting on projections: that would end every worker's
  // hold, and one that is not behind would then apply small batches
  // through the memtable. Counted as held instead, which ends the hold of
  // the projections that are behind.
  CountWhileAlive held(appends_held_);
  progress_mu_.Await(absl::Condition(&caught_up));
}

}  // namespace annals::internal
