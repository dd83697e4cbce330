// The client's side of a subscription: the EventSink it hands the server
// (run on the client's I/O thread) and the state it shares with the
// Subscription the caller holds.
#ifndef ANNALS_ENGINE_SRC_SERVE_CLIENT_SUBSCRIPTION_H_
#define ANNALS_ENGINE_SRC_SERVE_CLIENT_SUBSCRIPTION_H_

#include <functional>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "annals/client.h"
#include "kj/async.h"
#include "schema/annals_rpc.capnp.h"

namespace annals::internal {

struct SubscriptionState {
  mutable absl::Mutex mu;
  bool ended ABSL_GUARDED_BY(mu) = false;
  absl::Status why ABSL_GUARDED_BY(mu);
  uint64_t resume ABSL_GUARDED_BY(mu) = 1;

  // The first end wins; later ones (a disconnect after end()) change nothing.
  void End(const absl::Status& status);
};

// The caller's handle on `state`; `drop` (run when it is destroyed) drops
// the capability on the client's I/O thread.
std::unique_ptr<Subscription> NewRemoteSubscription(std::shared_ptr<SubscriptionState> state,
                                                    std::function<void()> drop);

kj::Own<rpc::EventSink::Server> NewEventSink(std::shared_ptr<SubscriptionState> state,
                                             std::function<void(const Event&)> on_event);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CLIENT_SUBSCRIPTION_H_
