// The HTTP/JSON front of `annals serve` (docs/HTTP.md): a kj::HttpService
// per connection, on the event loop thread. Routes requests, answers
// errors as JSON ({"code", "message", "kind"}, serve/http_json.h), and runs
// every engine call on the read pool (serve/off_loop.h), as the RPC
// service does.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_FRONT_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_FRONT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kj/compat/http.h"
#include "serve/http_json.h"
#include "serve/http_statements.h"
#include "serve/http_target.h"
#include "serve/store_service.h"
#include "serve/tokens.h"

namespace annals::internal {

// What every connection's front shares; outlives them.
struct HttpShared {
  ServerState& state;
  std::string store;                // the store's path, for /v1/stats
  size_t max_header_bytes;
  size_t max_body_bytes;
  const kj::HttpHeaderTable& table;
  kj::HttpHeaderId last_event_id;   // "Last-Event-ID" (Server-Sent Events)
  kj::Timer& timer;
  uint32_t sse_keepalive_seconds;   // ServeOptions'
  // "http", or "https" (TLS, ServeOptions::https): names the connections in
  // log lines.
  std::string scheme = "http";
  // HTTPS: every request needs a bearer token of these (serve/http_auth.h),
  // and the Host may be any name (clients name the server); null: HTTP on
  // loopback, no token, loopback Hosts only.
  const Tokens* tokens = nullptr;
};

class HttpFront final : public kj::HttpService, public kj::HttpServerErrorHandler {
 public:
  // `waiting` (HTTPS): true until the connection's first request with a
  // good token, which ends its login wait (EndLoginWait); null for HTTP.
  HttpFront(HttpShared& shared, uint64_t connection, std::shared_ptr<bool> waiting = nullptr)
      : s_(shared), connection_(connection), waiting_(std::move(waiting)) {}

  kj::Promise<void> request(kj::HttpMethod method, kj::StringPtr url,
                            const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                            Response& response) override;

  // Unparseable requests: a JSON 400 and a log line. Exceptions of a
  // request: a JSON 500 (when the response has not begun) and a log line.
  kj::Promise<void> handleClientProtocolError(kj::HttpHeaders::ProtocolError error,
                                              Response& response) override;
  kj::Promise<void> handleApplicationError(kj::Exception exception,
                                           kj::Maybe<Response&> response) override;

 private:
  kj::Promise<HttpReply> Route(kj::HttpMethod method, const HttpTarget& target);
  kj::Promise<HttpReply> Stats();
  kj::Promise<HttpReply> Events(const HttpTarget& target);
  kj::Promise<HttpReply> Event(const std::string& which);
  kj::Promise<HttpReply> Timeline(const HttpTarget& target);
  kj::Promise<HttpReply> Append(StatementLines parsed);
  kj::Promise<HttpReply> Counts(const HttpTarget& target, const std::string& projection);
  kj::Promise<HttpReply> Projections();
  // GET /v1/search; `may_create`: the request may make a missing index (not
  // with a read-only token).
  kj::Promise<HttpReply> Search(const HttpTarget& target, bool may_create);
  kj::Promise<HttpReply> Projection(const HttpTarget& target, const std::string& name);
  // A timeline page (TimelineQueryOf or ProjectionQueryOf) as of as_of=.
  kj::Promise<HttpReply> Page(const HttpTarget& target, absl::StatusOr<TimelineQuery> q);
  kj::Promise<void> Send(Response& response, HttpReply reply, const std::string& what);
  // POST /v1/statements (serve/http_statements.h).
  kj::Promise<void> Statements(const HttpTarget& target, kj::AsyncInputStream& body,
                               Response& response, const std::string& what);
  // GET /v1/subscribe: Server-Sent Events (serve/sse.h).
  kj::Promise<void> Subscribe(const HttpTarget& target, const kj::HttpHeaders& headers,
                              Response& response, const std::string& what);

  HttpShared& s_;
  uint64_t connection_;
  std::shared_ptr<bool> waiting_;
  std::shared_ptr<ConnectionNotes> notes_ = std::make_shared<ConnectionNotes>();
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_FRONT_H_
