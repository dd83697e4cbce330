// Event output formats shared by `log` and `show`: table (fits a 100-column
// terminal), jsonl (annals/json.h), csv (RFC 4180, header row). Events that
// amend others show what they amend: jsonl and csv have target and reason
// (corrections, retractions), alias and canonical (aliases), as EventToJson
// names them; the table's content column reads "[corrects SEQ] content",
// "[retracts SEQ] reason" or "ALIAS = CANONICAL", and `show` lists them.
#ifndef ANNALS_TOOLS_CLI_OUTPUT_H_
#define ANNALS_TOOLS_CLI_OUTPUT_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "annals/engine.h"
#include "annals/event.h"
#include "annals/export.h"
#include "annals/timeline.h"

namespace annals::cli {

class EventWriter {
 public:
  virtual ~EventWriter() = default;
  virtual void Write(const Event& e) = 0;
  // Called once after the last event (also when there were none).
  virtual void Finish() {}
  // The first error met reading what a row needs (target_id); OK if none.
  virtual absl::Status status() const { return absl::OkStatus(); }
};

// How --spreadsheet-safe writes CSV cells: CsvCell::kSpreadsheetSafe
// prefixes with ' a cell a spreadsheet would run as a formula.
CsvCell CellRule(bool spreadsheet_safe);

// One CSV row (RFC 4180: fields quoted as needed, CRLF), each cell `how`.
std::string CsvRow(const std::vector<std::string>& cells, CsvCell how);

// `format` is one of "table", "jsonl", "csv"; `detail` selects the vertical
// one-event-per-block layout used by `show` for "table"; `spreadsheet_safe`
// writes csv cells CsvCell::kSpreadsheetSafe (annals/export.h). With
// `engine`, jsonl rows of corrections and retractions carry target_id, the
// id of the statement they amend (AmendedStatementId, annals/json.h).
//
// Text in the table and detail layouts is escaped for the terminal
// (terminal.h); jsonl is JSON-escaped; csv is raw data.
std::unique_ptr<EventWriter> NewEventWriter(const std::string& format, bool detail,
                                            std::FILE* out, bool spreadsheet_safe = false,
                                            const Engine* engine = nullptr);

// `show`'s layout: one block per event, one field per line, every key in
// full (the key column is as wide as the widest key, up to 32 columns; a
// longer key has its value on the next line), values word-wrapped to 100
// columns.
std::unique_ptr<EventWriter> NewDetailWriter(std::FILE* out);

// The column names of the csv format, in order: seq, recorded_at, kind,
// id, then each field's column (annals/fields.h); for `log` and `show`
// followed by target, reason, alias, canonical.
std::vector<std::string> CsvColumns();

// Timeline rows (`timeline`, `projection query`): the event formats plus the
// entry's status ("active", "corrected", "retracted") and, with `with_role`
// (actor timelines), how the actor appears ("speaker", "target", "both").
// jsonl: EventToJson of the event with "status" (and "role") added last;
// csv: CsvColumns() then status (and role); table: the `log` columns, with
// "[corrected] " or "[retracted] " before the content.
class TimelineWriter {
 public:
  virtual ~TimelineWriter() = default;
  void Write(const TimelineEntry& e) { WriteRow(e, EntryStatusName(e.status)); }
  // A `timeline --follow` row for a statement a correction took out of the
  // timeline: its new values, status "left".
  void WriteLeft(const TimelineEntry& e) { WriteRow(e, "left"); }
  // Called once after the last entry (also when there were none).
  virtual void Finish() {}

 protected:
  // One row; `status` is its status word ("active", "corrected", ...).
  virtual void WriteRow(const TimelineEntry& e, const char* status) = 0;
};

std::unique_ptr<TimelineWriter> NewTimelineWriter(const std::string& format,
                                                  bool with_role, std::FILE* out,
                                                  bool spreadsheet_safe = false);


// `s` escaped for the terminal (EscapeForTerminal), then cut to `width`
// terminal columns (a trailing "…" when cut) and padded with spaces to
// `width` if `pad`.
std::string FitColumns(std::string_view s, int width, bool pad);

// Terminal columns taken by `s` (text already escaped for the terminal).
int DisplayWidth(std::string_view s);

// CSV fields are written with annals::AppendCsvField (annals/export.h).

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_OUTPUT_H_
