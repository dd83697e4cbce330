// What the log store offers the projection machinery and the read side
// about the log itself: its head (and waiting for it to move), events by
// seq, scans, and the aliases in force at any point. Implemented by
// LogStore; thread-safe.
#ifndef ANNALS_ENGINE_SRC_LOG_EVENT_LOG_H_
#define ANNALS_ENGINE_SRC_LOG_EVENT_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "codec/event_codec.h"
#include "log/log_state.h"
#include "log/snapshot.h"

namespace annals::internal {

// Told each time the head moves. OnHeadMoved runs on the appending thread
// after the append is visible to readers, with no lock of the store held;
// it must be quick and must not append.
class HeadListener {
 public:
  virtual void OnHeadMoved() = 0;

 protected:
  ~HeadListener() = default;
};

// A log scan that also offers each event's stored bytes, as read from the
// log (checksum and encoding), so a projection can copy them without a
// re-encode (timeline entries carry them: projection/entry_keys.h).
class StoredLogIterator : public LogIterator {
 public:
  // The current event's stored value; valid until Next().
  virtual std::string_view stored() const = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // The highest seq in the log; 0 when empty.
  virtual uint64_t Head() const = 0;
  // Waits until Head() > after: true as soon as it is; false once
  // `deadline` passes, the store closes, or `*stop` (when given) is true.
  // Whoever sets *stop must then call WakeHeadWaiters. Wakes on the append
  // itself (no polling), so it can follow appends live.
  virtual bool WaitForHead(uint64_t after, absl::Time deadline,
                           const std::atomic<bool>* stop = nullptr) const = 0;
  // Re-checks every WaitForHead: call after setting a stop flag.
  virtual void WakeHeadWaiters() const = 0;
  // When the last append returned (absl::InfinitePast() before any).
  virtual absl::Time LastAppendTime() const = 0;

  // The event at `seq` (kNotFound beyond the head; kDataLoss if damaged).
  virtual absl::StatusOr<Event> Get(uint64_t seq) const = 0;
  // Events from `from` on, decoded as deep as `depth`.
  virtual std::unique_ptr<StoredLogIterator> NewIterator(uint64_t from, DecodeDepth depth) const = 0;
  // For replays: reads and decodes up to `max_events` (0: all) ahead on a
  // helper thread, without filling the block cache.
  virtual std::unique_ptr<StoredLogIterator> NewPrefetchingIterator(uint64_t from,
                                                              uint64_t max_events,
                                                              DecodeDepth depth) const = 0;
  // The events `seqs` (sorted, each once) as of `at`, decoded in parallel
  // on the helper threads, without filling the block cache; result i
  // belongs to seqs[i] (kDataLoss when the log lacks it).
  virtual std::vector<absl::StatusOr<Event>> ReadEvents(
      const StoreSnapshot& at, std::span<const uint64_t> seqs) const = 0;
  // Aliases with seq <= as_of, in seq order.
  virtual std::vector<AliasRecord> AliasesAsOf(uint64_t as_of) const = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_EVENT_LOG_H_
