// POST /v1/statements (docs/HTTP.md): a JSON Lines body, each line parsed
// as `annals import` parses a JSON Lines statement (ParseStatementJson,
// then Validate), the valid ones appended through the committer (group
// commit) in one batch, and an answer per line with import's accounting.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_STATEMENTS_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_STATEMENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "annals/engine.h"
#include "annals/statement.h"

namespace annals::internal {

struct StatementLines {
  uint64_t read = 0;                  // non-blank lines
  std::vector<Statement> statements;  // the valid ones, in order
  std::vector<uint64_t> lines;        // the 1-based line of each
  struct Reject {
    uint64_t line = 0;
    absl::Status why;  // kInvalidArgument "FIELD: reason"
  };
  std::vector<Reject> rejects;
};

// Splits `body` at newlines (a line may end "\r\n"); blank lines are
// skipped and not counted. Linear in the body.
StatementLines ParseStatementLines(std::string_view body);

// {"read":N,"stored":S,"duplicates":D,"rejected":R,"results":[...]}: a
// result per non-blank line, in order: {"line":L,"seq":Q,"duplicate":B}
// or {"line":L,"error":{"code":...,"message":...}}. `results` belong to
// parsed.statements.
std::string StatementsReplyJson(const StatementLines& parsed,
                                const std::vector<AppendResult>& results);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_STATEMENTS_H_
