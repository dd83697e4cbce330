// Checking a store for damage (`annals verify`).
//
// VerifyStore reads a store read-only, as it stands when the call starts,
// and reports every inconsistency it finds between the log, its indexes and
// the projections derived from it. It never changes the store and works
// while another process (or this one) has the store open for writing.
#ifndef ANNALS_VERIFY_H_
#define ANNALS_VERIFY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/visibility.h"

namespace annals {

enum class ProblemKind {
  kGap,                 // seqs between 1 and the head with no log entry
  kMisplacedSeq,        // an entry claims another seq (a seq reused or moved)
  kUndecodable,         // an entry fails its checksum or does not decode
  kHeadMismatch,        // the head marker disagrees with the log's last seq
  kIdMissing,           // an event's id is not indexed, or indexed elsewhere
  kIdDangling,          // an id index entry names no event with that id
  kAmendRecord,         // a correction/retraction/alias record disagrees
                        // with the log
  kMetadata,            // other log metadata (recordedAt, occurred range)
  kProjectionMismatch,  // a projection's stored entries differ from a
                        // replay of the log
  kCheckpointAhead,     // a projection claims to have applied events beyond
                        // the head
  kDamagedFile,         // a store file fails its checksums (each such file is
                        // listed; a scan that meets the damage stops there and
                        // the other checks go on)
  kSearchMismatch,      // a full-text search index (STORE/search/LANG)
                        // differs from a replay of the log
};

// Returns "gap", "misplaced_seq", "undecodable", "head_mismatch",
// "id_missing", "id_dangling", "amend_record", "metadata",
// "projection_mismatch", "checkpoint_ahead", "damaged_file" or
// "search_mismatch".
ANNALS_EXPORT const char* ProblemKindName(ProblemKind kind);

struct VerifyProblem {
  ProblemKind kind = ProblemKind::kMetadata;
  uint64_t seq = 0;      // the event concerned; 0 when there is none
  std::string subject;   // e.g. the projection or id concerned; may be empty
  std::string detail;    // what is wrong, for people
};

struct VerifyOptions {
  // Replay the log into a scratch store and compare every projection whose
  // code is known (the built-in timelines and declarative projections).
  // Default true. Costs one replay of the log per projection and scratch
  // disk space about the size of the projection. Also compares each
  // full-text search index in `path`/search/LANG (annals/search.h) with
  // the documents a replay of the log up to the index's checkpoint makes
  // (terms, frequencies and values of every document, positions of one in
  // eight; two scans of the log, no scratch space; about 45 s per million
  // statements); they are listed as "search:LANG" in projections_checked.
  bool projections = true;

  // Directory under which the scratch store is made (and removed after).
  // Default "": the system temporary directory ($TMPDIR or /tmp).
  std::string scratch_dir;

  // Problems kept with details; the rest are only counted. Default 1000.
  // Bounds memory on a badly damaged store.
  size_t max_problems = 1000;
};

struct VerifyReport {
  uint64_t head = 0;          // the head marker
  uint64_t events = 0;        // log entries read
  uint64_t id_entries = 0;    // id index entries read
  std::vector<std::string> projections_checked;
  // What was not checked and why (e.g. a projection registered from C++,
  // whose code the store does not hold).
  std::vector<std::string> notes;
  std::vector<VerifyProblem> problems;  // the first max_problems
  uint64_t problem_count = 0;           // all of them
  bool ok() const { return problem_count == 0; }
};

// Verifies the store in directory `path`. Damage is reported in the
// VerifyReport, not as an error; the status is an error only when the store
// cannot be examined: kNotFound (no store there), kFailedPrecondition (not
// an annals store, or of another format version), or a storage error.
// Thread-safe; holds no lock on the store. A search index to which a
// search (or a server's live indexing) commits twice while it is read is
// noted as not compared.
ANNALS_EXPORT absl::StatusOr<VerifyReport> VerifyStore(const std::string& path,
                                         const VerifyOptions& options = {});

// Scratch directories: each VerifyStore call replaying projections makes
// one, `scratch_dir`/annals-verify-XXXXXX, holding an flock-locked file
// while in use, and removes it when done. A run killed outright leaves it;
// the next VerifyStore with the same `scratch_dir` removes such leftovers,
// but only those it can prove abandoned (a directory of this user whose
// lock is free), never any other directory.
//
// Removes the scratch directories that VerifyStore calls of this process
// are using now, and makes later ones fail (kCancelled); those calls may
// then fail too. For a program ending on a signal: call it from an
// ordinary thread (e.g. one waiting in sigwait), not a signal handler,
// then end the process. Thread-safe.
ANNALS_EXPORT void RemoveVerifyScratchDirs();

}  // namespace annals

#endif  // ANNALS_VERIFY_H_
