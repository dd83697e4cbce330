// Live full-text indexes: a thread of its own keeps each index that
// exists under STORE/search (annals/search.h) caught up with the log,
// woken whenever the head moves (while a round last found an index: see
// Notify), so that a search finds its index current and applies nothing.
// The server runs one beside its engine; a writable engine opened with
// Options::follow_search_indexes runs its own (facade/live_search.h). It
// runs at a lower CPU priority than the other threads; an index nobody
// has searched yet is not made. It never waits for an index's write lock
// (another writer, a backup or verify holding it: tried again at the next
// head move) and holds it for at most 10,000 events at a time, so searches
// waiting for it wait little.
#ifndef ANNALS_ENGINE_SRC_SEARCH_SEARCH_FOLLOWER_H_
#define ANNALS_ENGINE_SRC_SEARCH_SEARCH_FOLLOWER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "facade/live_search.h"

namespace annals::internal {

class SearchFollower final : public LiveSearch {
 public:
  // Where a follower reports an index it could not keep up to date (once
  // per change of outcome); may be empty.
  using Log = std::function<void(std::string_view line)>;

  // Follows `engine`'s log into the indexes under `root`; `engine` must
  // outlive this.
  SearchFollower(const Engine& engine, std::string root, Log log = {});
  // Stop()s.
  ~SearchFollower() override;

  // Stops the thread: a catch-up under way commits what it applied and
  // ends; one waiting for nothing. Idempotent. The server calls it before
  // its work queues drain, so that searches queued there are not left
  // waiting behind it.
  void Stop();
  SearchFollower(const SearchFollower&) = delete;
  SearchFollower& operator=(const SearchFollower&) = delete;

  // The head moved (thread-safe, does not block). Ignored once a round
  // found no index under `root`, until IndexMayExist or CatchUpFor: an
  // index another process makes meanwhile is caught up by its searches.
  void Notify() override;
  // A search may have made an index: after a round that found none, a
  // round now, and Notify wakes the follower again.
  // Thread-safe, does not block.
  void IndexMayExist() override;

  // Waits until every index was caught up to at least `seq` in one round
  // (true), or `timeout` passes or Stop() is called (false): with no index,
  // only a round IndexMayExist or CatchUpFor starts. Thread-safe.
  bool AwaitCaughtUp(uint64_t seq, absl::Duration timeout) override;

  // Asks for a round now and waits until every index answers for `seq`,
  // or a round that began after this call has ended (an index it could
  // not catch up: another writer holds it), or `timeout` passes, or Stop(),
  // or while paused (at once).
  // True when every index answers for `seq`. Thread-safe.
  bool CatchUpFor(uint64_t seq, absl::Duration timeout);

  // True once Stop() was called: the server's own searches stop catching
  // an index up then (CatchUpLimits::cancel). Lives as long as this.
  const std::atomic<bool>* stopping() const { return &cancel_; }

  // LiveSearch: while paused (a backup), no step; pauses nest.
  void Pause() override;
  void Resume() override;

 private:
  void Run();
  // Catches every index up to `head`; true when each answers for it.
  // *none: there was no index to catch up.
  bool CatchUpAll(uint64_t head, bool* none);
  // One index, in steps of at most 10,000 events (the lock let go between
  // them); the status of the step that ended it.
  absl::Status CatchUpOne(const std::string& language, uint64_t head);

  const Engine& engine_;
  const std::string root_;
  const Log log_;
  absl::Mutex mu_;
  bool pending_ ABSL_GUARDED_BY(mu_) = true;  // catch up once at the start
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool no_index_ ABSL_GUARDED_BY(mu_) = false;  // the last round found none
  uint64_t caught_up_ ABSL_GUARDED_BY(mu_) = 0;  // the head every index reached last
  int paused_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rounds_started_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rounds_ended_ ABSL_GUARDED_BY(mu_) = 0;
  bool stepping_ ABSL_GUARDED_BY(mu_) = false;  // inside a CatchUpIndex call
  std::atomic<bool> cancel_{false};
  std::map<std::string, absl::StatusCode> logged_;  // language -> its last outcome (Run's)
  std::thread thread_;  // joined by Stop
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SEARCH_SEARCH_FOLLOWER_H_
