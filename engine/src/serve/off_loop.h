// Running a blocking engine call off the event loop: fn() runs on a
// WorkQueue thread, and the promise resolves with its result on the loop
// thread. Dropping the promise is safe while fn() runs.
#ifndef ANNALS_ENGINE_SRC_SERVE_OFF_LOOP_H_
#define ANNALS_ENGINE_SRC_SERVE_OFF_LOOP_H_

#include <utility>

#include "kj/async.h"
#include "serve/work_queue.h"

namespace annals::internal {

template <typename T, typename F>
kj::Promise<T> OffLoop(WorkQueue& q, F fn) {
  auto paf = kj::newPromiseAndCrossThreadFulfiller<T>();
  q.Post([fn = std::move(fn), ful = kj::mv(paf.fulfiller)]() mutable { ful->fulfill(fn()); });
  return kj::mv(paf.promise);
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_OFF_LOOP_H_
