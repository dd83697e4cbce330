#include "serve/http_server.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace annals::internal {
namespace {

bool IsLoopbackV4(absl::string_view host) {
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view p : parts) {
    uint32_t n = 0;
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != p.npos ||
        !absl::SimpleAtoi(p, &n) || n > 255)
      return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<HttpAddress> ParseHttpAddress(std::string_view text_in) {
  const absl::string_view text(text_in.data(), text_in.size());
  HttpAddress out;
  absl::string_view host = "127.0.0.1", port = text;
  if (size_t colon = text.rfind(':'); colon != text.npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  uint32_t p = 0;
  if (port.empty() || port.find_first_not_of("0123456789") != port.npos ||
      !absl::SimpleAtoi(port, &p) || p > 65535)
    return absl::InvalidArgumentError(absl::StrCat(
        "--http ", text, ": expected PORT, localhost:PORT or HOST:PORT with a port from 0 "
        "to 65535 (0: any free port)"));
  out.port = static_cast<uint16_t>(p);
  if (host == "localhost" || host == "127.0.0.1") out.host = "127.0.0.1";
  else if (host == "[::1]") out.host = "::1";
  else if (IsLoopbackV4(host)) out.host = std::string(host);
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "--http ", text, ": only a loopback address (localhost, 127.0.0.1, [::1]) is served "
        "for now; any other address needs --token-file and TLS (--tls-cert, --tls-key), "
        "which are not built yet"));
  return out;
}

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Bind(kj::AsyncIoContext& io,
                                                                 ServerState& state,
                                                                 const ServeOptions& options,
                                                                 const HttpAddress& a) {
  kj::Own<kj::ConnectionReceiver> listener;
  try {
    auto address = io.provider->getNetwork()
                       .parseAddress(kj::StringPtr(a.host.c_str()), a.port)
                       .wait(io.waitScope);
    listener = address->listen();
  } catch (const kj::Exception& e) {
    return absl::UnavailableError(absl::StrCat("--http ", options.http, ": cannot listen: ",
                                               e.getDescription().cStr()));
  }
  const std::string host = a.host == "::1" ? "[::1]" : a.host;
  std::string address = absl::StrCat("http://", host, ":", listener->getPort());
  return std::unique_ptr<HttpListener>(
      new HttpListener(io, state, options, kj::mv(listener), std::move(address)));
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
                           std::string address)
    : timer_(io.provider->getTimer()),
      table_(TableWith(&last_event_id_)),
      shared_{state,   options.store, options.http_max_header_bytes, options.http_max_body_bytes,
              *table_, last_event_id_, timer_, options.sse_keepalive_seconds},
      listener_(kj::mv(listener)),
      address_(std::move(address)),
      accept_(timer_, "http: ", [this](kj::Own<kj::AsyncIoStream> s) { Add(kj::mv(s)); }),
      tasks_(*this) {}

HttpListener::~HttpListener() noexcept(false) {
  for (uint64_t id : live_)
    ServerLog(absl::StrCat("http connection ", id, " closed: the server is stopping"));
}

// Answers a connection past --max-connections 503, then closes it.
void HttpListener::Refuse(uint64_t id, kj::Own<kj::AsyncIoStream> stream) {
  const std::string why = absl::StrCat(shared_.state.open_connections,
                                       " connections open, the most allowed (--max-connections)");
  ServerLog(absl::StrCat("http connection ", id, " refused: ", why));
  HttpReply reply = ErrorReply(absl::UnavailableError(absl::StrCat("the server has ", why)));
  auto text = kj::heapString(absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: ", reply.body.size(), "\r\n\r\n", reply.body));
  auto& s = *stream;
  tasks_.add(s.write(text.begin(), text.size()).attach(kj::mv(text), kj::mv(stream)));
}

void HttpListener::Add(kj::Own<kj::AsyncIoStream> stream) {
  uint64_t id = ++next_;
  if (!AdmitConnection(shared_.state)) return Refuse(id, kj::mv(stream));
  ServerLog(absl::StrCat("http connection ", id, " opened"));
  // The server goes before the front it uses (members go in reverse).
  struct Connection {
    kj::Own<HttpFront> front;
    kj::Own<kj::HttpServer> server;
  };
  auto c = kj::heap<Connection>();
  c->front = kj::heap<HttpFront>(shared_, id);
  kj::HttpServerSettings settings;
  settings.errorHandler = *c->front;
  c->server = kj::heap<kj::HttpServer>(timer_, *table_, *c->front, settings);
  auto served = c->server->listenHttp(kj::mv(stream));
  live_.insert(id);
  tasks_.add(served.attach(kj::mv(c)).then(
      [this, id] {
        ServerLog(absl::StrCat("http connection ", id, " closed"));
        ReleaseConnection(shared_.state);
        live_.erase(id);
      },
      [this, id](kj::Exception&& e) {
        ServerLog(absl::StrCat("http connection ", id, " closed: ", e.getDescription().cStr()));
        ReleaseConnection(shared_.state);
        live_.erase(id);
      }));
}

void HttpListener::taskFailed(kj::Exception&& e) {
  ServerLog(absl::StrCat("http connection error: ", e.getDescription().cStr()));
}

}  // namespace annals::internal
