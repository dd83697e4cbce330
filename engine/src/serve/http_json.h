// The JSON bodies of the HTTP/JSON front (docs/HTTP.md). Events are
// EventToJson (annals/json.h), exactly the rows of `annals log --format
// jsonl`; timeline entries are the rows of `annals timeline --format jsonl`.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_JSON_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "annals/engine.h"
#include "annals/timeline.h"

namespace annals::internal {

// An answer: HTTP status and JSON body (one object, then "\n").
struct HttpReply {
  unsigned status = 200;
  std::string body;
  std::string allow;  // for 405: the methods the path takes
  std::string code;   // errors: the canonical code ("NOT_FOUND"), for the log
};

// The HTTP status for an error status: 400 kInvalidArgument/kOutOfRange,
// 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409 kAlreadyExists/kFailedPrecondition/kAborted, 429
// kResourceExhausted, 503 kUnavailable, 500 otherwise.
unsigned HttpStatusOf(const absl::Status& status);

// The error's reason phrase ("Not Found").
const char* ReasonPhrase(unsigned http_status);

// {"code":"NOT_FOUND","message":"...","kind":"store_damaged"}; "kind" only
// when the status carries one (annals/status.h): store_in_use, no_store,
// store_not_writable, wal_damaged, store_damaged, or, with "index", a bad
// statement of a batch. `http_status` 0: HttpStatusOf(status).
HttpReply ErrorReply(const absl::Status& status, unsigned http_status = 0);


// EventToJson(event, id of the statement it amends): a `log --format
// jsonl` row without its newline. Errors as AmendedStatementId.
absl::StatusOr<std::string> LogRowJson(const Engine& engine, const Event& event);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_JSON_H_
