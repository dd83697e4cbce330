#include "serve/http_server.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "serve/tls.h"

namespace annals::internal {

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Bind(kj::AsyncIoContext& io,
                                                                 ServerState& state,
                                                                 const ServeOptions& options,
                                                                 const TcpAddress& a,
                                                                 kj::TlsContext* tls,
                                                                 const Tokens* tokens) {
  auto listener = ListenTcp(io, a, tls ? absl::StrCat("--https ", options.https)
                                       : absl::StrCat("--http ", options.http));
  if (!listener.ok()) return listener.status();
  TcpAddress taken = a;
  taken.port = static_cast<uint16_t>((*listener)->getPort());
  std::string address = absl::StrCat(tls ? "https://" : "http://", taken.ToString());
  return std::unique_ptr<HttpListener>(new HttpListener(
      io, state, options, kj::mv(*listener), std::move(address), tls, tokens));
}

namespace {

kj::Own<kj::HttpHeaderTable> TableWith(kj::HttpHeaderId* last_event_id) {
  kj::HttpHeaderTable::Builder builder;
  *last_event_id = builder.add("Last-Event-ID");
  return builder.build();
}

}  // namespace

HttpListener::HttpListener(kj::AsyncIoContext& io, ServerState& state,
                           const ServeOptions& options, kj::Own<kj::ConnectionReceiver> listener,
                           std::string address, kj::TlsContext* tls, const Tokens* tokens)
    : timer_(io.provider->getTimer()),
      tls_(tls),
      handshake_(options.login_timeout_seconds * kj::SECONDS),
      table_(TableWith(&last_event_id_)),
      shared_{state,
              options.store,
              options.http_max_header_bytes,
              options.http_max_body_bytes,
              *table_,
              last_event_id_,
              timer_,
              options.sse_keepalive_seconds,
              tls ? "https" : "http",
              tokens},
      listener_(kj::mv(listener)),
      address_(std::move(address)),
      accept_(timer_, shared_.scheme + ": ",
              [this](kj::Own<kj::AsyncIoStream> s) { Add(kj::mv(s)); }),
      tasks_(*this) {}

HttpListener::~HttpListener() noexcept(false) {
  for (uint64_t id : live_)
    ServerLog(absl::StrCat(shared_.scheme, " connection ", id, " closed: the server is stopping"));
}

// Answers a connection past --max-connections 503, then closes it.
void HttpListener::Refuse(uint64_t id, kj::Own<kj::AsyncIoStream> stream) {
  const std::string why = absl::StrCat(shared_.state.open_connections,
                                       " connections open, the most allowed (--max-connections)");
  ServerLog(absl::StrCat(shared_.scheme, " connection ", id, " refused: ", why));
  HttpReply reply = ErrorReply(absl::UnavailableError(absl::StrCat("the server has ", why)));
  auto text = kj::heapString(absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: ", reply.body.size(), "\r\n\r\n", reply.body));
  auto& s = *stream;
  tasks_.add(s.write(text.begin(), text.size()).attach(kj::mv(text), kj::mv(stream)));
}

void HttpListener::Add(kj::Own<kj::AsyncIoStream> stream) {
  uint64_t id = ++next_;
  const kj::TimePoint by = timer_.now() + handshake_;
  if (tls_ == nullptr) {
    if (!AdmitConnection(shared_.state)) return Refuse(id, kj::mv(stream));
    ServerLog(absl::StrCat("http connection ", id, " opened", PeerOf(*stream)));
    return Serve(id, kj::mv(stream), nullptr, by);
  }
  // HTTPS: no 503 before a handshake; `stream` closes as it goes.
  if (!AdmitLoginWait(shared_.state)) {
    ServerLog(absl::StrCat("https connection ", id, " refused: ", shared_.state.logins_pending,
                           " connections have not sent a good token yet, the most allowed "
                           "(half of --max-connections)"));
    return;
  }
  if (!AdmitConnection(shared_.state)) {
    EndLoginWait(shared_.state);
    ServerLog(absl::StrCat("https connection ", id, " refused: ", shared_.state.open_connections,
                           " connections open, the most allowed (--max-connections)"));
    return;
  }
  ServerLog(absl::StrCat("https connection ", id, " opened", PeerOf(*stream)));
  tasks_.add(AcceptTls(*tls_, timer_, handshake_, kj::mv(stream))
                 .then(
                     [this, id, by](kj::Own<kj::AsyncIoStream> s) {
                       Serve(id, kj::mv(s), std::make_shared<bool>(true), by);
                     },
                     [this, id](kj::Exception&& e) {
                       ServerLog(absl::StrCat("https connection ", id,
                                              " closed: TLS handshake failed: ",
                                              e.getDescription().cStr()));
                       EndLoginWait(shared_.state);
                       ReleaseConnection(shared_.state);
                     }));
}

void HttpListener::Serve(uint64_t id, kj::Own<kj::AsyncIoStream> stream,
                         std::shared_ptr<bool> waiting, kj::TimePoint by) {
  // The server goes before the front it uses (members go in reverse).
  struct Connection {
    kj::Own<HttpFront> front;
    kj::Own<kj::HttpServer> server;
  };
  auto c = kj::heap<Connection>();
  c->front = kj::heap<HttpFront>(shared_, id, waiting);
  kj::HttpServerSettings settings;
  settings.errorHandler = *c->front;
  c->server = kj::heap<kj::HttpServer>(timer_, *table_, *c->front, settings);
  kj::Promise<void> served = c->server->listenHttp(kj::mv(stream));
  if (waiting) {
    served = served.exclusiveJoin(timer_.atTime(by).then([waiting]() -> kj::Promise<void> {
      if (!*waiting) return kj::NEVER_DONE;
      return KJ_EXCEPTION(DISCONNECTED, "no request with a good token within --login-timeout");
    }));
  }
  live_.insert(id);
  auto closed = [this, id, waiting](const std::string& why) {
    ServerLog(absl::StrCat(shared_.scheme, " connection ", id, " closed", why));
    if (waiting && *waiting) EndLoginWait(shared_.state);
    ReleaseConnection(shared_.state);
    live_.erase(id);
  };
  tasks_.add(served.attach(kj::mv(c)).then(
      [closed] { closed(""); },
      [closed](kj::Exception&& e) { closed(absl::StrCat(": ", e.getDescription().cStr())); }));
}

void HttpListener::taskFailed(kj::Exception&& e) {
  ServerLog(absl::StrCat(shared_.scheme, " connection error: ", e.getDescription().cStr()));
}

}  // namespace annals::internal
