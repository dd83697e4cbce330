// What ServeOptions ask for beyond the Unix socket, checked before the
// store or any socket opens: the addresses of --http, --listen and
// --https, the tokens and the TLS context they need.
#ifndef ANNALS_ENGINE_SRC_SERVE_SERVE_PLAN_H_
#define ANNALS_ENGINE_SRC_SERVE_SERVE_PLAN_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "annals/server.h"
#include "kj/compat/tls.h"
#include "serve/tcp_address.h"
#include "serve/tokens.h"

namespace annals::internal {

struct ServePlan {
  std::optional<TcpAddress> http;    // loopback, no token
  std::optional<TcpAddress> listen;  // RPC with a token; TLS when `tls`
  std::optional<TcpAddress> https;   // HTTP over TLS with a bearer token
  std::optional<Tokens> tokens;      // for `listen` and `https`
  std::unique_ptr<kj::TlsContext> tls;

  // "tcp:HOST:PORT" or "tls:HOST:PORT" for `listen`.
  std::string ListenName() const {
    return (tls ? "tls:" : "tcp:") + listen->ToString();
  }
};

// kInvalidArgument for options that do not go together (--token-file or
// TLS files with nothing to use them, --https without them, a non-loopback
// address without TLS, --login-timeout 0), and as Tokens::Load and
// NewServerTls (serve/tls.h) for the files.
absl::StatusOr<ServePlan> PlanServe(const ServeOptions& o);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_SERVE_PLAN_H_
