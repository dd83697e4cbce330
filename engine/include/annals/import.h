// Bulk import of the field's event formats into a store: JSON Lines
// statements, CSV with a header row, GDELT 1.0/2.0 events, ICEWS coded
// events, PLOVER/POLECAT JSON. Plain, .gz and .zip files are read directly.
//
// Nothing is lost silently: every input row ends as exactly one of imported,
// duplicate (its id is already stored, or appeared earlier in the input,
// with the same values) or rejected, and read == imported + duplicates +
// rejected (+ held_back under strict). Each rejected row is handed to the
// RejectSink with its line and a reason; a row whose id is already taken by
// a different statement is rejected, not counted as a duplicate.
//
// How each format maps to a Statement:
//  - GDELT events: rows of 57, 58 or 61 tab-separated columns, no header,
//    each row read by its own column count (files of both versions may be
//    concatenated); or a header row naming the columns (tab-separated, or
//    CSV as BigQuery exports write it; any order, any selection holding
//    GLOBALEVENTID, SQLDATE, EventCode and Actor1Name or Actor2Name). Id
//    "gdelt:<GLOBALEVENTID>"; speaker Actor1Name; target Actor2Name; code
//    EventCode; verb the CAMEO description of the code (cameo.h); occurred_at
//    SQLDATE (day); source.url SOURCEURL; source.published_at DATEADDED (day
//    in 1.0, second in 2.0); every other non-empty column an attribute under
//    its codebook name.
//  - ICEWS (tab-separated, header row): id "icews:<Event ID>:<Event Date>";
//    speaker Source Name; target Target Name; verb Event Text; code CAMEO
//    Code; occurred_at Event Date; source.outlet Publisher; the other
//    non-empty columns attributes under their header names.
//  - PLOVER/POLECAT (a JSON array of records, or one record per line): id
//    "plover:<id>"; speaker the first source/actor's actorText, targets the
//    target/recipient actorTexts; verb eventText; event_type event; quote
//    text; topics context (split on ","); occurred_at date; source.outlet
//    publication; code a "cameo"/"cameo_code" field; everything else (mode,
//    actor codes, nested objects flattened with ".", list items as [i])
//    attributes.
//  - CSV (RFC 4180, header row, UTF-8 with or without BOM): columns named
//    like the JSON Lines fields (id, speaker, targets, verb, code,
//    event_type, topics, content, quote, occurred_at, source.outlet,
//    source.url, source.published_at, source.via) set them (targets and
//    topics split on ";"); "attr.NAME" columns and any other columns become
//    attributes (NAME, or the column name).
//  - JSON Lines: see json.h.
//  - aliases (named only, never detected; `annals alias --file`): CSV whose
//    header names "alias" and "canonical" (any case and order); each row
//    appends an alias event (Engine::Alias), its other non-empty columns
//    the event's attributes ("attr." stripped) with import.file and
//    import.line; "import.file"/"import.line" columns are refused.
// Every imported statement records its provenance in attributes
// "import.format", "import.file" (the file's base name) and "import.line"
// (the row's first line; "import.record", the 1-based record index, for
// JSON arrays) -- unless the row already carries an "import.format"
// attribute (an export being re-imported), whose provenance is kept.
// JSON Lines rows of `annals log --format jsonl` (EventToJson) import
// whatever their kind: every event also records the source's
// "import.source_seq" and "import.source_recorded_at" (unless present; a
// retraction or an alias in attributes of its own, Event::statement's);
// corrections and retractions find their target by id -- the row's
// "target_id", or, for rows without one (logs of older versions), the id
// of the statement the input gave seq "target" (seqs are tracked only
// until the first row with a target_id) --
// and are rejected with kind "unknown target" when no statement has it,
// in the store or earlier in the input, and with kind "id taken" when the
// input's statement with that id was itself rejected as "id taken" (the id
// then names a different statement, which is never amended). An amendment
// the store refuses is rejected with kind "target retracted" (by the store
// or by a retraction earlier in the input), "no change" (a correction to
// the values its target has then), "alias cycle" or "invalid"; strict's
// first pass checks each amendment as the append will, after the input's
// earlier rows, so that it writes all or nothing. Re-importing adds nothing.
#ifndef ANNALS_IMPORT_H_
#define ANNALS_IMPORT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/visibility.h"

namespace annals {

enum class ImportFormat : uint8_t {
  kAuto = 0,  // decide by content: see DetectImportFormat
  kJsonl,
  kCsv,
  kGdelt,
  kIcews,
  kPlover,
  kAliases,  // CSV of actor aliases (alias,canonical); never detected
  kGdeltMentions,  // GDELT 2.0 mentions: mention events (annals/mention.h)
};

// "auto", "jsonl", "csv", "gdelt", "icews", "plover", "aliases",
// "gdelt-mentions".
ANNALS_EXPORT const char* ImportFormatName(ImportFormat format);

// The inverse of ImportFormatName: exactly those names. kInvalidArgument
// listing them otherwise, with a hint for near misses ("json": jsonl or
// plover?).
ANNALS_EXPORT absl::StatusOr<ImportFormat> ParseImportFormat(std::string_view name);

// What to do with a row that is not valid UTF-8.
enum class InvalidUtf8 : uint8_t {
  kReject = 0,  // reject the row, saying where the bad bytes are
  kRepair,      // replace each bad sequence with U+FFFD and import the row;
                // the repair is reported through ImportOptions::on_repair
};

struct RejectedLine {
  std::string_view file;  // as given to ImportFile; "-" for stdin
  uint64_t line = 0;      // 1-based line the row starts on
  std::string reason;     // e.g. "SQLDATE: unparseable date \"2014-02\" (expected YYYYMMDD)"
  std::string_view text;  // the row verbatim, without its newline
  // What the reason is about, for grouping (not for display): the field
  // ("speaker", "SQLDATE", "attributes", ...) or the kind of problem
  // ("column count", "truncated", "invalid UTF-8", "over-long row", "id
  // taken", "quoting", "invalid", "unknown target", "target retracted",
  // "no change", "alias cycle").
  std::string kind;
};

using RejectSink = std::function<void(const RejectedLine&)>;

struct ImportProgress {
  uint64_t bytes_done = 0;   // of the file as stored (compressed for .gz)
  uint64_t bytes_total = 0;  // 0 when unknown (standard input)
  uint64_t rows = 0;         // rows read so far
};

// What ImportOptions::on_durable reports.
struct DurableProgress {
  uint64_t line = 0;        // last input line (1-based) now durably handled
  uint64_t imported = 0;    // new events appended so far from this file
  uint64_t duplicates = 0;  // rows found already stored so far
  uint64_t head = 0;        // the log's head, durable
};

struct ImportOptions {
  // The input's format. Default kAuto: decided from the first bytes (after
  // decompression), never from the file name alone. A named format that the
  // file does not match fails at once with kInvalidArgument saying what was
  // expected and what was found.
  ImportFormat format = ImportFormat::kAuto;

  // Import nothing if any row would be rejected. Default false: good rows
  // are imported and bad ones reported. Costs a second pass over the file
  // (input that can be read only once, e.g. a pipe, is copied to a
  // temporary file for it: see ImportInput).
  bool strict = false;

  // Parse and validate only; write nothing. `imported` then counts the rows
  // that would be appended or found duplicate. Default false.
  bool dry_run = false;

  // Statements per WriteBatch. Default 1000; larger batches amortise the
  // per-batch cost, smaller ones show progress sooner.
  size_t batch_size = 1000;

  // Rows with invalid UTF-8. Default kReject: nothing is altered silently.
  InvalidUtf8 invalid_utf8 = InvalidUtf8::kReject;

  // Add the import.* provenance attributes. Default true.
  bool provenance = true;

  // Called on the calling thread about every 64 KiB of input and at the
  // end. Default empty.
  std::function<void(const ImportProgress&)> on_progress;

  // Called for each row imported after a UTF-8 repair (kRepair), with the
  // reason saying what was replaced. Default empty.
  RejectSink on_repair;

  // Called each time the import has made everything so far durable (with
  // Engine::Sync): after at least `durable_every_bytes` of input since the
  // last call, and once at the end. Every row up to DurableProgress::line is
  // then handled for good (stored, found duplicate, or rejected). Called on
  // the import's appending thread. Default empty: no calls and no syncs
  // beyond the engine's own. Not called in a dry run.
  std::function<void(const DurableProgress&)> on_durable;

  // Input bytes between on_durable calls; each call costs one fsync.
  // Default 8 MiB (the engine's bulk sync interval). Ignored without
  // on_durable.
  uint64_t durable_every_bytes = 8ull << 20;
};

struct ImportSummary {
  std::string file;                          // as given
  ImportFormat format = ImportFormat::kAuto;  // the format used (detected)
  uint64_t read = 0;        // rows read (a header row is not counted)
  uint64_t imported = 0;    // new events appended
  uint64_t duplicates = 0;  // already stored (or repeated in this input)
  uint64_t rejected = 0;    // rows that failed to parse or validate
  uint64_t held_back = 0;   // strict only: valid rows not imported because
                            // others were rejected (read == imported +
                            // duplicates + rejected + held_back)
  uint64_t repaired = 0;    // of imported + duplicates: rows whose invalid
                            // UTF-8 was replaced (InvalidUtf8::kRepair)
};

namespace internal {
class ImportInputReader;
}  // namespace internal

// An input of ImportFile, opened on its own, so that a program can open
// every input before it opens the store (a FIFO blocks in open(2) until a
// writer comes, and must not hold the store's lock meanwhile), compare the
// inputs with its outputs, and have ImportOptions::strict read input twice
// that can only be read once. Not thread-safe; destroy it after the
// ImportFile calls that use it.
class ANNALS_EXPORT ImportInput {
 public:
  // Where a file lives: equal ids are the same file, whatever its names.
  struct FileId {
    uint64_t device = 0;
    uint64_t inode = 0;
    bool operator==(const FileId&) const = default;
  };

  // Opens `path` ("-": standard input). With `rereadable`, input that can
  // be read only once (a pipe, a FIFO, a terminal, a socket) is first
  // copied to an unnamed temporary file in $TMPDIR (else /tmp), which
  // disappears when this object is destroyed or the process ends, however
  // it ends. Regular files are always rereadable. Errors: kNotFound /
  // kPermissionDenied when it cannot be opened; kInvalidArgument for a
  // directory; kResourceExhausted (disk full) or kDataLoss when the copy
  // fails.
  static absl::StatusOr<std::unique_ptr<ImportInput>> Open(const std::string& path,
                                                           bool rereadable);
  ~ImportInput();
  ImportInput(const ImportInput&) = delete;
  ImportInput& operator=(const ImportInput&) = delete;

  const std::string& path() const;
  // The file opened (for standard input, what it is redirected from).
  FileId file_id() const;
  // Whether ImportFile can read it more than once.
  bool rereadable() const;

 private:
  friend class internal::ImportInputReader;
  struct Impl;
  explicit ImportInput(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Imports `input` as ImportFile(engine, path, ...) below imports its path.
// kFailedPrecondition when `options.strict` (and not dry_run) and the input
// is not rereadable, or it was read already and is not rereadable.
ANNALS_EXPORT absl::StatusOr<ImportSummary> ImportFile(Engine& engine, ImportInput& input,
                                         const ImportOptions& options,
                                         const RejectSink& on_reject = {});

// Imports `path` ("-" reads standard input) into `engine` with bulk
// durability, syncing at the end and then flushing RocksDB's memtables when
// it appended anything (so the import does not live in the write-ahead log
// alone, and the next open replays nothing). Parsing runs on the calling thread and
// overlaps with the appends (one helper thread): `on_reject`, on_progress
// and on_repair are called on the calling thread, rejects in input order;
// on_durable on the appending thread (so while the others may run; its
// last call, at the end, on the calling thread). Errors: kNotFound / kPermissionDenied when the file cannot be
// opened; kInvalidArgument when it is not in the named format (or, with
// kAuto, in none), or its compressed data is damaged; a storage error stops
// the import and is returned (events appended before it stay, each whole).
ANNALS_EXPORT absl::StatusOr<ImportSummary> ImportFile(Engine& engine, const std::string& path,
                                         const ImportOptions& options,
                                         const RejectSink& on_reject = {});

// After a large import (all files of it), leaves the store compact for the
// readers that follow: waits until every projection has applied the head,
// flushes, and waits until RocksDB has finished the flushes and compactions
// the import started, at most `limit` (then returns OK all the same: the
// store is whole, only less compact). A one-shot query on a store left
// with many level-0 table files reads each one's index, about a third
// more CPU at 1M statements (bench/RESULTS.md). OK at once for a
// read-only engine. Errors: a storage error.
ANNALS_EXPORT absl::Status SettleAfterImport(Engine& engine,
                                             absl::Duration limit = absl::Minutes(10));

// ImportFile with options.format = kJsonl (kept for existing callers).
ANNALS_EXPORT absl::StatusOr<ImportSummary> ImportJsonlFile(Engine& engine,
                                              const std::string& path,
                                              const ImportOptions& options,
                                              const RejectSink& on_reject);

// The format of a file that starts with `head` (its first bytes after
// decompression, 64 KiB is plenty): a JSON array -> plover; JSON objects per
// line -> jsonl, or plover when the first has PLOVER's keys (event,
// eventText, source/actor); a tab-separated first line of 57, 58 or 61
// columns starting with a number, or a header row naming GDELT's event
// columns (tab- or comma-separated) -> gdelt; a tab-separated header with
// "Event ID" and "CAMEO Code" -> icews; another comma-separated header ->
// csv. kInvalidArgument describing the first line when none fits, or
// naming a GDELT file annals does not import (mentions, GKG).
ANNALS_EXPORT absl::StatusOr<ImportFormat> DetectImportFormat(std::string_view head);

}  // namespace annals

#endif  // ANNALS_IMPORT_H_
