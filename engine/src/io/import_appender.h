// The writing side of an import (io/import_file.cc): the thread that
// appends parsed batches while parsing goes on, and the conflict check of
// passes that write nothing.
#ifndef ANNALS_ENGINE_SRC_IO_IMPORT_APPENDER_H_
#define ANNALS_ENGINE_SRC_IO_IMPORT_APPENDER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "annals/engine.h"
#include "annals/import.h"

namespace annals::internal {

class EngineServices;

// A correction, retraction or alias read from a log, its target (for the
// first two) named by id so that it survives renumbering.
struct Amendment {
  EventKind kind = EventKind::kCorrection;
  std::string target_id;
  std::string reason;
  std::string alias, canonical;
};

// Rows waiting to be appended, with what a report about them needs.
// A batch with `amend` holds that one amendment (statements[0] the
// corrected values for a correction).
struct Batch {
  std::optional<Amendment> amend;
  // Not empty: a batch of mentions, event_ids[i] the event mention i
  // reports (statements[i] holds its source and attributes).
  std::vector<std::string> event_ids;
  std::vector<Statement> statements;  // each has passed Validate
  std::vector<std::string> ids;       // EffectiveId of each
  std::vector<uint64_t> lines;
  std::string texts;               // the rows verbatim, back to back
  std::vector<size_t> text_ends;   // end offset of row i in `texts`
  std::string_view text(size_t i) const {
    size_t b = i == 0 ? 0 : text_ends[i - 1];
    return std::string_view(texts).substr(b, text_ends[i] - b);
  }
};

// A row whose id is stored already, but for a different statement.
// Or an amendment the store refuses (its target unknown or retracted).
// The reasons an amendment's target is refused, shared by both passes.
std::string UnknownTargetReason(const std::string& target_id);
std::string TakenTargetReason(const std::string& target_id);

// The reject kind of an amendment the store (or the dry pass, io/
// amend_check.h) refuses: the error's subject (model/amend_checks.h), else
// by its code; "" for an error that ends the import (storage).
std::string AmendRejectKind(const absl::Status& st);

struct Conflict {
  uint64_t line;
  std::string text;
  std::string reason;
  std::string kind = "id taken";  // the reject's machine-readable kind
};

// Appends batches on its own thread, so parsing the next batch overlaps
// with writing this one. At most two batches wait. A duplicate whose stored
// statement differs is not a duplicate but a conflict: it is reported
// (TakeConflicts) and counted as rejected by the caller. on_durable is
// called on its thread.
class Appender {
 public:
  Appender(Engine& engine, const ImportOptions& options);
  ~Appender();

  // Queues `batch`; blocks while the queue is full. Returns the first
  // append error, after which nothing more is appended.
  absl::Status Submit(Batch batch);
  // Waits for every queued batch; returns the first error.
  absl::Status Finish();
  std::vector<Conflict> TakeConflicts();

  uint64_t imported() const { return imported_; }      // after Finish
  uint64_t duplicates() const { return duplicates_; }  // after Finish

 private:
  void Loop();
  // Appends one batch; returns its error (conflicts and counts in *found,
  // *imported, *duplicates).
  absl::Status AppendBatch(const Batch& batch, std::vector<Conflict>* found, uint64_t* imported,
                           uint64_t* duplicates);
  // Calls on_durable after a sync when enough has been appended since.
  absl::Status ReportDurable(const Batch& batch, uint64_t imported, uint64_t duplicates);
  // AppendBatch for a batch of mentions.
  absl::Status AppendMentions(const Batch& batch, uint64_t* imported, uint64_t* duplicates);
  // AppendBatch for a batch holding an amendment.
  absl::Status AppendAmendment(const Batch& batch, std::vector<Conflict>* found,
                               uint64_t* imported, uint64_t* duplicates);

  Engine& engine_;
  // engine_'s services when this library made it (they take AppendValidated).
  EngineServices* const services_;
  const ImportOptions& options_;
  uint64_t undurable_bytes_ = 0;  // appender thread only
  // Ids of input statements not imported because a different statement
  // holds the id: an amendment aimed at such an id would amend that other
  // statement, so it is rejected too. Appender thread only.
  absl::flat_hash_set<std::string> taken_ids_;
  absl::Mutex mu_;
  std::deque<Batch> queue_;  // front is being appended
  bool done_ = false;
  absl::Status error_;
  std::vector<Conflict> conflicts_;
  uint64_t imported_ = 0, duplicates_ = 0;
  std::thread thread_;  // last: starts after the members it uses
};

// For passes that write nothing (dry run, the check of --strict): finds the
// rows an append would count as conflicts -- an id already stored for a
// different statement, or repeated in the input with different values.
class ConflictCheck {
 public:
  explicit ConflictCheck(const Engine* engine) : engine_(engine) {}

  // A reason if `s` conflicts, "" otherwise.
  std::string Check(const Statement& s);
  // A reason if an amendment of `target_id` cannot be imported, with its
  // reject kind in *kind: no statement has that id in the store or earlier
  // in the input ("unknown target"), or the input's statement with that id
  // was a conflict (Check), so the id names another statement ("id
  // taken"). "" otherwise.
  std::string CheckTarget(const std::string& target_id, std::string* kind) const;

 private:
  const Engine* engine_;
  absl::flat_hash_map<std::string, size_t> seen_;
  absl::flat_hash_set<std::string> taken_;  // ids of conflicts found by Check
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_IMPORT_APPENDER_H_
