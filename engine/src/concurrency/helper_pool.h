// Helper threads that share one request's CPU work with its caller: a
// timeline page's ~100 point reads of the log (read, decompress, decode:
// ~10 µs each), or a large Append batch's validation and content ids
// (~3 µs per statement). Splitting them across cores divides most of that
// request's latency.
#ifndef ANNALS_ENGINE_SRC_CONCURRENCY_HELPER_POOL_H_
#define ANNALS_ENGINE_SRC_CONCURRENCY_HELPER_POOL_H_

#include <cstddef>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace annals::internal {

// Thread-safe. One parallel run at a time: a caller that finds the pool
// busy runs its whole job itself rather than wait.
class HelperPool {
 public:
  // `threads` helpers (0: every job runs on its caller).
  explicit HelperPool(size_t threads);
  ~HelperPool();  // joins the helpers
  HelperPool(const HelperPool&) = delete;
  HelperPool& operator=(const HelperPool&) = delete;

  // Calls part(i) for every i in [0, parts), on the caller and the helpers,
  // and returns when all have returned. `part` must be safe to call from
  // several threads at once for different i.
  void Run(size_t parts, absl::FunctionRef<void(size_t)> part);

  // Helpers plus the caller: how many parts can run at once.
  size_t width() const { return threads_.size() + 1; }

 private:
  void Loop();
  // Takes and runs parts of the current job until none are left.
  void Drain() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex run_mu_;  // held by the caller of a parallel Run
  absl::Mutex mu_;
  const absl::FunctionRef<void(size_t)>* job_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t parts_ ABSL_GUARDED_BY(mu_) = 0;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_CONCURRENCY_HELPER_POOL_H_
