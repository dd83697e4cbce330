// The full-text indexes a writable engine keeps up with its appends
// (Options::follow_search_indexes). The follower that does it lives in
// search/ (search/search_follower.h), which depends on the facade, so the
// engine knows it only by this interface; Engine::Open (open/) makes one
// and hands it to the engine before anyone else has the engine.
#ifndef ANNALS_ENGINE_SRC_FACADE_LIVE_SEARCH_H_
#define ANNALS_ENGINE_SRC_FACADE_LIVE_SEARCH_H_

#include <cstdint>

#include "absl/time/time.h"

namespace annals::internal {

class LiveSearch {
 public:
  // Stops following: a step under way commits what it applied and ends.
  virtual ~LiveSearch() = default;
  // The head moved. Thread-safe; does not block.
  virtual void Notify() = 0;
  // A search may have made an index: follow it from now on. Thread-safe;
  // does not block.
  virtual void IndexMayExist() = 0;
  // Waits until every index was caught up to at least `seq` (true), or
  // `timeout` passes (false). Thread-safe.
  virtual bool AwaitCaughtUp(uint64_t seq, absl::Duration timeout) = 0;
  // While a pause is in force no step is taken (Pause waits for one under
  // way to end), so the indexes' write locks are free for a backup to take.
  // Pauses nest; each Pause needs its Resume. Thread-safe.
  virtual void Pause() = 0;
  virtual void Resume() = 0;
};

// Pauses `search` (may be null) for its lifetime.
class LiveSearchPause {
 public:
  explicit LiveSearchPause(LiveSearch* search) : search_(search) {
    if (search_ != nullptr) search_->Pause();
  }
  ~LiveSearchPause() {
    if (search_ != nullptr) search_->Resume();
  }
  LiveSearchPause(const LiveSearchPause&) = delete;
  LiveSearchPause& operator=(const LiveSearchPause&) = delete;

 private:
  LiveSearch* search_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_FACADE_LIVE_SEARCH_H_
