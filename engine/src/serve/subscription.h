// Subscriptions (rpc::Store.subscribe): catch up from a seq by reading the
// log, then follow it live, pushing to the subscriber's EventSink in seq
// order with no gap and no repeat.
//
// The log is the buffer: a subscription holds only its next seq and at
// most one push in flight, which Cap'n Proto's `-> stream` flow control
// lets through once the subscriber has taken the ones before; appends
// never wait for a subscriber. A subscriber that takes nothing while more
// than `max_lag` events are appended (a push waiting all along) is cut
// off: its sink gets end(kResourceExhausted, lastSeq) and resumes from
// lastSeq + 1. Catching up from far behind is not a reason.
#ifndef ANNALS_ENGINE_SRC_SERVE_SUBSCRIPTION_H_
#define ANNALS_ENGINE_SRC_SERVE_SUBSCRIPTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "annals/client.h"
#include "annals/engine.h"
#include "kj/async.h"
#include "schema/annals_rpc.capnp.h"
#include "serve/connection.h"
#include "serve/work_queue.h"

namespace annals::internal {

// Wakes the event loop's waiters when the head moves. Wait on the loop
// thread; Notify from any thread, after the head has moved.
class HeadWatch {
 public:
  // `also` (may be empty) runs at each Notify, on the notifying thread.
  explicit HeadWatch(const Engine& engine, std::function<void()> also = {})
      : engine_(engine), also_(std::move(also)) {}
  // Resolves once Head() > after. Dropping the promise (a cancelled wait)
  // forgets the waiter at once: waits that never resolve hold nothing.
  kj::Promise<void> Wait(uint64_t after);
  void Notify();

  // Waits pending (for tests).
  size_t waiters() const;

 private:
  using Fulfiller = kj::Own<kj::CrossThreadPromiseFulfiller<void>>;
  void Forget(uint64_t id);

  const Engine& engine_;
  const std::function<void()> also_;
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<uint64_t, Fulfiller> waiters_ ABSL_GUARDED_BY(mu_);
};

// What a subscription asks for, and the test its events pass
// (SubscriptionMatcher, annals/client.h).
using EventFilter = annals::SubscriptionFilter;
using EventMatcher = std::function<bool(const Event&)>;
EventFilter FilterFromWire(rpc::SubscriptionFilter::Reader in);

struct SubscriptionContext {
  const Engine& engine;
  WorkQueue& reads;
  HeadWatch& watch;
  uint64_t max_lag;
  uint64_t connection;
  std::shared_ptr<ConnectionNotes> notes;  // counts the cut-offs
  std::shared_ptr<void> slot;  // held while the subscription lives (or null)
};

// Starts the subscription; dropping the returned capability cancels it.
rpc::Subscription::Client StartSubscription(SubscriptionContext context, uint64_t from_seq,
                                            EventMatcher matches, rpc::EventSink::Client sink);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_SUBSCRIPTION_H_
