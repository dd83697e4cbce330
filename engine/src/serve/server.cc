// Serve (annals/server.h): the event loop, the connections, and the
// order of a clean stop.
#include "annals/server.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/engine.h"
#include "capnp/rpc-twoparty.h"
#include "kj/async-io.h"
#include "kj/async-unix.h"
#include "search/search_follower.h"
#include "serve/accept_loop.h"
#include "serve/connections.h"
#include "serve/gate.h"
#include "serve/http_server.h"
#include "serve/socket_files.h"
#include "serve/store_service.h"
#include "serve/tcp_address.h"
#include "serve/serve_plan.h"
#include "serve/tokens.h"

namespace annals {
namespace internal {

void ServerLog(std::string_view line) {
  std::string text = absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                                   absl::UTCTimeZone()),
                                   " annals serve: ", std::string(line), "\n");
  (void)!write(2, text.data(), text.size());  // one write: lines never interleave
}

namespace {

// Threads for the calls that block for long (ServerState::slow): projection
// waits (each at most half a second a call) and backups.
constexpr size_t kSlowThreads = 4;

// The RPC address, then those of HTTP, TCP and HTTPS that are served, a
// line each.
void Ready(int fd, const std::vector<std::string>& addresses) {
  if (fd < 0) return;
  std::string text;
  for (const std::string& a : addresses)
    if (!a.empty()) text += a + "\n";
  (void)!write(fd, text.data(), text.size());
  close(fd);
}

// The HTTP listener `a` asks for (none when unset); HTTPS with `tls`.
absl::StatusOr<std::unique_ptr<HttpListener>> BindHttp(kj::AsyncIoContext& io, ServerState& state,
                                                       const ServeOptions& o,
                                                       const std::optional<TcpAddress>& a,
                                                       kj::TlsContext* tls,
                                                       const Tokens* tokens) {
  if (!a.has_value()) return std::unique_ptr<HttpListener>();
  return HttpListener::Bind(io, state, o, *a, tls, tokens);
}

std::string AddressOf(const std::unique_ptr<HttpListener>& http) {
  return http ? http->address() : "";
}

absl::Status ServeLoop(const ServeOptions& o) {
  auto plan = PlanServe(o);
  if (!plan.ok()) return plan.status();
  auto io = kj::setupAsyncIo();
  Options options;
  options.sync_appends = o.sync;
  options.create_if_missing = o.create_if_missing;
  auto engine = Engine::Open(o.store, options);
  if (!engine.ok()) return engine.status();
  std::string path = ChooseSocketPath(o.store, o.socket);
  // A stale socket is removed only where this store's servers put theirs.
  const bool ours = o.socket.empty() || ServerAddress(o.store) == "unix:" + path;
  auto fd = ListenUnix(path, ours);
  if (!fd.ok()) return fd.status();
  std::string address = "unix:" + path;
  std::string address_file = (std::filesystem::path(o.store) / kAddressFile).string();
  // Whatever way this returns or throws, the socket it made goes, and the
  // address file once written; at a clean stop, before the last appends.
  struct Made {
    std::string socket, address_file;
    bool address_written = false;
    void Remove() {
      if (!socket.empty()) unlink(socket.c_str());
      if (address_written) unlink(address_file.c_str());
      socket.clear();
      address_written = false;
    }
    ~Made() { Remove(); }
  } made{path, address_file};
  auto listener = io.lowLevelProvider->wrapListenSocketFd(
      *fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP | kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC);
  {
    // Before the watch that wakes it and the queues whose searches use it
    // (so that it outlives their threads however this scope ends); stopped
    // after the last commit.
    SearchFollower follower(**engine, (std::filesystem::path(o.store) / "search").string(),
                            ServerLog);
    auto reads = std::make_unique<WorkQueue>(o.read_threads == 0 ? 1 : o.read_threads);
    auto slow = std::make_unique<WorkQueue>(kSlowThreads);
    HeadWatch watch(**engine, [&follower] { follower.Notify(); });
    Committer committer(**engine, o.max_group, [&watch] { watch.Notify(); });
    ServerState state{**engine,  committer, *reads, *slow, watch, o.max_subscriber_lag,
                      o.max_connections, o.max_subscriptions_per_connection};
    state.max_batch = o.max_batch;
    state.follower = &follower;
    state.max_message_bytes = o.max_message_bytes;
    auto connections = std::make_unique<Connections>(
        state, io.provider->getTimer(), o.login_timeout_seconds * kj::SECONDS);
    const Tokens* tokens = plan->tokens ? &*plan->tokens : nullptr;  // live until we return
    auto http = BindHttp(io, state, o, plan->http, nullptr, nullptr);
    auto https = http.ok() ? BindHttp(io, state, o, plan->https, plan->tls.get(), tokens)
                           : http.status();
    absl::StatusOr<kj::Own<kj::ConnectionReceiver>> tcp = kj::Own<kj::ConnectionReceiver>();
    if (https.ok() && plan->listen.has_value())
      tcp = ListenTcp(io, *plan->listen, absl::StrCat("--listen ", o.listen));
    absl::Status up = !https.ok() ? https.status() : tcp.status();
    if (up.ok()) up = WriteAddressFile(o.store, address);
    if (!up.ok()) return up;
    made.address_written = true;
    std::string tcp_address;
    if (plan->listen.has_value()) {
      plan->listen->port = static_cast<uint16_t>((*tcp)->getPort());
      tcp_address = plan->ListenName();
    }
    const std::vector<std::string> addresses = {address, AddressOf(*http), tcp_address,
                                                AddressOf(*https)};
    std::string served;
    for (const std::string& a : addresses)
      if (!a.empty()) absl::StrAppend(&served, served.empty() ? "" : " and ", a);
    ServerLog(absl::StrCat("serving ", o.store, " on ", served,
                           o.sync ? " (acks fsynced)" : " (acks in the write-ahead log)"));
    Ready(o.ready_fd, addresses);
    auto accepting =
        connections
            ->Accept(*listener,
                     [&state](uint64_t id, std::shared_ptr<ConnectionNotes> notes) {
                       return capnp::Capability::Client(NewStoreService(state, id, notes));
                     })
            .then([] { return siginfo_t{}; });
    if (*tcp) {
      accepting = accepting.exclusiveJoin(
          connections
              ->Accept(**tcp,
                       [&state, tokens](uint64_t id, std::shared_ptr<ConnectionNotes> notes) {
                         return capnp::Capability::Client(NewGate(state, *tokens, id, notes));
                       },
                       Door{plan->tls.get(), true})
              .then([] { return siginfo_t{}; }));
    }
    for (HttpListener* h : {http->get(), https->get()})
      if (h != nullptr)
        accepting = accepting.exclusiveJoin(h->Accept().then([] { return siginfo_t{}; }));
    auto stop = io.unixEventPort.onSignal(SIGTERM)
                    .exclusiveJoin(io.unixEventPort.onSignal(SIGINT))
                    .exclusiveJoin(kj::mv(accepting));
    siginfo_t why = stop.wait(io.waitScope);
    // Stop accepting, then let the appends already queued commit and their
    // answers go out before the connections close.
    listener = nullptr;
    *tcp = nullptr;
    for (HttpListener* h : {http->get(), https->get()})
      if (h != nullptr) h->StopAccepting();
    made.Remove();
    ServerLog(absl::StrCat("stopping (signal ", why.si_signo, ")"));
    committer.Stop();
    ServerLog(absl::StrCat("appends committed in ", committer.groups(), " groups"));
    follower.Stop();  // before the queues drain: their searches need not wait for it
    io.waitScope.poll();
    http->reset();
    https->reset();
    connections.reset();
    reads.reset();
    slow.reset();
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
