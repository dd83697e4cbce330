// What a row of `annals log --format jsonl` carries besides a statement's
// fields: its place in the source log and, for an amendment, what it
// amends. The import reads these to copy or merge stores (issue 17.6).
#ifndef ANNALS_ENGINE_SRC_IO_LOG_ROW_H_
#define ANNALS_ENGINE_SRC_IO_LOG_ROW_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "annals/event.h"
#include "annals/statement.h"

namespace annals::internal {

struct LogRow {
  EventKind kind = EventKind::kStatement;  // "kind"; statement when absent
  uint64_t seq = 0;           // "seq" in the source log; 0 when absent
  std::string recorded_at;    // "recorded_at" as written; empty when absent
  uint64_t target = 0;        // "target": the amended statement's source seq
  std::string target_id;      // "target_id": its id, when the row names it
  std::string reason;         // corrections, retractions
  std::string alias, canonical;  // actor aliases
  std::string event_id;       // a mention: the id of the event it reports
};

// Parses one JSON object as ParseStatementJson (annals/json.h) does, and
// also the keys `log --format jsonl` writes for every event kind into
// *row. For an amendment, `statement` holds the corrected values (empty
// for retractions and aliases) and its id (the amendment's own) is cleared.
absl::Status ParseLogRowJson(std::string_view json, Statement* statement, LogRow* row);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_LOG_ROW_H_
