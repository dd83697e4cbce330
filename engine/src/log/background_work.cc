#include "log/background_work.h"

namespace annals::internal {

void BackgroundWorkListener::Began() {
  absl::MutexLock lock(&mu_);
  ++running_;
  ++ticks_;
}

void BackgroundWorkListener::Ended() {
  absl::MutexLock lock(&mu_);
  if (running_ > 0) --running_;
  ++ticks_;
}

void BackgroundWorkListener::Tick() {
  absl::MutexLock lock(&mu_);
  ++ticks_;
}

int BackgroundWorkListener::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

bool BackgroundWorkListener::WaitUntilIdle(absl::FunctionRef<bool()> busy, absl::Time deadline) {
  for (;;) {
    uint64_t seen = 0;
    {
      absl::MutexLock lock(&mu_);
      seen = ticks_;
    }
    // Work that ends after `seen` was read wakes the wait below at once.
    if (!busy()) return true;
    absl::MutexLock lock(&mu_);
    auto moved = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ticks_ != seen; };
    if (!mu_.AwaitWithDeadline(absl::Condition(&moved), deadline)) return false;
  }
}

}  // namespace annals::internal
