#include "cli/follow.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "annals/client.h"
#include "annals/status.h"
#include "cli/remote_engine.h"

namespace annals::cli {
namespace {

// The process ends here, from the main thread, whatever other threads
// (a client's I/O thread) are doing: what was printed is flushed first.
[[noreturn]] void EndFollow(int code) {
  if (!FlushOutput() && OutputClosed()) std::_Exit(kExitOk);  // the reader has gone
  std::_Exit(FinishOutput(code));
}

// Exits as EndFollow when standard output has failed.
void EndIfOutputFailed() {
  if (OutputFailed()) EndFollow(kExitOk);  // EPIPE: 0; other errors: 2
}

}  // namespace

int BlockFollowSignals() {
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return -1;
  return signalfd(-1, &set, SFD_CLOEXEC);
}

namespace {

// Waits until `fd` is readable (never, for -1) or `timeout_ms` pass (-1:
// no limit), or a signal arrives (then ends the process).
void WaitFor(int signal_fd, int fd, int timeout_ms = -1) {
  struct pollfd fds[2] = {{signal_fd, POLLIN, 0}, {fd, POLLIN, 0}};
  for (;;) {
    int n = poll(fds, 2, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (fds[0].revents & POLLIN) != 0) EndFollow(kExitOk);
    if (n == 0 || fds[1].revents != 0) return;
  }
}

// The pause before trying a server again after an attempt that printed
// nothing (a server going away or not yet back), or a refresh again after
// one that gave up: 50 ms, doubling to 2 s, so that a restart is picked up
// soon and a long outage costs nothing. Ends early on a follow signal.
class Backoff {
 public:
  void Wait(int signal_fd) {
    WaitFor(signal_fd, -1, delay_ms_);
    delay_ms_ = std::min(delay_ms_ * 2, 2000);
  }
  void Reset() { delay_ms_ = 50; }

 private:
  int delay_ms_ = 50;
};

// The first error `print` returned, set on the client's I/O thread and
// read on the main thread.
class PrintError {
 public:
  void Set(absl::Status st) {
    absl::MutexLock l(&mu_);
    if (status_.ok()) status_ = std::move(st);
  }
  absl::Status Get() const {
    absl::MutexLock l(&mu_);
    return status_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Status status_;
};

// One subscription through `client` from `*next` on, until it ends (then
// *next is where to resume, and the status says why) or the process does.
// A printing error ends it at once, in `*print_error`.
absl::Status FollowServer(Client& client, const Engine& lookups, int signal_fd,
                          uint64_t* next, const FollowPrinter& print,
                          PrintError* print_error) {
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) return absl::InternalError(std::strerror(errno));
  auto poke = [fd = wake[1]] { (void)!::write(fd, "x", 1); };
  auto sub = client.Subscribe(*next, SubscriptionFilter(), [&](const Event& e) {
    if (!print_error->Get().ok()) return;  // printing stopped at the error
    if (absl::Status st = print(e, lookups); !st.ok()) {
      print_error->Set(std::move(st));
      poke();
    }
    if (OutputFailed()) poke();
  });
  if (!sub.ok()) {
    close(wake[0]);
    close(wake[1]);
    return sub.status();
  }
  absl::Status why;
  std::thread waiter([&] {
    why = (*sub)->Wait();
    poke();
  });
  WaitFor(signal_fd, wake[0]);
  EndIfOutputFailed();
  if (absl::Status st = print_error->Get(); !st.ok()) EndFollow(Fail("--follow", st));
  waiter.join();
  *next = (*sub)->resume_from();
  sub->reset();
  close(wake[0]);
  close(wake[1]);
  return why;
}

// Reads what is queued on `watch` without waiting: one refresh covers it
// all. True when a server's address file appeared, or events were lost
// (the queue overflowed: that file may have been among them).
bool DrainChanges(int watch) {
  alignas(inotify_event) char buf[4096];
  bool server = false;
  for (;;) {
    ssize_t n = read(watch, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      if ((ev->mask & IN_Q_OVERFLOW) != 0) server = true;
      if (ev->len > 0 && std::strcmp(ev->name, "annals.server") == 0) server = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  return server;
}

// The store opened read-only, tried again after a pause while the writer
// changes its files faster than an open can read them (kUnavailable), as
// a refresh is.
absl::StatusOr<std::unique_ptr<Engine>> OpenFollowed(const std::string& db, int signal_fd) {
  Options o;
  o.read_only = true;
  o.helper_threads = 0;
  o.create_if_missing = false;
  Backoff retry;
  for (;;) {
    auto engine = Engine::Open(db, o);
    if (!absl::IsUnavailable(engine.status())) return engine;
    retry.Wait(signal_fd);
  }
}

// Follows the store itself, read-only, from `*next` on: prints what is
// there, then waits for the store directory to change (inotify, the one
// watch of the CLI: a writer's every commit writes its write-ahead log
// there), refreshes and prints what is new. Returns when a server starts
// (its address file appears, or may have), or an error.
absl::Status FollowLocal(const GlobalFlags& g, int signal_fd, uint64_t* next,
                         const FollowPrinter& print) {
  int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (watch < 0) return absl::InternalError(absl::StrCat("inotify: ", std::strerror(errno)));
  // Before the first read, so that no commit after it goes unnoticed.
  if (inotify_add_watch(watch, g.db.c_str(),
                        IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    absl::Status st = absl::NotFoundError(absl::StrCat(g.db, ": ", std::strerror(errno)));
    close(watch);
    return st;
  }
  auto engine = OpenFollowed(g.db, signal_fd);
  absl::Status st = engine.status();
  Backoff retry;
  bool behind = false;  // the last refresh gave up: the writer's last change may be unseen
  while (st.ok()) {
    auto it = (*engine)->NewIterator(*next);
    for (; it->Valid() && st.ok(); it->Next()) {
      st = print(it->event(), **engine);
      EndIfOutputFailed();
      if (!st.ok()) EndFollow(Fail("--follow", st));
      *next = it->event().seq + 1;
    }
    if (st = it->status(); !st.ok()) break;
    // After a refresh that gave up, the change that woke it may have been
    // the writer's last: try again after a pause instead of waiting for
    // another change that may never come (the commit it missed would not
    // be printed until then). A server starting meanwhile is noticed.
    if (behind) retry.Wait(signal_fd);
    else WaitFor(signal_fd, watch);
    if (DrainChanges(watch)) break;  // a server took the store
    st = (*engine)->Refresh();
    behind = absl::IsUnavailable(st);  // a writer changing its files under it
    if (behind) st = absl::OkStatus();
    else retry.Reset();
  }
  close(watch);
  return st;
}

}  // namespace

int FollowLog(const GlobalFlags& g, int signal_fd, uint64_t from_seq,
              const FollowPrinter& print) {
  if (signal_fd < 0) return Fail("--follow", absl::InternalError(std::strerror(errno)));
  uint64_t next = std::max<uint64_t>(from_seq, 1);
  bool served = false;  // a server has answered: wait for it to come back
  Backoff backoff;
  for (;;) {
    const uint64_t before = next;
    auto client = ConnectClient(g);
    if (!client.ok() && served) {  // --server's server restarting
      backoff.Wait(signal_fd);
      continue;
    }
    if (!client.ok()) return Fail("", client.status());
    absl::Status st;
    if (*client != nullptr) {
      served = true;
      // A second connection for lookups: the subscription's callback runs
      // on its client's I/O thread and may not call that client.
      auto address = g.server.empty() ? ServerAddress(g.db) : g.server;
      auto other = ConnectWithToken(g, address.value_or(""));
      if (!other.ok()) {  // gone already: look again
        backoff.Wait(signal_fd);
        continue;
      }
      auto lookups = NewRemoteEngine(std::move(*other));
      PrintError print_error;
      st = FollowServer(**client, *lookups, signal_fd, &next, print, &print_error);
      // Cut off for falling behind, or the server went away: resume.
      if (absl::IsResourceExhausted(st) || absl::IsUnavailable(st)) {
        if (next == before) backoff.Wait(signal_fd);
        else backoff.Reset();
        continue;
      }
    } else {
      st = FollowLocal(g, signal_fd, &next, print);
      if (st.ok()) continue;  // a server took the store
    }
    if (IsNoStore(st))
      st = WithHint(st, "give --db PATH or set ANNALS_DB; `annals import` creates one");
    return Fail("--follow", st);
  }
}

}  // namespace annals::cli
