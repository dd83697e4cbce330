// The HTTP/JSON listener of `annals serve --http` and `--https`
// (docs/HTTP.md): binds its address, accepts (serve/accept_loop.h), serves each
// connection with its own kj::HttpServer and HttpFront, and logs one line
// when a connection opens and when it closes. Loop thread only.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_SERVER_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/server.h"
#include "kj/async-io.h"
#include "kj/compat/http.h"
#include "kj/compat/tls.h"
#include "serve/accept_loop.h"
#include "serve/http_front.h"
#include "serve/tcp_address.h"
#include "serve/store_service.h"
#include "serve/tokens.h"

namespace annals::internal {

class HttpListener final : private kj::TaskSet::ErrorHandler {
 public:
  // Binds `address` (ServeOptions::http, already checked); with `tls` and
  // `tokens` (both, or neither; they outlive the listener), HTTPS
  // (ServeOptions::https): each connection's TLS handshake first, within
  // options.login_timeout_seconds, and a bearer token on every request.
  // kUnavailable when it cannot bind (the port is taken, say).
  static absl::StatusOr<std::unique_ptr<HttpListener>> Bind(kj::AsyncIoContext& io,
                                                            ServerState& state,
                                                            const ServeOptions& options,
                                                            const TcpAddress& address,
                                                            kj::TlsContext* tls = nullptr,
                                                            const Tokens* tokens = nullptr);
  ~HttpListener() noexcept(false);

  // "http://127.0.0.1:PORT", "https://0.0.0.0:PORT" (the port taken).
  const std::string& address() const { return address_; }

  // Accepts until StopAccepting() or the listener is destroyed.
  kj::Promise<void> Accept() { return accept_.Run(*listener_); }
  void StopAccepting() { listener_ = nullptr; }

 private:
  HttpListener(kj::AsyncIoContext& io, ServerState& state, const ServeOptions& options,
               kj::Own<kj::ConnectionReceiver> listener, std::string address,
               kj::TlsContext* tls, const Tokens* tokens);
  void Add(kj::Own<kj::AsyncIoStream> stream);
  // `waiting` (HTTPS): whether it has yet to send a good token; past the
  // login deadline `by` it is closed.
  void Serve(uint64_t id, kj::Own<kj::AsyncIoStream> stream, std::shared_ptr<bool> waiting,
             kj::TimePoint by);
  void Refuse(uint64_t id, kj::Own<kj::AsyncIoStream> stream);
  void taskFailed(kj::Exception&& e) override;

  kj::Timer& timer_;
  kj::TlsContext* tls_;
  kj::Duration handshake_;
  kj::HttpHeaderId last_event_id_ = kj::HttpHeaderId::HOST;  // set by TableWith
  kj::Own<kj::HttpHeaderTable> table_;
  HttpShared shared_;
  kj::Own<kj::ConnectionReceiver> listener_;
  std::string address_;
  uint64_t next_ = 0;
  std::set<uint64_t> live_;
  AcceptLoop accept_;
  kj::TaskSet tasks_;  // the connections; first to go
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_SERVER_H_
