// Threads that run the server's blocking engine calls off the event loop:
// a FIFO of jobs taken by `threads` workers. The destructor runs every job
// already posted, then joins. Thread-safe.
#ifndef ANNALS_ENGINE_SRC_SERVE_WORK_QUEUE_H_
#define ANNALS_ENGINE_SRC_SERVE_WORK_QUEUE_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace annals::internal {

class WorkQueue {
 public:
  explicit WorkQueue(size_t threads);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Post(absl::AnyInvocable<void() &&> job);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_WORK_QUEUE_H_
