#include "concurrency/helper_pool.h"

#include "model/thread_name.h"

namespace annals::internal {

HelperPool::HelperPool(size_t threads) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] {
      NameThisThread("annals-helper");
      Loop();
    });
}

HelperPool::~HelperPool() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  for (auto& t : threads_) t.join();
}

void HelperPool::Drain() {
  while (job_ != nullptr && next_ < parts_) {
    const size_t i = next_++;
    const absl::FunctionRef<void(size_t)>& part = *job_;
    ++running_;
    mu_.Unlock();
    part(i);
    mu_.Lock();
    --running_;
  }
}

void HelperPool::Loop() {
  absl::MutexLock lock(&mu_);
  for (;;) {
    auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return stop_ || (job_ != nullptr && next_ < parts_);
    };
    mu_.Await(absl::Condition(&ready));
    if (stop_) return;
    Drain();
  }
}

void HelperPool::Run(size_t parts, absl::FunctionRef<void(size_t)> part) {
  if (parts == 0) return;
  if (threads_.empty() || parts == 1 || !run_mu_.TryLock()) {
    for (size_t i = 0; i < parts; ++i) part(i);
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    job_ = &part;
    parts_ = parts;
    next_ = 0;
    Drain();  // the caller works too
    auto done = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return next_ >= parts_ && running_ == 0;
    };
    mu_.Await(absl::Condition(&done));
    job_ = nullptr;
  }
  run_mu_.Unlock();
}

}  // namespace annals::internal
