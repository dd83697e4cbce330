#include "serve/http_front.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "annals/json.h"
#include "annals/time.h"
#include "annals/timeline.h"
#include "model/error_kinds.h"
#include "serve/http_auth.h"
#include "serve/http_catalog.h"
#include "serve/http_params.h"
#include "serve/http_statements.h"
#include "serve/limits.h"
#include "serve/off_loop.h"
#include "serve/search_wire.h"
#include "serve/sse.h"
#include "serve/tcp_address.h"

namespace annals::internal {
namespace {

using Reply = HttpReply;

// Up to `limit` `log --format jsonl` rows from `from` on, and about
// kReplyBytes: {"events":[...],"next_from_seq":N,"head":H}.
absl::StatusOr<std::string> EventsBody(const Engine& e, uint64_t from, uint64_t limit) {
  constexpr uint64_t kChunk = 256;
  std::string body = "{\"events\":[";
  uint64_t n = 0, next = from;
  bool full = false;
  while (n < limit && !full) {
    const uint64_t want = std::min(kChunk, limit - n);
    auto events = e.Read(next, want);
    if (!events.ok()) return events.status();
    for (const Event& ev : *events) {
      auto row = LogRowJson(e, ev);
      if (!row.ok()) return row.status();
      if (n > 0 && body.size() + row->size() > kReplyBytes) {
        full = true;
        break;
      }
      if (n++ > 0) body.push_back(',');
      body += *row;
      next = ev.seq + 1;
    }
    if (events->size() < want) break;  // the head
  }
  absl::StrAppend(&body, "],\"next_from_seq\":", next, ",\"head\":", e.Head(), "}\n");
  return body;
}

// A seq (all digits, as `annals show`) or an id.
absl::StatusOr<std::string> EventBody(const Engine& e, const std::string& which) {
  uint64_t seq = 0;
  if (!which.empty() && which.find_first_not_of("0123456789") == std::string::npos) {
    if (!absl::SimpleAtoi(which, &seq))
      return absl::InvalidArgumentError(absl::StrCat("seq ", which, " is out of range"));
  } else {
    auto found = e.FindById(which);
    if (!found.ok()) return found.status();
    seq = *found;
  }
  auto ev = e.Get(seq);
  if (!ev.ok()) return ev.status();
  auto row = LogRowJson(e, *ev);
  if (!row.ok()) return row.status();
  return *row + "\n";
}

absl::StatusOr<std::string> TimelineBody(Engine& e, TimelineQuery q, const std::string& as_of) {
  if (absl::Status st = AsOfParam(e, as_of, &q.as_of); !st.ok()) return st;
  const bool with_role = q.projection.empty() && q.kind == TimelineKind::kActor;
  auto page = PageOf(e, std::move(q));
  if (!page.ok()) return page.status();
  std::string body = "{\"entries\":[";
  for (size_t i = 0; i < page->entries.size(); ++i) {
    if (i > 0) body.push_back(',');
    body += TimelineEntryToJson(page->entries[i], with_role);
  }
  body += "],\"next_cursor\":";
  if (page->next_cursor.empty()) body += "null";
  else AppendJsonString(page->next_cursor, &body);
  absl::StrAppend(&body, ",\"as_of\":", page->as_of, "}\n");
  return body;
}

// The reply of a body computed on the read pool.
Reply ReplyOf(const absl::StatusOr<std::string>& body) {
  if (!body.ok()) return ErrorReply(body.status());
  Reply r;
  r.body = *body;
  return r;
}

Reply MethodNotAllowed(kj::HttpMethod method, const char* allow) {
  Reply r = ErrorReply(absl::InvalidArgumentError(absl::StrCat(
                           kj::str(method).cStr(), " is not allowed here; this path takes ", allow)),
                       405);
  r.allow = allow;
  return r;
}

// Reads `in` to its end into `out`; false (and stops) past `max` bytes.
kj::Promise<bool> ReadBody(kj::AsyncInputStream& in, std::string& out, size_t max) {
  constexpr size_t kChunk = 64 << 10;
  const size_t old = out.size();
  out.resize(old + kChunk);
  return in.tryRead(out.data() + old, 1, kChunk)
      .then([&in, &out, max, old](size_t n) -> kj::Promise<bool> {
        out.resize(old + n);
        if (n == 0) return true;
        if (out.size() > max) return false;
        return ReadBody(in, out, max);
      });
}

Reply TooBig(size_t max) {
  return ErrorReply(absl::ResourceExhaustedError(absl::StrCat(
                        "the request body is over the server's limit of ", max, " bytes")),
                    413);
}

// The request line for log lines: escaped, and cut.
std::string Loggable(kj::HttpMethod method, kj::StringPtr url) {
  std::string_view u(url.cStr(), std::min<size_t>(url.size(), 200));
  return absl::StrCat(kj::str(method).cStr(), " ", absl::CHexEscape(absl::string_view(u.data(), u.size())),
                      url.size() > 200 ? "..." : "");
}

}  // namespace

kj::Promise<HttpReply> HttpFront::Stats() {
  Engine* e = &s_.state.engine;
  std::string store = s_.store;
  return OffLoop<Reply>(s_.state.reads, [e, store] {
    auto st = e->Stats();
    if (!st.ok()) return ErrorReply(st.status());
    Reply r;
    r.body = StatsToJson(store, *st) + "\n";
    return r;
  });
}

kj::Promise<HttpReply> HttpFront::Events(const HttpTarget& t) {
  if (absl::Status s = CheckParams(t, {"from_seq", "limit"}); !s.ok()) return ErrorReply(s);
  auto from = UintParam(t, "from_seq", 1);
  auto limit = UintParam(t, "limit", kDefaultLimit);
  if (!from.ok()) return ErrorReply(from.status());
  if (!limit.ok()) return ErrorReply(limit.status());
  uint64_t f = std::max<uint64_t>(*from, 1);
  uint64_t n = *limit == 0 ? kMaxReadPerCall : std::min(*limit, kMaxReadPerCall);
  Engine* e = &s_.state.engine;
  return OffLoop<Reply>(s_.state.reads, [e, f, n] { return ReplyOf(EventsBody(*e, f, n)); });
}

kj::Promise<HttpReply> HttpFront::Event(const std::string& which) {
  Engine* e = &s_.state.engine;
  return OffLoop<Reply>(s_.state.reads, [e, which] { return ReplyOf(EventBody(*e, which)); });
}

kj::Promise<HttpReply> HttpFront::Timeline(const HttpTarget& t) {
  return Page(t, TimelineQueryOf(t));
}

kj::Promise<HttpReply> HttpFront::Page(const HttpTarget& t, absl::StatusOr<TimelineQuery> q) {
  if (!q.ok()) return ErrorReply(q.status());
  std::string as_of = Param(t, "as_of").value_or("");
  Engine* e = &s_.state.engine;
  return OffLoop<Reply>(s_.state.reads, [e, q = *std::move(q), as_of]() mutable {
    return ReplyOf(TimelineBody(*e, std::move(q), as_of));
  });
}

kj::Promise<HttpReply> HttpFront::Counts(const HttpTarget& t, const std::string& projection) {
  auto q = CountsQueryOf(t, projection);
  if (!q.ok()) return ErrorReply(q.status());
  std::string as_of = Param(t, "as_of").value_or("");
  const bool named = projection == "actors" || projection == "topics";
  Engine* e = &s_.state.engine;
  return OffLoop<Reply>(s_.state.reads, [e, q = *std::move(q), as_of, named]() mutable {
    return ReplyOf(CountsBody(*e, std::move(q), as_of, named));
  });
}

kj::Promise<HttpReply> HttpFront::Projections() {
  Engine* e = &s_.state.engine;
  return OffLoop<Reply>(s_.state.reads, [e] {
    Reply r;
    r.body = ProjectionsBody(*e);
    return r;
  });
}

kj::Promise<HttpReply> HttpFront::Projection(const HttpTarget& t, const std::string& name) {
  bool counts = false;
  if (auto c = Param(t, "counts"); c.has_value()) {
    auto b = c->empty() ? absl::StatusOr<bool>(true) : BoolParam(t, "counts", false);  // "?counts"
    if (!b.ok()) return ErrorReply(b.status());
    counts = *b;
  }
  if (counts) {
    if (!t.keys.empty())
      return ErrorReply(absl::InvalidArgumentError("counts takes no key= values"));
    return Counts(t, name);
  }
  return Page(t, ProjectionQueryOf(t, name));
}

kj::Promise<HttpReply> HttpFront::Search(const HttpTarget& t, bool may_create) {
  auto q = SearchQueryOf(t);
  if (!q.ok()) return ErrorReply(q.status());
  std::string as_of = Param(t, "as_of").value_or("");
  const Engine* e = &s_.state.engine;
  SearchFollower* f = s_.state.follower;
  // On the slow pool, as over RPC: a first search may build the index.
  return OffLoop<Reply>(s_.state.slow, [e, q = *std::move(q), as_of, may_create, f]() mutable {
    if (absl::Status st = AsOfParam(*e, as_of, &q.as_of); !st.ok()) return ErrorReply(st);
    return ReplyOf(SearchBody(SearchServedStore(*e, q, may_create, f)));
  });
}

kj::Promise<HttpReply> HttpFront::Route(kj::HttpMethod method, const HttpTarget& t) {
  const auto& p = t.path;
  const bool get = method == kj::HttpMethod::GET;
  if (p.size() >= 2 && p[0] == "v1") {
    if (p.size() == 2 && p[1] == "stats") {
      if (!get) return MethodNotAllowed(method, "GET");
      if (absl::Status s = CheckParams(t, {}); !s.ok()) return ErrorReply(s);
      return Stats();
    }
    if (p.size() == 2 && p[1] == "events")
      return get ? Events(t) : MethodNotAllowed(method, "GET");
    if (p.size() == 3 && p[1] == "events") {
      if (!get) return MethodNotAllowed(method, "GET");
      if (absl::Status s = CheckParams(t, {}); !s.ok()) return ErrorReply(s);
      return Event(p[2]);
    }
    if (p.size() == 2 && p[1] == "timeline")
      return get ? Timeline(t) : MethodNotAllowed(method, "GET");
    if (p.size() == 2 && (p[1] == "actors" || p[1] == "topics"))
      return get ? Counts(t, p[1]) : MethodNotAllowed(method, "GET");
    if (p.size() == 2 && p[1] == "projections") {
      if (!get) return MethodNotAllowed(method, "GET");
      if (absl::Status s = CheckParams(t, {}); !s.ok()) return ErrorReply(s);
      return Projections();
    }
    if (p.size() == 3 && p[1] == "projections")
      return get ? Projection(t, p[2]) : MethodNotAllowed(method, "GET");
  }
  std::string path;
  for (const std::string& segment : p) absl::StrAppend(&path, "/", segment);
  return ErrorReply(absl::NotFoundError(
      absl::StrCat("no endpoint ", path.empty() ? "/" : path, " (see docs/HTTP.md)")));
}

kj::Promise<void> HttpFront::request(kj::HttpMethod method, kj::StringPtr url,
                                     const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                                     Response& response) {
  std::string what = Loggable(method, url);
  size_t header_bytes = url.size();
  std::string host, origin, authorization;
  int authorizations = 0;
  headers.forEach([&](kj::StringPtr name, kj::StringPtr value) {
    header_bytes += name.size() + value.size() + 4;
    if (absl::EqualsIgnoreCase(name.cStr(), "host")) host = value.cStr();
    if (absl::EqualsIgnoreCase(name.cStr(), "origin")) origin = value.cStr();
    if (absl::EqualsIgnoreCase(name.cStr(), "authorization")) {
      authorization = value.cStr();
      ++authorizations;
    }
  });
  if (header_bytes > s_.max_header_bytes)
    return Send(response,
                ErrorReply(absl::ResourceExhaustedError(absl::StrCat(
                               "the request target and headers take ", header_bytes,
                               " bytes, over the server's limit of ", s_.max_header_bytes)),
                           431),
                what);
  // HTTPS clients name the server as they like; a page of another site is
  // refused all the same (and could not send the token).
  if (absl::Status local = CheckLoopbackRequest(s_.tokens ? "" : host, origin); !local.ok())
    return Send(response, ErrorReply(local), what);
  bool read_only = false;  // the token's (HTTP on loopback: none)
  if (s_.tokens != nullptr) {
    if (authorizations > 1)
      return Send(response,
                  ErrorReply(absl::InvalidArgumentError("more than one Authorization header")),
                  what);
    // POST /v1/statements is the only change; other methods get their
    // 404 or 405 whatever the token.
    const bool writes = method == kj::HttpMethod::POST;
    if (absl::Status s = CheckBearer(*s_.tokens, authorization, writes, &read_only); !s.ok())
      return Send(response, ErrorReply(s), what);
    if (waiting_ && *waiting_) {
      *waiting_ = false;
      EndLoginWait(s_.state);
    }
  }
  auto target = ParseTarget(std::string_view(url.cStr(), url.size()));
  if (!target.ok()) return Send(response, ErrorReply(target.status()), what);
  if (target->path.size() == 2 && target->path[0] == "v1" && target->path[1] == "subscribe") {
    if (method != kj::HttpMethod::GET)
      return Send(response, MethodNotAllowed(method, "GET"), what);
    return Subscribe(*target, headers, response, what);
  }
  if (target->path.size() == 2 && target->path[0] == "v1" && target->path[1] == "statements") {
    if (method != kj::HttpMethod::POST)
      return Send(response, MethodNotAllowed(method, "POST"), what);
    return Statements(*target, body, response, what);
  }
  if (target->path.size() == 2 && target->path[0] == "v1" && target->path[1] == "search") {
    if (method != kj::HttpMethod::GET)
      return Send(response, MethodNotAllowed(method, "GET"), what);
    return Search(*target, !read_only).then([this, &response, what](HttpReply r) mutable {
      return Send(response, std::move(r), what);
    });
  }
  return Route(method, *target).then([this, &response, what](HttpReply r) mutable {
    return Send(response, std::move(r), what);
  });
}

kj::Promise<void> HttpFront::Send(Response& response, HttpReply reply, const std::string& what) {
  if (reply.status >= 400)
    ServerLog(absl::StrCat(s_.scheme, " connection ", connection_, ": ", what, ": ", reply.status, " ",
                           reply.code));
  kj::HttpHeaders h(s_.table);
  h.set(kj::HttpHeaderId::CONTENT_TYPE, "application/json");
  if (!reply.allow.empty()) h.add("Allow", reply.allow);
  if (reply.status == 401) h.add("WWW-Authenticate", "Bearer realm=\"annals\"");
  auto body = kj::heap<std::string>(std::move(reply.body));
  auto out = response.send(reply.status, ReasonPhrase(reply.status), h, body->size());
  auto written = out->write(body->data(), body->size());
  return written.attach(kj::mv(out), kj::mv(body));
}

kj::Promise<void> HttpFront::Statements(const HttpTarget& target, kj::AsyncInputStream& body,
                                        Response& response, const std::string& what) {
  if (absl::Status s = CheckParams(target, {}); !s.ok())
    return Send(response, ErrorReply(s), what);
  const size_t max = s_.max_body_bytes;
  KJ_IF_MAYBE(length, body.tryGetLength()) {
    if (*length > max) return Send(response, TooBig(max), what);
  }
  auto text = kj::heap<std::string>();
  std::string& buffer = *text;
  return ReadBody(body, buffer, max)
      .then([this, &buffer, max](bool fits) -> kj::Promise<HttpReply> {
        if (!fits) return TooBig(max);
        return OffLoop<StatementLines>(
                   s_.state.reads,
                   [text = std::move(buffer)] { return ParseStatementLines(text); })
            .then([this](StatementLines parsed) { return Append(std::move(parsed)); });
      })
      .attach(kj::mv(text))
      .then([this, &response, what](HttpReply r) mutable {
        return Send(response, std::move(r), what);
      });
}

kj::Promise<HttpReply> HttpFront::Append(StatementLines parsed) {
  using Results = absl::StatusOr<std::vector<AppendResult>>;
  if (parsed.statements.empty()) {
    Reply r;
    r.body = StatementsReplyJson(parsed, {});
    return r;
  }
  auto paf = kj::newPromiseAndCrossThreadFulfiller<Results>();
  s_.state.committer.Submit(std::move(parsed.statements),
                            [ful = kj::mv(paf.fulfiller)](Results r) mutable {
                              ful->fulfill(std::move(r));
                            });
  return paf.promise.then([parsed = std::move(parsed)](Results results) {
    if (!results.ok()) return ErrorReply(results.status());
    Reply r;
    r.body = StatementsReplyJson(parsed, *results);
    return r;
  });
}

kj::Promise<void> HttpFront::Subscribe(const HttpTarget& target, const kj::HttpHeaders& headers,
                                       Response& response, const std::string& what) {
  std::optional<std::string> last_event_id;
  KJ_IF_MAYBE(v, headers.get(s_.last_event_id)) { last_event_id = std::string(v->cStr()); }
  auto request = ParseSseRequest(target, last_event_id);
  if (!request.ok()) return Send(response, ErrorReply(request.status()), what);
  auto matches = SubscriptionMatcher(s_.state.engine, request->filter);
  if (!matches.ok()) return Send(response, ErrorReply(matches.status()), what);
  request->matches = *std::move(matches);
  ServerLog(absl::StrCat(s_.scheme, " connection ", connection_, ": subscribed from seq ",
                         request->from_seq));
  kj::HttpHeaders h(s_.table);
  h.set(kj::HttpHeaderId::CONTENT_TYPE, "text/event-stream");
  h.add("Cache-Control", "no-cache");
  auto out = response.send(200, "OK", h);  // chunked, until the subscription ends
  SubscriptionContext c{s_.state.engine, s_.state.reads,      s_.state.watch,
                        s_.state.max_subscriber_lag, connection_, notes_,
                        nullptr};
  kj::AsyncOutputStream& stream = *out;
  SseKeepalive keepalive;
  if (s_.sse_keepalive_seconds != 0) {
    keepalive.timer = &s_.timer;
    keepalive.every = s_.sse_keepalive_seconds * kj::SECONDS;
  }
  static constexpr char kHello[] = ": subscribed\n\n";  // the headers go out at once
  return stream.write(kHello, sizeof(kHello) - 1)
      .then([c, request = *std::move(request), &stream, keepalive]() mutable {
        return StreamEvents(c, std::move(request), stream, keepalive);
      })
      .attach(kj::mv(out));
}

kj::Promise<void> HttpFront::handleClientProtocolError(kj::HttpHeaders::ProtocolError error,
                                                       Response& response) {
  std::string message(error.description.cStr(), error.description.size());
  return Send(response,
              ErrorReply(absl::InvalidArgumentError(absl::StrCat("bad HTTP: ", message)),
                         error.statusCode),
              "(unparseable request)");
}

kj::Promise<void> HttpFront::handleApplicationError(kj::Exception exception,
                                                    kj::Maybe<Response&> response) {
  if (exception.getType() == kj::Exception::Type::DISCONNECTED) return kj::READY_NOW;
  ServerLog(absl::StrCat(s_.scheme, " connection ", connection_,
                         ": request failed: ", exception.getDescription().cStr()));
  KJ_IF_MAYBE(r, response) {
    return Send(*r, ErrorReply(absl::InternalError("the request failed; see the server's log")),
                "(failed request)");
  }
  return kj::READY_NOW;
}

}  // namespace annals::internal
