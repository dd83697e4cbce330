// Serve (annals/server.h): the event loop, the connections, and the
// order of a clean stop.
#include "annals/server.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/engine.h"
#include "capnp/rpc-twoparty.h"
#include "kj/async-io.h"
#include "kj/async-unix.h"
#include "serve/connection.h"
#include "serve/socket_files.h"
#include "serve/store_service.h"

namespace annals {
namespace internal {

void ServerLog(std::string_view line) {
  std::string text = absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                                   absl::UTCTimeZone()),
                                   " annals serve: ", std::string(line), "\n");
  (void)!write(2, text.data(), text.size());  // one write: lines never interleave
}

namespace {

class Connections final : public kj::TaskSet::ErrorHandler {
 public:
  Connections(ServerState& state, kj::Timer& timer)
      : state_(state), timer_(timer), tasks_(*this) {}

  // Accepts until the listener goes. An accept that fails (EMFILE: out of
  // file descriptors, say) is retried after a pause that doubles up to a
  // second, on the event loop's timer, so that the loop serves the open
  // connections meanwhile; a burst of failures is logged once. (Before,
  // EMFILE ended the server.)
  kj::Promise<void> AcceptLoop(kj::ConnectionReceiver& listener) {
    // kj's accept() throws at once on an error other than EAGAIN (Cap'n
    // Proto 0.9): evalNow makes that a rejected promise like the others.
    return kj::evalNow([&listener] { return listener.accept(); }).then(
        [this, &listener](kj::Own<kj::AsyncIoStream> stream) {
          if (failures_ > 0)
            ServerLog(absl::StrCat("accepting again after ", failures_, " failed accepts"));
          failures_ = 0;
          Add(kj::mv(stream));
          return AcceptLoop(listener);
        },
        [this, &listener](kj::Exception&& e) {
          if (failures_++ == 0)
            ServerLog(absl::StrCat("accept failed: ", e.getDescription().cStr(),
                                   " (retrying; logged once until an accept succeeds)"));
          kj::Duration pause = kj::min(kAcceptPauseMin * (1u << kj::min(failures_ - 1, 7u)),
                                       kAcceptPauseMax);
          return timer_.afterDelay(pause).then([this, &listener] { return AcceptLoop(listener); });
        });
  }

  void taskFailed(kj::Exception&& e) override {
    ServerLog(absl::StrCat("connection error: ", e.getDescription().cStr()));
  }

 // Logs why each connection still open closes: the server is stopping.
  ~Connections() noexcept(false) {
    for (uint64_t id : live_)
      ServerLog(absl::StrCat("connection ", id, " closed: ", notes_[id]->WhyClosed(true)));
  }

 private:
  void Add(kj::Own<kj::AsyncIoStream> stream) {
    uint64_t id = ++next_;
    ServerLog(absl::StrCat("connection ", id, " opened"));
    auto notes = std::make_shared<ConnectionNotes>();
    auto c = kj::heap<Connection>(kj::mv(stream), NewStoreService(state_, id, notes), notes);
    auto closed = c->network.onDisconnect();
    live_.insert(id);
    notes_[id] = notes;
    tasks_.add(closed.attach(kj::mv(c)).then([this, id] {
      ServerLog(absl::StrCat("connection ", id, " closed: ", notes_[id]->WhyClosed(false)));
      live_.erase(id);
      notes_.erase(id);
    }));
  }

  static constexpr kj::Duration kAcceptPauseMin = 10 * kj::MILLISECONDS;
  static constexpr kj::Duration kAcceptPauseMax = 1 * kj::SECONDS;

  ServerState& state_;
  kj::Timer& timer_;
  kj::TaskSet tasks_;
  uint64_t next_ = 0;
  std::set<uint64_t> live_;
  std::map<uint64_t, std::shared_ptr<ConnectionNotes>> notes_;
  unsigned failures_ = 0;  // accepts failed in a row
};

void Ready(int fd, const std::string& address) {
  if (fd < 0) return;
  std::string line = address + "\n";
  (void)!write(fd, line.data(), line.size());
  close(fd);
}

absl::Status ServeLoop(const ServeOptions& o) {
  auto io = kj::setupAsyncIo();
  Options options;
  options.sync_appends = o.sync;
  auto engine = Engine::Open(o.store, options);
  if (!engine.ok()) return engine.status();
  std::string path = ChooseSocketPath(o.store, o.socket);
  // A stale socket is removed only where this store's servers put theirs.
  const bool ours = o.socket.empty() || ServerAddress(o.store) == "unix:" + path;
  auto fd = ListenUnix(path, ours);
  if (!fd.ok()) return fd.status();
  std::string address = "unix:" + path;
  std::string address_file = (std::filesystem::path(o.store) / kAddressFile).string();
  auto listener = io.lowLevelProvider->wrapListenSocketFd(
      *fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP | kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC);
  {
    auto reads = std::make_unique<WorkQueue>(o.read_threads == 0 ? 1 : o.read_threads);
    HeadWatch watch(**engine);
    Committer committer(**engine, o.max_group, [&watch] { watch.Notify(); });
    ServerState state{**engine, committer, *reads, watch, o.max_subscriber_lag};
    auto connections = std::make_unique<Connections>(state, io.provider->getTimer());
    if (absl::Status s = WriteAddressFile(o.store, address); !s.ok()) {
      unlink(path.c_str());
      return s;
    }
    ServerLog(absl::StrCat("serving ", o.store, " on ", address,
                           o.sync ? " (acks fsynced)" : " (acks in the write-ahead log)"));
    Ready(o.ready_fd, address);
    auto stop = io.unixEventPort.onSignal(SIGTERM)
                    .exclusiveJoin(io.unixEventPort.onSignal(SIGINT))
                    .exclusiveJoin(connections->AcceptLoop(*listener).then([] {
                      return siginfo_t{};
                    }));
    siginfo_t why = stop.wait(io.waitScope);
    // Stop accepting, then let the appends already queued commit and their
    // answers go out before the connections close.
    listener = nullptr;
    unlink(path.c_str());
    unlink(address_file.c_str());
    ServerLog(absl::StrCat("stopping (signal ", why.si_signo, ")"));
    committer.Stop();
    ServerLog(absl::StrCat("appends committed in ", committer.groups(), " groups"));
    io.waitScope.poll();
    connections.reset();
    reads.reset();
  }
  absl::Status synced = (*engine)->Sync();
  engine->reset();
  if (!synced.ok()) return synced;
  ServerLog("stopped");
  return absl::OkStatus();
}

}  // namespace
}  // namespace internal

absl::Status Serve(const ServeOptions& options) {
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  try {
    return internal::ServeLoop(options);
  } catch (const kj::Exception& e) {
    return absl::InternalError(absl::StrCat("server: ", e.getDescription().cStr()));
  }
}

}  // namespace annals
