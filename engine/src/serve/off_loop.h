// Running a blocking engine call off the event loop: fn() runs on a
// WorkQueue thread, and the promise resolves with its result on the loop
// thread. Dropping the promise is safe while fn() runs. Answer does so for
// an RPC call.
#ifndef ANNALS_ENGINE_SRC_SERVE_OFF_LOOP_H_
#define ANNALS_ENGINE_SRC_SERVE_OFF_LOOP_H_

#include <utility>

#include "absl/status/statusor.h"
#include "kj/async.h"
#include "serve/wire.h"
#include "serve/work_queue.h"

namespace annals::internal {

template <typename T, typename F>
kj::Promise<T> OffLoop(WorkQueue& q, F fn) {
  auto paf = kj::newPromiseAndCrossThreadFulfiller<T>();
  q.Post([fn = std::move(fn), ful = kj::mv(paf.fulfiller)]() mutable { ful->fulfill(fn()); });
  return kj::mv(paf.promise);
}

// Runs fn() (a StatusOr<T> or a Status) on the read pool and answers `ctx`
// on the loop: its status, and fill(results, value) when OK.
template <typename T, typename Ctx, typename F, typename Fill>
kj::Promise<void> Answer(WorkQueue& q, Ctx ctx, F fn, Fill fill) {
  return OffLoop<absl::StatusOr<T>>(q, std::move(fn))
      .then([ctx, fill = std::move(fill)](absl::StatusOr<T> r) mutable {
        auto res = ctx.getResults();
        StatusToWire(r.status(), res.initStatus());
        if (r.ok()) fill(res, *r);
      });
}

// A Status as a StatusOr<bool>, for Answer.
inline absl::StatusOr<bool> Done(const absl::Status& s) {
  if (!s.ok()) return s;
  return true;
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_OFF_LOOP_H_
