// How a client reaches a server's Store (serve/client.cc): the address to
// connect to, and, over TCP, the login that trades the token for the Store
// (the connection's bootstrap there is an rpc::Authenticator).
#ifndef ANNALS_ENGINE_SRC_SERVE_CLIENT_CONNECT_H_
#define ANNALS_ENGINE_SRC_SERVE_CLIENT_CONNECT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "annals/client.h"
#include "capnp/capability.h"
#include "kj/async-io.h"
#include "kj/async.h"
#include "kj/compat/tls.h"
#include "schema/annals_rpc.capnp.h"

namespace annals::internal {

struct ServerEndpoint {
  std::string kj_address;  // for kj::Network::parseAddress
  bool login = false;      // TCP: log in with the token first
  std::string tls_host;    // "tls:": the name the certificate must hold
  std::shared_ptr<kj::TlsContext> tls;  // "tls:": trusting options.tls_ca
};

// "unix:PATH", "tcp:HOST:PORT" with a loopback HOST, or "tls:HOST:PORT"
// with a DNS name for HOST; either TCP one with a token in `options`, and
// options.tls_ca only with "tls:". kInvalidArgument otherwise (and as
// NewClientTls, serve/tls.h, for options.tls_ca).
absl::StatusOr<ServerEndpoint> ParseServerAddress(const std::string& address,
                                                  const ClientOptions& options);

// A connection to `endpoint`, after its TLS handshake for a "tls:" one;
// the lookup, the connect and the handshake together are cut off after 10
// seconds. On the connection's thread; throws
// kj::Exception when nothing answers or the handshake fails.
kj::Own<kj::AsyncIoStream> OpenStream(kj::AsyncIoContext& io, const ServerEndpoint& endpoint);

// Logs in to `bootstrap` (an rpc::Authenticator) with `token`: the Store,
// or the server's refusal (kPermissionDenied for a wrong token). On the
// connection's thread; throws kj::Exception as any call there, and when
// the server has not answered within 10 seconds.
struct LoggedIn {
  rpc::Store::Client store;
  bool read_only = false;  // the server refuses every change through `store`
};
absl::StatusOr<LoggedIn> Login(capnp::Capability::Client bootstrap, const std::string& token,
                               kj::AsyncIoContext& io);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CLIENT_CONNECT_H_
