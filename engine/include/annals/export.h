// Export of the log's statements as currently corrected, in formats other
// tools read: JSON Lines (re-importable: importing an export into a fresh
// store and exporting again gives the same bytes), CSV (one column per
// field, attributes flattened to "attr.NAME" columns; pandas.read_csv and R
// read.csv load it) and GDELT 2.0 events (61 tab-separated columns).
#ifndef ANNALS_EXPORT_H_
#define ANNALS_EXPORT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/visibility.h"
#include "annals/time.h"

namespace annals {

enum class ExportFormat : uint8_t { kJsonl = 0, kCsv, kGdelt };

// "jsonl", "csv", "gdelt".
ANNALS_EXPORT const char* ExportFormatName(ExportFormat format);
// The inverse (case-insensitive); kInvalidArgument listing the names.
ANNALS_EXPORT absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view name);

struct ExportOptions {
  ExportFormat format = ExportFormat::kJsonl;  // default JSON Lines

  // Statements whose seq (log position) is in [from_seq, to_seq]. Defaults
  // 1 and 0 (0 = up to the head, or to as_of).
  uint64_t from_seq = 1;
  uint64_t to_seq = 0;

  // The log as it stood at this seq: later statements, corrections and
  // retractions are ignored, so the output never changes however much is
  // appended later. Default absent: the head (read once, at the start).
  std::optional<uint64_t> as_of;

  // Only statements whose current (corrected) occurred_at lies in
  // [from, to], as timelines bound them: from.micros <= occurred_at.micros
  // <= EndOfPeriod(to) (annals/time.h); an absent bound is open. Default
  // both absent.
  Timestamp from;
  Timestamp to;

  // Also write retracted statements (their last values). Default false.
  bool include_retracted = false;

  // csv: write every cell CsvCell::kSpreadsheetSafe. Default false (raw).
  bool spreadsheet_safe = false;

  // kGdelt only. GDELT's rows are keyed by GLOBALEVENTID, a number: only
  // statements imported from GDELT (id "gdelt:<digits>") have one, and any
  // number made up for the others could be a real GDELT event's (importing
  // the file would then collide with it). So by default an export that
  // would hold other statements is refused before anything is written;
  // with gdelt_only they are left out and counted (ExportSummary::skipped).
  bool gdelt_only = false;
};

struct ExportSummary {
  uint64_t written = 0;    // statements written
  uint64_t corrected = 0;  // of them, shown with a correction applied
  uint64_t retracted = 0;  // retracted statements in range (written only
                           // with include_retracted)
  uint64_t as_of = 0;      // the seq the export is as of
  uint64_t skipped = 0;    // gdelt_only: statements left out, not from GDELT
};

// Receives the output, a few lines at a time, in order. A non-OK return
// stops the export and is returned.
using ExportSink = std::function<absl::Status(std::string_view text)>;

// Writes the statements in order of seq. Row shapes:
//  - jsonl: the fields of annals/json.h (id, speaker, targets, verb, code,
//    event_type, topics, content, quote, occurred_at, source, attributes);
//    no seq or recorded_at, which a store assigns. A content id ("h:...")
//    is the content id of the values written (a corrected statement's
//    differs from the one its store keeps), so re-importing is exact.
//  - csv: a header row, then id, speaker, targets and topics (joined with
//    ";"), verb, code, event_type, content, quote, occurred_at,
//    source_outlet, source_url, source_published_at, source_via, then one
//    "attr.NAME" column per attribute name found in the range, in order of
//    first appearance (empty where a statement lacks it).
//  - gdelt: GDELT 2.0's 61 columns, no header, only statements imported
//    from GDELT (see ExportOptions::gdelt_only), which come back as their
//    original rows (current values where corrected). A column is the
//    statement's attribute of that name; without one (a 1.0 row has no ADM2
//    codes) MonthYear, Year, FractionDate, EventBaseCode, EventRootCode,
//    QuadClass and GoldsteinScale are derived from the date and the CAMEO
//    codebook, others left empty. Tabs and line ends inside values become
//    spaces.
// Reads a consistent view: kOutOfRange if as_of is beyond the head;
// kInvalidArgument if [from, to] is empty (CheckRange) or to_seq is set and
// below from_seq, and, before any output, for a gdelt export that would hold
// statements not from GDELT without gdelt_only.
ANNALS_EXPORT absl::StatusOr<ExportSummary> Export(const Engine& engine, const ExportOptions& options,
                                     const ExportSink& out);

// The current view Export writes, one statement at a time in seq order:
// `entry.event` is the statement as logged (seq, id, recorded_at) with
// `statement` holding its values as of the point (its latest correction's,
// under the original id; names as written, no alias applied), `status` and
// `version_seq` as a timeline's. Retracted statements only with
// options.include_retracted. `format`, `spreadsheet_safe` and `gdelt_only`
// are ignored. A non-OK return of `fn` stops the walk and is returned.
// Errors and the summary (written = statements passed to fn) as Export's.
using CurrentStatementSink = std::function<absl::Status(const TimelineEntry& entry)>;
ANNALS_EXPORT absl::StatusOr<ExportSummary> ForEachCurrentStatement(
    const Engine& engine, const ExportOptions& options, const CurrentStatementSink& fn);

// How AppendCsvField writes a cell's text.
enum class CsvCell : uint8_t {
  kRaw = 0,  // the text as it is: CSV is data
  // OWASP's rule against CSV formula injection: a cell beginning with "=",
  // "+", "-", "@", TAB or CR, which a spreadsheet would run as a formula
  // (=HYPERLINK(...), +cmd|...), gets a leading "'", which spreadsheets show
  // as text and do not display. A plain number ("-12", "+3.5") is left
  // alone: it cannot be a formula.
  kSpreadsheetSafe = 1,
};

// True when kSpreadsheetSafe prefixes `v`.
ANNALS_EXPORT bool NeedsFormulaGuard(std::string_view v);

// Appends `v` to `out` as one RFC 4180 CSV field: as is, or in double
// quotes (inner quotes doubled) when it holds a comma, quote, CR or LF;
// first prefixed with "'" if `how` is kSpreadsheetSafe and
// NeedsFormulaGuard(v). The csv export writes every field this way.
ANNALS_EXPORT void AppendCsvField(std::string_view v, std::string* out, CsvCell how = CsvCell::kRaw);

}  // namespace annals

#endif  // ANNALS_EXPORT_H_
