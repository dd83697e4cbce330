#include "serve/client_subscription.h"

#include <memory>
#include <optional>
#include <utility>

#include "serve/wire.h"

namespace annals::internal {
namespace {

// The caller's handle; the capability lives on (and is dropped through)
// the client's I/O thread.
class RemoteSubscription final : public Subscription {
 public:
  using Drop = std::function<void()>;
  RemoteSubscription(std::shared_ptr<SubscriptionState> state, Drop drop)
      : state_(std::move(state)), drop_(std::move(drop)) {}
  ~RemoteSubscription() override { drop_(); }

  absl::Status Wait() override {
    absl::MutexLock lock(&state_->mu);
    state_->mu.Await(absl::Condition(&state_->ended));
    return state_->why;
  }
  std::optional<absl::Status> Wait(absl::Duration timeout) override {
    absl::MutexLock lock(&state_->mu);
    if (!state_->mu.AwaitWithTimeout(absl::Condition(&state_->ended), timeout))
      return std::nullopt;
    return state_->why;
  }
  uint64_t resume_from() const override {
    absl::MutexLock lock(&state_->mu);
    return state_->resume;
  }

 private:
  std::shared_ptr<SubscriptionState> state_;
  Drop drop_;
};

class EventSink final : public rpc::EventSink::Server {
 public:
  EventSink(std::shared_ptr<SubscriptionState> state, std::function<void(const Event&)> on_event)
      : state_(std::move(state)), on_event_(std::move(on_event)) {}

  ~EventSink() noexcept(false) {
    state_->End(absl::UnavailableError("the subscription's connection was closed"));
  }

  kj::Promise<void> push(PushContext ctx) override {
    for (auto bytes : ctx.getParams().getEvents()) {
      auto event = EventFromWire(bytes);
      if (!event.ok()) {
        state_->End(event.status());
        return kj::READY_NOW;
      }
      {
        absl::MutexLock lock(&state_->mu);
        if (state_->ended || event->seq < state_->resume) continue;  // never a repeat
        state_->resume = event->seq + 1;
      }
      on_event_(*event);
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> end(EndContext ctx) override {
    auto p = ctx.getParams();
    {
      absl::MutexLock lock(&state_->mu);
      if (!state_->ended && p.getLastSeq() + 1 > state_->resume)
        state_->resume = p.getLastSeq() + 1;
    }
    state_->End(StatusFromWire(p.getStatus()));
    return kj::READY_NOW;
  }

 private:
  std::shared_ptr<SubscriptionState> state_;
  std::function<void(const Event&)> on_event_;
};

}  // namespace

void SubscriptionState::End(const absl::Status& status) {
  absl::MutexLock lock(&mu);
  if (ended) return;
  ended = true;
  why = status.ok() ? absl::UnavailableError("the subscription ended") : status;
}

kj::Own<rpc::EventSink::Server> NewEventSink(std::shared_ptr<SubscriptionState> state,
                                             std::function<void(const Event&)> on_event) {
  return kj::heap<EventSink>(std::move(state), std::move(on_event));
}

std::unique_ptr<Subscription> NewRemoteSubscription(std::shared_ptr<SubscriptionState> state,
                                                    std::function<void()> drop) {
  return std::make_unique<RemoteSubscription>(std::move(state), std::move(drop));
}

}  // namespace annals::internal
