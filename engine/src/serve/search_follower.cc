#include "serve/search_follower.h"

#include <sys/resource.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "search/search_index.h"
#include "serve/store_service.h"

namespace annals::internal {
namespace {

// Below the server's threads: appends and reads come first.
constexpr int kNice = 10;

}  // namespace

SearchFollower::SearchFollower(const Engine& engine, std::string root)
    : engine_(engine), root_(std::move(root)), thread_([this] { Run(); }) {}

SearchFollower::~SearchFollower() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  cancel_.store(true);
  thread_.join();
}

void SearchFollower::Notify() {
  absl::MutexLock lock(&mu_);
  pending_ = true;
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
    }
    const uint64_t head = engine_.Head();
    if (!CatchUpAll(head)) return;
    absl::MutexLock lock(&mu_);
    caught_up_ = head;
  }
}

bool SearchFollower::AwaitCaughtUp(uint64_t seq, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto done = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return caught_up_ >= seq; };
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

bool SearchFollower::CatchUpAll(uint64_t head) {
  for (const std::string& language : IndexedLanguages(root_)) {
    absl::Status st = CatchUpIndex(engine_, root_ + "/" + language, language, head, &cancel_);
    if (absl::IsCancelled(st)) return false;
    // One line per change: an index that keeps failing (not annals's, or
    // damaged) is logged once, not at every commit.
    absl::StatusCode& last = logged_[language];
    if (!st.ok() && st.code() != last)
      ServerLog(absl::StrCat("search index ", language, " not kept up to date: ",
                             st.ToString()));
    last = st.code();
  }
  return true;
}

}  // namespace annals::internal
