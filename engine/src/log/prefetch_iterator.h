// A log iterator that reads and decodes ahead on a helper thread. A replay
// (a rebuild, a new projection catching up) spends about half its time
// reading and decoding the log; with this, that half runs beside the
// caller's work on the events instead of before it.
#ifndef ANNALS_ENGINE_SRC_LOG_PREFETCH_ITERATOR_H_
#define ANNALS_ENGINE_SRC_LOG_PREFETCH_ITERATOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "log/log_iterator.h"

namespace annals::internal {

// Not thread-safe itself (one consumer), like every LogIterator.
class PrefetchingIterator final : public StoredLogIterator {
 public:
  // Reads at most `max_events` events (0: no limit) from `source`, which
  // the helper thread then uses alone. It never steps past the last event
  // it may return, so a damaged entry just beyond the limit is not read.
  // Reads ahead by at most kChunks * kChunkEvents events.
  PrefetchingIterator(std::unique_ptr<DbLogIterator> source, uint64_t max_events);
  ~PrefetchingIterator() override;  // stops the helper and joins it
  PrefetchingIterator(const PrefetchingIterator&) = delete;
  PrefetchingIterator& operator=(const PrefetchingIterator&) = delete;

  bool Valid() const override { return pos_ < current_.size(); }
  void Next() override;
  const Event& event() const override { return current_.events[pos_]; }
  absl::Status status() const override { return status_; }
  std::string_view stored() const override { return current_.stored[pos_]; }

  static constexpr size_t kChunkEvents = 256;
  static constexpr size_t kChunks = 4;

 private:
  void Produce();   // the helper's loop
  void TakeChunk();  // the consumer's next chunk; waits for it

  std::unique_ptr<DbLogIterator> source_;  // helper thread only
  const uint64_t max_events_;

  absl::Mutex mu_;
  struct Chunk {
    std::vector<Event> events;
    std::vector<std::string> stored;  // each event's stored value
    size_t size() const { return events.size(); }
    void clear() {
      events.clear();
      stored.clear();
    }
  };
  std::deque<Chunk> ready_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancel_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status end_status_ ABSL_GUARDED_BY(mu_);

  Chunk current_;  // consumer side
  size_t pos_ = 0;
  absl::Status status_;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_PREFETCH_ITERATOR_H_
