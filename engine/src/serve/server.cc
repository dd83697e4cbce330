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
#include "serve/accept_loop.h"
#include "serve/connections.h"
#include "serve/gate.h"
#include "serve/http_server.h"
#include "serve/socket_files.h"
#include "serve/store_service.h"
#include "serve/tcp_address.h"
#include "serve/tls.h"
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

// The RPC address, the HTTP one (if any) on a second line, the TCP one
// (if any) after them.
void Ready(int fd, const std::string& address, const HttpListener* http,
           const std::string& tcp) {
  if (fd < 0) return;
  std::string line = address + "\n";
  if (http != nullptr) line += http->address() + "\n";
  if (!tcp.empty()) line += tcp + "\n";
  (void)!write(fd, line.data(), line.size());
  close(fd);
}

// What --listen needs before anything is opened: its address, tokens and
// TLS context (with --tls-cert).
struct TcpPlan {
  TcpAddress address;
  std::optional<Tokens> tokens;
  std::unique_ptr<kj::TlsContext> tls;

  std::string Name() const { return absl::StrCat(tls ? "tls:" : "tcp:", address.ToString()); }
};

absl::StatusOr<std::optional<TcpPlan>> PlanTcp(const ServeOptions& o) {
  const bool tls = !o.tls_cert.empty() || !o.tls_key.empty();
  if (o.listen.empty()) {
    if (!o.token_file.empty())
      return absl::InvalidArgumentError("--token-file: applies with --listen");
    if (tls) return absl::InvalidArgumentError("--tls-cert, --tls-key: apply with --listen");
    return std::optional<TcpPlan>();
  }
  if (o.login_timeout_seconds == 0)
    return absl::InvalidArgumentError("--login-timeout: at least 1 second");
  if (tls && (o.tls_cert.empty() || o.tls_key.empty()))
    return absl::InvalidArgumentError("--tls-cert and --tls-key: give both or neither");
  auto a = tls ? ParseTlsAddress(o.listen, "--listen") : ParseLoopbackAddress(o.listen, "--listen");
  if (!a.ok()) return a.status();
  if (o.token_file.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: needs --token-file (a TCP port is open to every ",
        tls ? "client that can reach it)" : "local user)"));
  auto tokens = Tokens::Load(o.token_file);
  if (!tokens.ok()) return tokens.status();
  std::unique_ptr<kj::TlsContext> context;
  if (tls) {
    auto made = NewServerTls(o.tls_cert, o.tls_key);
    if (!made.ok()) return made.status();
    context = *std::move(made);
  }
  return std::optional<TcpPlan>(TcpPlan{*a, *std::move(tokens), std::move(context)});
}

absl::Status ServeLoop(const ServeOptions& o) {
  std::optional<TcpAddress> http_address;
  if (!o.http.empty()) {
    auto a = ParseLoopbackAddress(o.http, "--http");
    if (!a.ok()) return a.status();
    http_address = *a;
  }
  auto tcp_plan = PlanTcp(o);
  if (!tcp_plan.ok()) return tcp_plan.status();
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
  auto listener = io.lowLevelProvider->wrapListenSocketFd(
      *fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP | kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC);
  {
    auto reads = std::make_unique<WorkQueue>(o.read_threads == 0 ? 1 : o.read_threads);
    auto slow = std::make_unique<WorkQueue>(kSlowThreads);
    HeadWatch watch(**engine);
    Committer committer(**engine, o.max_group, [&watch] { watch.Notify(); });
    ServerState state{**engine,  committer, *reads, *slow, watch, o.max_subscriber_lag,
                      o.max_connections, o.max_subscriptions_per_connection};
    auto connections = std::make_unique<Connections>(
        state, io.provider->getTimer(), o.login_timeout_seconds * kj::SECONDS);
    std::unique_ptr<HttpListener> http;
    if (http_address.has_value()) {
      auto bound = HttpListener::Bind(io, state, o, *http_address);
      if (!bound.ok()) {
        unlink(path.c_str());
        return bound.status();
      }
      http = *std::move(bound);
    }
    kj::Own<kj::ConnectionReceiver> tcp;
    std::string tcp_address;
    if (tcp_plan->has_value()) {
      auto bound = ListenTcp(io, (*tcp_plan)->address, absl::StrCat("--listen ", o.listen));
      if (!bound.ok()) {
        unlink(path.c_str());
        return bound.status();
      }
      tcp = *std::move(bound);
      (*tcp_plan)->address.port = static_cast<uint16_t>(tcp->getPort());
      tcp_address = (*tcp_plan)->Name();
    }
    if (absl::Status s = WriteAddressFile(o.store, address); !s.ok()) {
      unlink(path.c_str());
      return s;
    }
    ServerLog(absl::StrCat("serving ", o.store, " on ", address,
                           tcp ? absl::StrCat(" and ", tcp_address) : "",
                           http ? absl::StrCat(" and ", http->address()) : "",
                           o.sync ? " (acks fsynced)" : " (acks in the write-ahead log)"));
    Ready(o.ready_fd, address, http.get(), tcp_address);
    auto accepting =
        connections
            ->Accept(*listener,
                     [&state](uint64_t id, std::shared_ptr<ConnectionNotes> notes) {
                       return capnp::Capability::Client(NewStoreService(state, id, notes));
                     })
            .then([] { return siginfo_t{}; });
    if (tcp) {
      const Tokens* tokens = &*(*tcp_plan)->tokens;  // lives until ServeLoop returns
      accepting = accepting.exclusiveJoin(
          connections
              ->Accept(*tcp,
                       [&state, tokens](uint64_t id, std::shared_ptr<ConnectionNotes> notes) {
                         return capnp::Capability::Client(NewGate(state, *tokens, id, notes));
                       },
                       Door{(*tcp_plan)->tls.get(), true})
              .then([] { return siginfo_t{}; }));
    }
    if (http)
      accepting = accepting.exclusiveJoin(http->Accept().then([] { return siginfo_t{}; }));
    auto stop = io.unixEventPort.onSignal(SIGTERM)
                    .exclusiveJoin(io.unixEventPort.onSignal(SIGINT))
                    .exclusiveJoin(kj::mv(accepting));
    siginfo_t why = stop.wait(io.waitScope);
    // Stop accepting, then let the appends already queued commit and their
    // answers go out before the connections close.
    listener = nullptr;
    tcp = nullptr;
    if (http) http->StopAccepting();
    unlink(path.c_str());
    unlink(address_file.c_str());
    ServerLog(absl::StrCat("stopping (signal ", why.si_signo, ")"));
    committer.Stop();
    ServerLog(absl::StrCat("appends committed in ", committer.groups(), " groups"));
    io.waitScope.poll();
    http.reset();
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
