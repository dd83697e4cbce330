// The TCP addresses a server may listen on, and a client connect to:
// loopback ones in clear (--http, --listen, "tcp:HOST:PORT"), so that
// neither requests nor tokens cross a network in clear, and any with TLS
// (--listen with --tls-cert, "tls:HOST:PORT").
#ifndef ANNALS_ENGINE_SRC_SERVE_TCP_ADDRESS_H_
#define ANNALS_ENGINE_SRC_SERVE_TCP_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kj/async-io.h"

namespace annals::internal {

struct TcpAddress {
  std::string host;  // "127.0.0.1", "::1"; with TLS any: "0.0.0.0", "db.example.org"
  uint16_t port = 0; // 0: any free port (a server's choice)

  // "127.0.0.1:PORT", "[::1]:PORT" (an IPv6 host in brackets).
  std::string ToString() const;
};

// "PORT", "localhost:PORT", "127.x.y.z:PORT", "[::1]:PORT". Any other host
// is kInvalidArgument: it needs TLS. `flag` names the option or address in
// messages ("--http", "--listen", "tcp:...").
absl::StatusOr<TcpAddress> ParseLoopbackAddress(std::string_view text, std::string_view flag);

// As ParseLoopbackAddress, but any host: a host name (letters, digits, '-'
// and '.'), an IPv4 address ("0.0.0.0": every interface) or an IPv6 one in
// brackets ("[::]"). For TLS, which keeps tokens and data private on any
// network. "PORT" alone is still loopback.
absl::StatusOr<TcpAddress> ParseTlsAddress(std::string_view text, std::string_view flag);

// Whether an HTTP request's Host header (`host`, "" when absent) and Origin
// header (`origin`, "" when absent) are what a client on this machine sends:
// a loopback host name (localhost, 127.x.y.z, [::1], with any port) and no
// Origin, or a loopback one. A web page in the user's browser sends others:
// a hostile name resolved to 127.0.0.1 (DNS rebinding) keeps its own Host,
// and a page's cross-site request carries its Origin. kPermissionDenied
// saying which, else OK.
absl::Status CheckLoopbackRequest(std::string_view host, std::string_view origin);

// " from HOST:PORT" for a TCP connection's peer, for log lines; "" for
// a Unix socket's, or when the stream cannot say.
std::string PeerOf(kj::AsyncIoStream& stream);

// A listener on `a`. kUnavailable, saying `what` ("--listen 127.0.0.1:9"),
// when it cannot (the port is taken, say).
absl::StatusOr<kj::Own<kj::ConnectionReceiver>> ListenTcp(kj::AsyncIoContext& io,
                                                          const TcpAddress& a,
                                                          std::string_view what);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_TCP_ADDRESS_H_
