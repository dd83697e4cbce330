#include "search/search_follower.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "search/search_index.h"

namespace annals::internal {
namespace {

// Below the other threads: appends and reads come first.
constexpr int kNice = 10;

}  // namespace

SearchFollower::SearchFollower(const Engine& engine, std::string root, Log log)
    : engine_(engine), root_(std::move(root)), log_(std::move(log)), thread_([this] { Run(); }) {}

SearchFollower::~SearchFollower() { Stop(); }

void SearchFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

void SearchFollower::Notify() {
  absl::MutexLock lock(&mu_);
  if (!no_index_) pending_ = true;  // else the thread is not woken at all
}

void SearchFollower::IndexMayExist() {
  absl::MutexLock lock(&mu_);
  // Following what there is already, unless a round is under way: it may
  // have listed the indexes before this one was made.
  if (!no_index_ && rounds_started_ == rounds_ended_) return;
  no_index_ = false;
  pending_ = true;
}

bool SearchFollower::AwaitCaughtUp(uint64_t seq, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto done = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return caught_up_ >= seq || stop_;
  };
  // (With a deadline: tools/tsan's absl::Mutex shim knows that one.)
  return mu_.AwaitWithDeadline(absl::Condition(&done), absl::Now() + timeout) &&
         caught_up_ >= seq;
}

bool SearchFollower::CatchUpFor(uint64_t seq, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  no_index_ = false;
  pending_ = true;
  const uint64_t round = rounds_started_ + 1;  // the next to begin
  // Paused (a backup holds the indexes): no round ends until it resumes.
  auto done = [this, seq, round]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return caught_up_ >= seq || rounds_ended_ >= round || stop_ || paused_ > 0;
  };
  mu_.AwaitWithDeadline(absl::Condition(&done), absl::Now() + timeout);
  return caught_up_ >= seq;
}

void SearchFollower::Run() {
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kNice);  // best effort
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SearchFollower* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->mu_) {
            return f->pending_ || f->stop_;
          },
          this));
      if (stop_) return;
      pending_ = false;
      ++rounds_started_;
    }
    const uint64_t head = engine_.Head();
    bool none = false;
    const bool all = CatchUpAll(head, &none);
    absl::MutexLock lock(&mu_);
    ++rounds_ended_;
    if (all) caught_up_ = std::max(caught_up_, head);
    // No index to follow: later head moves do not wake this thread (a
    // wake-up and a directory listing per committed group, for nothing)
    // until a search says one may exist.
    if (none && !pending_) no_index_ = true;
  }
}

bool SearchFollower::CatchUpAll(uint64_t head, bool* none) {
  bool all = true;
  const std::vector<std::string> languages = IndexedLanguages(root_);
  *none = languages.empty();
  for (const std::string& language : languages) {
    absl::Status st = CatchUpOne(language, head);
    if (absl::IsCancelled(st)) return false;
    all = all && st.ok();
    // kUnavailable: another writer has it now; tried again at the next
    // head move. Other failures (not annals's, damaged) are logged once per
    // change, not at every commit.
    if (absl::IsUnavailable(st)) continue;
    absl::StatusCode& last = logged_[language];
    if (!st.ok() && st.code() != last && log_)
      log_(absl::StrCat("search index ", language, " not kept up to date: ", st.ToString()));
    last = st.code();
  }
  return all;
}

absl::Status SearchFollower::CatchUpOne(const std::string& language, uint64_t head) {
  CatchUpLimits limits;
  limits.cancel = &cancel_;
  limits.wait_for_lock = false;
  limits.max_events = 10000;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SearchFollower* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->mu_) {
            return f->paused_ == 0 || f->stop_;
          },
          this));
      if (stop_) return absl::CancelledError("stopped");
      stepping_ = true;
    }
    auto done = CatchUpIndex(engine_, root_ + "/" + language, language, head, limits);
    {
      absl::MutexLock lock(&mu_);
      stepping_ = false;
    }
    if (!done.ok()) return done.status();
    if (*done) return absl::OkStatus();
  }
}

void SearchFollower::Pause() {
  absl::MutexLock lock(&mu_);
  ++paused_;
  mu_.Await(absl::Condition(
      +[](SearchFollower* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->mu_) { return !f->stepping_; },
      this));
}

void SearchFollower::Resume() {
  absl::MutexLock lock(&mu_);
  --paused_;
}

}  // namespace annals::internal
