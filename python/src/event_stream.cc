#include "event_stream.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "annals/names.h"

namespace annals::python {
namespace {

constexpr size_t kQueueEvents = 1024;
constexpr size_t kReadBatch = 256;

}  // namespace

// --- RemoteStream ---

absl::StatusOr<std::unique_ptr<EventStream>> RemoteStream::Start(
    const std::string& address, const ClientOptions& options, uint64_t from_seq,
    const SubscriptionFilter& filter) {
  auto client = Connect(address, options);
  if (!client.ok()) return client.status();
  std::unique_ptr<RemoteStream> s(new RemoteStream(std::max<uint64_t>(from_seq, 1)));
  s->client_ = std::move(*client);
  s->queue_ = std::make_shared<EventQueue>(kQueueEvents);
  auto sub = s->client_->Subscribe(s->next_, filter,
                                   [q = s->queue_](const Event& e) { q->Push(e); });
  if (!sub.ok()) return sub.status();
  s->subscription_ = std::move(*sub);
  return std::unique_ptr<EventStream>(std::move(s));
}

RemoteStream::~RemoteStream() {
  queue_->Close();  // a callback blocked on a full queue returns
  subscription_.reset();
  client_.reset();
}

absl::StatusOr<std::optional<Event>> RemoteStream::Next(absl::Duration slice) {
  if (!ended_) {
    if (std::optional<Event> e = queue_->Pop(slice)) {
      next_ = e->seq + 1;
      return e;
    }
    std::optional<absl::Status> end = subscription_->Wait(absl::ZeroDuration());
    if (!end.has_value()) return std::nullopt;
    // Every event delivered before the end is queued by now.
    if (std::optional<Event> e = queue_->Pop(absl::ZeroDuration())) {
      next_ = e->seq + 1;
      return e;
    }
    ended_ = true;
    next_ = std::max(next_, subscription_->resume_from());
  }
  absl::Status why = subscription_->Wait();
  return absl::Status(why.code(), absl::StrCat("the subscription ended: ", why.message(),
                                               " (subscribe(from_seq=", next_,
                                               ") resumes where it stopped)"));
}

uint64_t RemoteStream::resume_from() const { return next_; }

// --- LocalStream ---

absl::StatusOr<std::unique_ptr<EventStream>> LocalStream::Start(
    std::shared_ptr<Engine> engine, const std::string& path, bool read_only, uint64_t from_seq,
    const SubscriptionFilter& filter) {
  int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (watch < 0) return absl::InternalError(absl::StrCat("inotify: ", std::strerror(errno)));
  // Before the first read, so that no commit after it goes unnoticed.
  if (inotify_add_watch(watch, path.c_str(),
                        IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    absl::Status st = absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
    close(watch);
    return st;
  }
  auto matches = SubscriptionMatcher(*engine, filter);
  if (!matches.ok()) {
    close(watch);
    return matches.status();
  }
  return std::unique_ptr<EventStream>(new LocalStream(std::move(engine), read_only,
                                                      std::max<uint64_t>(from_seq, 1),
                                                      *std::move(matches), watch));
}

LocalStream::LocalStream(std::shared_ptr<Engine> engine, bool read_only, uint64_t from_seq,
                         std::function<bool(const Event&)> matches, int watch)
    : engine_(std::move(engine)), read_only_(read_only), next_(from_seq),
      matches_(std::move(matches)), watch_(watch) {}

LocalStream::~LocalStream() { close(watch_); }

absl::StatusOr<std::optional<Event>> LocalStream::Next(absl::Duration slice) {
  for (;;) {
    if (!ready_.empty()) {
      Event e = std::move(ready_.front());
      ready_.pop_front();
      return e;
    }
    const uint64_t before = next_;
    if (absl::Status st = ReadBatch(); !st.ok()) return st;
    if (next_ != before) continue;  // read something (perhaps all filtered out)
    auto changed = WaitForChange(slice);
    if (!changed.ok()) return changed.status();
    if (!*changed) return std::nullopt;
    if (read_only_) {
      // A writer changing its files under the refresh: its next change
      // retries.
      absl::Status st = engine_->Refresh();
      if (!st.ok() && !absl::IsUnavailable(st)) return st;
    }
  }
}

absl::Status LocalStream::ReadBatch() {
  auto events = engine_->Read(next_, kReadBatch);
  if (!events.ok()) return events.status();
  for (Event& e : *events) {
    next_ = e.seq + 1;
    if (matches_(e)) ready_.push_back(std::move(e));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> LocalStream::WaitForChange(absl::Duration slice) {
  pollfd p{watch_, POLLIN, 0};
  int n = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(slice)));
  if (n < 0 && errno != EINTR)
    return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
  if (n <= 0) return false;
  char buf[4096];
  while (read(watch_, buf, sizeof(buf)) > 0) {
  }
  return true;
}

}  // namespace annals::python
