#include "serve/client_connect.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "serve/tcp_address.h"
#include "serve/tls.h"
#include "serve/wire.h"

namespace annals::internal {

namespace {

// A connection (with its TLS handshake) not made by then fails the
// connect (kUnavailable).
constexpr kj::Duration kConnectTimeout = 10 * kj::SECONDS;
// A login not answered by then fails the connect (kUnavailable).
constexpr kj::Duration kLoginTimeout = 10 * kj::SECONDS;

absl::Status NeedsToken(const std::string& address, const ClientOptions& options) {
  if (!options.token.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "server address \"", address,
      "\": a TCP server needs a token (ClientOptions::token; the CLI's "
      "--token-file or $ANNALS_TOKEN; Python's connect(token=))"));
}

// Cap'n Proto 0.9's TLS checks the server's name as a DNS name only: an IP
// address never matches, even one the certificate lists.
bool IsIpAddress(const std::string& host) {
  return host.find(':') != host.npos ||
         host.find_first_not_of("0123456789.") == host.npos;
}

absl::StatusOr<ServerEndpoint> TcpEndpoint(const std::string& address,
                                           const ClientOptions& options, bool tls) {
  const std::string_view rest = std::string_view(address).substr(4);
  auto a = tls ? ParseTlsAddress(rest, "server address tls:")
               : ParseLoopbackAddress(rest, "server address tcp:");
  if (!a.ok()) return a.status();
  if (tls && IsIpAddress(a->host))
    return absl::InvalidArgumentError(absl::StrCat(
        "server address \"", address, "\": name the server by a DNS name its certificate "
        "holds (tls:localhost:PORT, tls:db.example.org:PORT), not an IP address, which the "
        "certificate check cannot match"));
  if (a->port == 0)
    return absl::InvalidArgumentError(
        absl::StrCat("server address \"", address, "\": port 0 names no server"));
  if (absl::Status s = NeedsToken(address, options); !s.ok()) return s;
  ServerEndpoint out;
  out.kj_address = a->ToString();
  out.login = true;
  if (!tls) return out;
  auto context = NewClientTls(options.tls_ca);
  if (!context.ok()) return context.status();
  out.tls_host = a->host;
  out.tls = *std::move(context);
  return out;
}

}  // namespace

absl::StatusOr<ServerEndpoint> ParseServerAddress(const std::string& address,
                                                  const ClientOptions& options) {
  if (!options.tls_ca.empty() && !absl::StartsWith(address, "tls:"))
    return absl::InvalidArgumentError(absl::StrCat(
        "server address \"", address, "\": a TLS CA file applies to tls:HOST:PORT only"));
  if (absl::StartsWith(address, "unix:") && address.size() > 5) {
    ServerEndpoint out;
    out.kj_address = address;
    return out;
  }
  if (absl::StartsWith(address, "tcp:")) return TcpEndpoint(address, options, false);
  if (absl::StartsWith(address, "tls:")) return TcpEndpoint(address, options, true);
  return absl::InvalidArgumentError(absl::StrCat(
      "server address \"", address, "\": expected unix:PATH, tcp:HOST:PORT or tls:HOST:PORT"));
}

kj::Own<kj::AsyncIoStream> OpenStream(kj::AsyncIoContext& io, const ServerEndpoint& endpoint) {
  kj::Network& network = io.provider->getNetwork();
  auto connected = network.parseAddress(kj::StringPtr(endpoint.kj_address.c_str()))
                       .then([](kj::Own<kj::NetworkAddress> a) {
                         return a->connect().attach(kj::mv(a));
                       });
  if (endpoint.tls) {
    connected = connected.then([&endpoint](kj::Own<kj::AsyncIoStream> s) {
      return endpoint.tls->wrapClient(kj::mv(s), endpoint.tls_host.c_str());
    });
  }
  return io.provider->getTimer().timeoutAfter(kConnectTimeout, kj::mv(connected)).wait(io.waitScope);
}

absl::StatusOr<LoggedIn> Login(capnp::Capability::Client bootstrap, const std::string& token,
                               kj::AsyncIoContext& io) {
  auto req = bootstrap.castAs<rpc::Authenticator>().loginRequest();
  req.setToken(kj::arrayPtr(reinterpret_cast<const kj::byte*>(token.data()), token.size()));
  // Past the deadline kj throws (OVERLOADED, "timed out"): the caller's
  // kUnavailable, as for a server that does not answer at all.
  auto reply = io.provider->getTimer()
                   .timeoutAfter(kLoginTimeout, kj::Promise<capnp::Response<
                                                    rpc::Authenticator::LoginResults>>(req.send()))
                   .wait(io.waitScope);
  if (absl::Status st = StatusFromWire(reply.getStatus()); !st.ok()) return st;
  return LoggedIn{reply.getStore(), reply.getReadOnly()};
}

}  // namespace annals::internal
