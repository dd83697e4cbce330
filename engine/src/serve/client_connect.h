// How a client reaches a server's Store (serve/client.cc): the address to
// connect to, and, over TCP, the login that trades the token for the Store
// (the connection's bootstrap there is an rpc::Authenticator).
#ifndef ANNALS_ENGINE_SRC_SERVE_CLIENT_CONNECT_H_
#define ANNALS_ENGINE_SRC_SERVE_CLIENT_CONNECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "annals/client.h"
#include "capnp/capability.h"
#include "kj/async.h"
#include "schema/annals_rpc.capnp.h"

namespace annals::internal {

struct ServerEndpoint {
  std::string kj_address;  // for kj::Network::parseAddress
  bool login = false;      // TCP: log in with the token first
};

// "unix:PATH", or "tcp:HOST:PORT" with a loopback HOST (until TLS exists)
// and a token in `options`. kInvalidArgument otherwise.
absl::StatusOr<ServerEndpoint> ParseServerAddress(const std::string& address,
                                                  const ClientOptions& options);

// Logs in to `bootstrap` (an rpc::Authenticator) with `token`: the Store,
// or the server's refusal (kPermissionDenied for a wrong token). On the
// connection's thread; may throw kj::Exception as any call there.
absl::StatusOr<rpc::Store::Client> Login(capnp::Capability::Client bootstrap,
                                         const std::string& token, kj::WaitScope& wait);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CLIENT_CONNECT_H_
