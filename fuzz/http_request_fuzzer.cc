// The HTTP/JSON front's request parsing (engine/src/serve/http_target.h,
// http_params.h, sse.h, http_server.h): the first line of the input is a
// request target, the second a Last-Event-ID, the rest an --http address
// and, the same bytes, a POST /v1/statements body (JSON Lines) and an
// HTTPS Authorization header (http_auth.h). Never a
// crash or undefined behaviour; a parsed target's path and query,
// percent-encoded byte by byte again, parse to the same target; whatever
// parses into a query or subscription is within what the endpoints take;
// every non-blank body line is a valid statement or a reject, in order;
// a bearer token is admitted exactly when a brute-force reading of the
// header finds a listed one, and a read-only one only reads.
// (The wiring, raw bytes over a socket to a real server, is
// tests/tools/serve_http_test.cc's BadHttp test.)
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "fuzz_target.h"
#include "serve/http_auth.h"
#include "serve/http_params.h"
#include "serve/http_server.h"
#include "serve/http_statements.h"
#include "serve/http_target.h"
#include "serve/sse.h"
#include "serve/tokens.h"

namespace {

using annals::internal::HttpTarget;

std::string Encode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

void CheckRoundTrip(const HttpTarget& t) {
  std::string again;
  for (const std::string& segment : t.path) again += "/" + Encode(segment);
  if (again.empty()) again = "/";
  char sep = '?';
  for (const auto& [name, value] : t.query) {
    again += sep + Encode(name) + "=" + Encode(value);
    sep = '&';
  }
  auto parsed = annals::internal::ParseTarget(again);
  ANNALS_FUZZ_CHECK(parsed.ok());
  ANNALS_FUZZ_CHECK(parsed->query == t.query);
  // An empty last segment ("/a/", "//") is not kept; others are.
  if (t.path.empty() || !t.path.back().empty()) ANNALS_FUZZ_CHECK(parsed->path == t.path);
}

void CheckBody(const std::string& body) {
  const annals::internal::StatementLines parsed = annals::internal::ParseStatementLines(body);
  ANNALS_FUZZ_CHECK(parsed.read == parsed.statements.size() + parsed.rejects.size());
  ANNALS_FUZZ_CHECK(parsed.lines.size() == parsed.statements.size());
  for (size_t i = 0; i < parsed.statements.size(); ++i) {
    ANNALS_FUZZ_CHECK(annals::Validate(parsed.statements[i]).ok());
    ANNALS_FUZZ_CHECK(i == 0 || parsed.lines[i] > parsed.lines[i - 1]);
  }
  for (size_t i = 0; i < parsed.rejects.size(); ++i) {
    ANNALS_FUZZ_CHECK(!parsed.rejects[i].why.ok() && parsed.rejects[i].line >= 1);
    ANNALS_FUZZ_CHECK(i == 0 || parsed.rejects[i].line > parsed.rejects[i - 1].line);
  }
}

void CheckBearer(const std::string& header) {
  static const annals::internal::Tokens tokens = *annals::internal::Tokens::Parse(
      "0123456789abcdef-writer\n0123456789abcdef-reader read-only\n", "fuzz");
  std::string token;  // the model: "Bearer " in any case, then the token
  const bool bearer = header.size() >= 7 && absl::AsciiStrToLower(header.substr(0, 7)) == "bearer ";
  if (bearer) token = std::string(absl::StripAsciiWhitespace(header.substr(7)));
  const bool writer = bearer && token == "0123456789abcdef-writer";
  const bool reader = bearer && token == "0123456789abcdef-reader";
  for (bool writes : {false, true}) {
    const absl::Status s = annals::internal::CheckBearer(tokens, header, writes);
    if (writer || (reader && !writes)) ANNALS_FUZZ_CHECK(s.ok());
    else if (reader) ANNALS_FUZZ_CHECK(absl::IsPermissionDenied(s));
    else ANNALS_FUZZ_CHECK(absl::IsUnauthenticated(s));
  }
}

void FuzzRequest(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string target = text.substr(0, nl);
  std::string rest = nl == std::string::npos ? "" : text.substr(nl + 1);
  size_t nl2 = rest.find('\n');
  std::optional<std::string> last_event_id;
  if (nl != std::string::npos && nl2 != 0) last_event_id = rest.substr(0, nl2);
  std::string address = nl2 == std::string::npos ? "" : rest.substr(nl2 + 1);

  auto t = annals::internal::ParseTarget(target);
  if (t.ok()) {
    CheckRoundTrip(*t);
    auto q = annals::internal::TimelineQueryOf(*t);
    if (q.ok()) {
      ANNALS_FUZZ_CHECK(!q->name.empty());
      ANNALS_FUZZ_CHECK(annals::CheckRange(q->from, q->to).ok());
    }
    auto sse = annals::internal::ParseSseRequest(*t, last_event_id);
    if (sse.ok()) ANNALS_FUZZ_CHECK(sse->filter.actors.size() <= 1);
    if (sse.ok()) ANNALS_FUZZ_CHECK(sse->filter.key.empty() || !sse->filter.projection.empty());
    auto search = annals::internal::SearchQueryOf(*t);
    if (search.ok()) ANNALS_FUZZ_CHECK(!search->text.empty());
  }
  auto a = annals::internal::ParseLoopbackAddress(address, "--http");
  if (a.ok())
    ANNALS_FUZZ_CHECK(a->host == "::1" || a->host.rfind("127.", 0) == 0);
  CheckBody(address);
  CheckBearer(address);
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzRequest)
