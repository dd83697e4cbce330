// EventStream: the events Store.subscribe delivers, in seq order with no
// gap and no repeat, from a server (RemoteStream, over Client::Subscribe) or
// from a store this process opened (LocalStream). Plain C++: called with
// the GIL released; the Python iterator is subscription.h's.
#ifndef ANNALS_PYTHON_SRC_EVENT_STREAM_H_
#define ANNALS_PYTHON_SRC_EVENT_STREAM_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/engine.h"

namespace annals::python {

class EventStream {
 public:
  virtual ~EventStream() = default;
  // The next event, waiting at most about `slice` for one; nullopt when
  // none came (ask again). An error ends the stream.
  virtual absl::StatusOr<std::optional<Event>> Next(absl::Duration slice) = 0;
  // Where to subscribe again to miss and repeat nothing: one past the last
  // event Next returned (or skipped by the filter, when known).
  virtual uint64_t resume_from() const = 0;
};

// Between the client's I/O thread (Push) and the iterator (Pop). Bounded:
// a full queue holds the I/O thread back, and with it the server's pushes
// to this subscription (their flow control; past the server's bound it
// cuts the subscriber off). Close drops what is queued and lets Push return.
class EventQueue {
 public:
  explicit EventQueue(size_t capacity) : capacity_(capacity) {}

  void Push(const Event& e) {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(this, &EventQueue::RoomOrClosed));
    if (!closed_) events_.push_back(e);
  }
  // Waits at most `timeout` for an event.
  std::optional<Event> Pop(absl::Duration timeout) {
    absl::MutexLock l(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &EventQueue::NotEmpty), timeout);
    if (events_.empty()) return std::nullopt;
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
  }
  void Close() {
    absl::MutexLock l(&mu_);
    closed_ = true;
    events_.clear();
  }

 private:
  bool RoomOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || events_.size() < capacity_;
  }
  bool NotEmpty() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !events_.empty(); }

  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// Client::Subscribe on a connection of its own (its callback only queues;
// the store's own connection stays free for the caller's calls).
class RemoteStream final : public EventStream {
 public:
  static absl::StatusOr<std::unique_ptr<EventStream>> Start(const std::string& address,
                                                            const ClientOptions& options,
                                                            uint64_t from_seq,
                                                            const SubscriptionFilter& filter);
  ~RemoteStream() override;

  absl::StatusOr<std::optional<Event>> Next(absl::Duration slice) override;
  uint64_t resume_from() const override;

 private:
  explicit RemoteStream(uint64_t from_seq) : next_(from_seq) {}

  std::unique_ptr<Client> client_;
  std::shared_ptr<EventQueue> queue_;
  std::unique_ptr<Subscription> subscription_;
  uint64_t next_;       // one past the last event returned
  bool ended_ = false;  // the subscription ended and its events are out
};

// A local store's log read from `from_seq` on; when caught up, waits for a
// change to the store's directory (inotify: a commit by this process or
// another), then, on a read-only store, Refresh()es it to see the commit.
class LocalStream final : public EventStream {
 public:
  static absl::StatusOr<std::unique_ptr<EventStream>> Start(std::shared_ptr<Engine> engine,
                                                            const std::string& path,
                                                            bool read_only, uint64_t from_seq,
                                                            const SubscriptionFilter& filter);
  ~LocalStream() override;

  absl::StatusOr<std::optional<Event>> Next(absl::Duration slice) override;
  uint64_t resume_from() const override { return ready_.empty() ? next_ : ready_.front().seq; }

 private:
  LocalStream(std::shared_ptr<Engine> engine, bool read_only, uint64_t from_seq,
              std::function<bool(const Event&)> matches, int watch);
  absl::Status ReadBatch();
  // True when the store's directory changed within `slice`.
  absl::StatusOr<bool> WaitForChange(absl::Duration slice);

  std::shared_ptr<Engine> engine_;
  const bool read_only_;
  uint64_t next_;  // the next seq to read
  std::function<bool(const Event&)> matches_;  // SubscriptionMatcher's
  const int watch_;
  std::deque<Event> ready_;  // read, passed the filter, not yet returned
};


}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_EVENT_STREAM_H_
