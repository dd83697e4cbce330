#include "serve/subscription.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "serve/store_service.h"
#include "serve/wire.h"

namespace annals::internal {
namespace {

constexpr size_t kEventsPerPush = 256;

class SubscriptionImpl final : public rpc::Subscription::Server {
 public:
  SubscriptionImpl(SubscriptionContext c, uint64_t from_seq, EventMatcher matches,
                   rpc::EventSink::Client sink)
      : c_(c), next_(std::max<uint64_t>(from_seq, 1)),
        matches_(std::make_shared<const EventMatcher>(std::move(matches))),
        sink_(kj::mv(sink)), pump_(Pump().eagerlyEvaluate([this](kj::Exception&& e) {
          // The sink failed: the subscriber went away.
          ServerLog(absl::StrCat("connection ", c_.connection, ": subscription ended: ",
                                 e.getDescription().cStr()));
        })) {}

 private:
  // The events read that pass the filter (tested on the read thread: a
  // group test builds each event's groups), and the last seq read.
  struct Passed {
    std::vector<Event> events;
    uint64_t last = 0;
  };
  using Batch = absl::StatusOr<Passed>;

  static Batch ReadPassing(const Engine& engine, const EventMatcher& matches, uint64_t from,
                           size_t count) {
    auto read = engine.Read(from, count);
    if (!read.ok()) return read.status();
    Passed out;
    if (!read->empty()) out.last = read->back().seq;
    for (Event& e : *read)
      if (matches(e)) out.events.push_back(std::move(e));
    return out;
  }

  kj::Promise<void> Pump() {
    if (next_ > c_.engine.Head())
      return c_.watch.Wait(next_ - 1).then([this] { return Pump(); });
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Batch>();
    const Engine* engine = &c_.engine;
    uint64_t from = next_;
    size_t count = per_read_;
    // Shared: a read under way may outlive a cancelled subscription. One
    // read is in flight at a time, so no two calls overlap.
    c_.reads.Post([engine, matches = matches_, from, count,
                   ful = kj::mv(paf.fulfiller)]() mutable {
      ful->fulfill(ReadPassing(*engine, *matches, from, count));
    });
    return paf.promise.then([this](Batch batch) -> kj::Promise<void> {
      if (!batch.ok()) return End(batch.status());
      if (batch->last == 0) return c_.watch.Wait(next_ - 1).then([this] { return Pump(); });
      auto req = sink_.pushRequest();
      std::vector<std::string> wire;
      size_t bytes = 0;
      next_ = batch->last + 1;
      size_t taken = 0;
      for (const Event& e : batch->events) {
        if (!AddToReply(EventToWire(e), wire, &bytes)) {
          next_ = e.seq;  // the push is full: the rest go in the next one
          break;
        }
        ++taken;
      }
      // Big events: read no more than fit in a push next time (the read
      // is held whole); small ones: back up to kEventsPerPush.
      per_read_ = taken < batch->events.size() ? std::max<size_t>(taken, 1)
                                               : std::min(per_read_ * 2, kEventsPerPush);
      if (wire.empty()) return Pump();
      auto list = req.initEvents(wire.size());
      for (size_t i = 0; i < wire.size(); ++i) list.set(i, AsData(wire[i]));
      uint64_t sent = next_ - 1;
      return req.send()
          .then([] { return false; })
          .exclusiveJoin(Lagged(c_.engine.Head()))
          .then([this, sent](bool lagged) -> kj::Promise<void> {
            if (!lagged) return Pump();
            ++c_.notes->subscriptions_cut;
            return End(absl::ResourceExhaustedError(absl::StrCat(
                "subscriber too slow: more than ", c_.max_lag,
                " events appended while it took none; resume from seq ", sent + 1)));
          });
    });
  }

  // Resolves true once more than max_lag events have been appended past
  // `base` (the head when a push began to wait). Catching up from far
  // behind is no reason to cut a subscriber off; appends piling up while
  // it takes nothing are.
  kj::Promise<bool> Lagged(uint64_t base) {
    uint64_t head = c_.engine.Head();
    if (head > base && head - base > c_.max_lag) return true;  // no overflow near 2^64
    return c_.watch.Wait(head).then([this, base] { return Lagged(base); });
  }

  // Tells the sink why it ended and the last seq it was sent.
  kj::Promise<void> End(const absl::Status& status) {
    ServerLog(absl::StrCat("connection ", c_.connection, ": subscription ended: ",
                           status.ToString()));
    auto req = sink_.endRequest();
    StatusToWire(status, req.initStatus());
    req.setLastSeq(next_ - 1);
    return req.send().ignoreResult();
  }

  SubscriptionContext c_;
  uint64_t next_;
  size_t per_read_ = kEventsPerPush;  // events read for the next push
  std::shared_ptr<const EventMatcher> matches_;
  rpc::EventSink::Client sink_;
  kj::Promise<void> pump_;  // last: cancelled first
};

}  // namespace

kj::Promise<void> HeadWatch::Wait(uint64_t after) {
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  uint64_t id;
  {
    absl::MutexLock lock(&mu_);
    if (engine_.Head() > after) return kj::READY_NOW;
    id = ++next_id_;
    waiters_.emplace(id, kj::mv(paf.fulfiller));
  }
  // Runs when the promise goes, resolved or cancelled.
  return paf.promise.attach(kj::defer([this, id] { Forget(id); }));
}

void HeadWatch::Forget(uint64_t id) {
  Fulfiller gone;  // dropped outside the lock
  absl::MutexLock lock(&mu_);
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return;
  gone = kj::mv(it->second);
  waiters_.erase(it);
}

void HeadWatch::Notify() {
  if (also_) also_();
  absl::flat_hash_map<uint64_t, Fulfiller> waiters;
  {
    absl::MutexLock lock(&mu_);
    waiters.swap(waiters_);
  }
  for (auto& [id, w] : waiters) w->fulfill();
}

size_t HeadWatch::waiters() const {
  absl::MutexLock lock(&mu_);
  return waiters_.size();
}

EventFilter FilterFromWire(rpc::SubscriptionFilter::Reader in) {
  EventFilter f;
  // Names as sent: SubscriptionMatcher normalises them.
  for (auto a : in.getActors()) f.actors.push_back(a.cStr());
  for (auto t : in.getTopics()) f.topics.push_back(t.cStr());
  for (auto k : in.getKinds()) f.kinds.push_back(static_cast<EventKind>(k));
  f.projection = in.getProjection().cStr();
  for (auto k : in.getKey()) f.key.push_back(k.cStr());
  return f;
}

rpc::Subscription::Client StartSubscription(SubscriptionContext context, uint64_t from_seq,
                                            EventMatcher matches, rpc::EventSink::Client sink) {
  return kj::heap<SubscriptionImpl>(context, from_seq, std::move(matches), kj::mv(sink));
}

}  // namespace annals::internal
