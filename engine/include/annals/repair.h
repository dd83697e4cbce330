// Salvaging a store whose write-ahead log is damaged (`annals repair`).
//
// A crash can tear the end of the write-ahead log; every open tolerates
// that. Damage anywhere else (a flipped byte, a bad sector) makes every
// open fail with IsWalDamaged (annals/status.h) and changes nothing, since
// opening past it would silently drop acknowledged events and let later
// appends reuse their seqs. RepairStore is the explicit way out.
#ifndef ANNALS_REPAIR_H_
#define ANNALS_REPAIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/visibility.h"

namespace annals {

struct RepairOptions {
  // Where the damaged store is moved, untouched (its write-ahead log
  // included), for later forensics. Must not exist; its parent must be on
  // the store's filesystem. Default "": "<store>.damaged-<UTC time>".
  std::string damaged_dir;
};

struct RepairReport {
  // False: the store opened normally and nothing was done.
  bool repaired = false;
  // Seqs 1..kept_through are in the repaired store, as they were.
  uint64_t kept_through = 0;
  // Seqs lost_first..lost_last are recorded in the store as lost: no
  // append reuses them (the next takes lost_last + 1), VerifyStore notes
  // the gap and StoreStats::lost counts it. The damaged log's true end is
  // unknown, so lost_last is a bound from its size (at least one WAL
  // record of 64 bytes per seq), never below the highest seq still
  // readable beyond the damage (readable_through).
  uint64_t lost_first = 0;
  uint64_t lost_last = 0;
  uint64_t readable_through = 0;
  std::vector<std::string> wal_files;  // the write-ahead log files found
  std::string damaged_dir;             // where the damaged store now is
};

// Repairs the store in directory `path` when IsWalDamaged: copies it to a
// staging directory beside it (table files hard-linked), opens the copy
// keeping every write before the first damaged record (RocksDB's
// point-in-time recovery), records the lost range, flushes, then moves the
// damaged store to `damaged_dir` and the repaired copy into its place.
// The damaged store is never modified. Errors: kNotFound (no store),
// kFailedPrecondition (in use by a writer, or a name taken), kAlreadyExists
// (damaged_dir exists), any other open error as Engine::Open gives it
// (damage this cannot repair), or a storage error.
ANNALS_EXPORT absl::StatusOr<RepairReport> RepairStore(const std::string& path,
                                                       const RepairOptions& options = {});

}  // namespace annals

#endif  // ANNALS_REPAIR_H_
