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
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_FACADE_LIVE_SEARCH_H_
