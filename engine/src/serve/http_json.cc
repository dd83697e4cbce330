#include "serve/http_json.h"

#include "absl/strings/str_cat.h"
#include "annals/json.h"
#include "annals/status.h"
#include "annals/time.h"

namespace annals::internal {

unsigned HttpStatusOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

const char* ReasonPhrase(unsigned http_status) {
  switch (http_status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return http_status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

namespace {

// The kind annals/status.h reads from `status`, or "".
const char* KindOf(const absl::Status& status) {
  if (IsStoreInUse(status)) return "store_in_use";
  if (IsNoStore(status)) return "no_store";
  if (IsStoreNotWritable(status)) return "store_not_writable";
  if (IsWalDamaged(status)) return "wal_damaged";
  if (IsStoreDamaged(status)) return "store_damaged";
  if (BadStatementIndex(status).has_value()) return "bad_statement";
  return "";
}

}  // namespace

HttpReply ErrorReply(const absl::Status& status, unsigned http_status) {
  HttpReply r;
  r.status = http_status != 0 ? http_status : HttpStatusOf(status);
  r.code = absl::StatusCodeToString(status.code());
  r.body = "{\"code\":";
  AppendJsonString(absl::StatusCodeToString(status.code()), &r.body);
  r.body += ",\"message\":";
  AppendJsonString(std::string_view(status.message().data(), status.message().size()), &r.body);
  if (const char* kind = KindOf(status); *kind != '\0') {
    r.body += ",\"kind\":";
    AppendJsonString(kind, &r.body);
    if (auto index = BadStatementIndex(status); index.has_value())
      absl::StrAppend(&r.body, ",\"index\":", *index);
  }
  r.body += "}\n";
  return r;
}

absl::StatusOr<std::string> LogRowJson(const Engine& engine, const Event& event) {
  auto target_id = AmendedStatementId(engine, event);
  if (!target_id.ok()) return target_id.status();
  return EventToJson(event, *target_id);
}


}  // namespace annals::internal
