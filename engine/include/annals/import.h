// Bulk import of JSON Lines files (one statement object per line).
//
// Every non-blank line ends as exactly one of: imported, duplicate (its id
// is already stored, or appeared earlier in the input), rejected.
#ifndef ANNALS_IMPORT_H_
#define ANNALS_IMPORT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/engine.h"

namespace annals {

// What ImportOptions::on_durable reports (below).
struct ImportProgress;

struct ImportOptions {
  // Import nothing if any line would be rejected. Default false: good lines
  // are imported and bad ones reported. Strict input from a pipe is held in
  // memory to be read twice.
  bool strict = false;

  // Parse and validate only; write nothing. `imported` then counts the
  // lines that would be appended or found duplicate. Default false.
  bool dry_run = false;

  // Statements per WriteBatch. Default 1000; larger batches amortise the
  // per-batch cost, smaller ones show progress sooner.
  size_t batch_size = 1000;

  // Called each time the import has made everything so far durable (with
  // Engine::Sync): after at least `durable_every_bytes` of input since the
  // last call, and once at the end. Everything up to ImportProgress::line is
  // then stored for good (imported, duplicate, or rejected). Default empty:
  // no calls and no syncs beyond the engine's own.
  std::function<void(const ImportProgress&)> on_durable;

  // Input bytes between on_durable calls; each call costs one fsync.
  // Default 8 MiB (the engine's bulk sync interval). Ignored without
  // on_durable.
  uint64_t durable_every_bytes = 8ull << 20;
};

struct ImportSummary {
  uint64_t read = 0;        // non-blank lines read
  uint64_t imported = 0;    // new events appended
  uint64_t duplicates = 0;  // already stored (or repeated in this input)
  uint64_t rejected = 0;    // lines that failed to parse or validate
};

struct ImportProgress {
  uint64_t line = 0;      // last input line (1-based) now durably handled
  ImportSummary summary;  // counts up to `line`
  uint64_t head = 0;      // the log's head, durable
};

struct RejectedLine {
  std::string_view file;  // as given to ImportJsonlFile; "-" for stdin
  uint64_t line = 0;      // 1-based
  std::string reason;     // "field: why"
  std::string_view text;  // the line verbatim, without its newline
};

using RejectSink = std::function<void(const RejectedLine&)>;

// Imports `path` ("-" reads standard input) into `engine` with bulk
// durability, syncing at the end. Calls `on_reject` (may be empty) for each
// rejected line, in input order. Returns the counts; a storage error stops
// the import and is returned (events appended before it stay, each whole).
// kNotFound / kPermissionDenied when the file cannot be opened.
absl::StatusOr<ImportSummary> ImportJsonlFile(Engine& engine,
                                              const std::string& path,
                                              const ImportOptions& options,
                                              const RejectSink& on_reject);

}  // namespace annals

#endif  // ANNALS_IMPORT_H_
