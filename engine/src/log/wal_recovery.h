// How every open of a store treats its write-ahead log, and the error a
// damaged one gives (issue 16.1).
//
// A torn tail (a crash in the middle of a write) is tolerated: RocksDB's
// kTolerateCorruptedTailRecords replays up to it. Damage anywhere else
// fails the open with RocksDB's Corruption status, and nothing is changed;
// OpenFailure turns that into a WalDamagedError (kDataLoss, IsWalDamaged)
// naming the write-ahead log file and the last seq that can be read
// intact, found by a read-only open in point-in-time mode (which touches
// no file). `annals repair` (annals/repair.h) salvages such a store.
#ifndef ANNALS_ENGINE_SRC_LOG_WAL_RECOVERY_H_
#define ANNALS_ENGINE_SRC_LOG_WAL_RECOVERY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "log/info_logger.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace annals::internal {

// Sets `dbo`'s info log (a new InfoLogger, returned) and WAL recovery mode.
std::shared_ptr<InfoLogger> SetRecovery(
    rocksdb::DBOptions& dbo,
    rocksdb::WALRecoveryMode mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords);

// The status for an open of `path` (with `families`) that failed with `s`:
// a WalDamagedError when `s` is a Corruption that a point-in-time open
// gets past (so the damage is in the write-ahead log), else FromRocks.
absl::Status OpenFailure(const rocksdb::Status& s, const std::string& path,
                         const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                         const InfoLogger& logger);

// The head marker a read-only open of `path` in `mode` sees (0: none).
absl::StatusOr<uint64_t> ReadOnlyHead(const std::string& path,
                                      const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                                      rocksdb::WALRecoveryMode mode);

// The write-ahead log files (NNNNNN.log) in `path`, in number order, and
// their total size.
std::vector<std::string> WalFiles(const std::string& path, uint64_t* total_bytes = nullptr);

// After a writable open: removes the write-ahead log files below the one
// RocksDB now writes that are empty (0 bytes). RocksDB 7.8.3 starts a new
// WAL at every open but deletes old ones only after a flush, so opens that
// write nothing (queries) left one empty .log file each (issue 16.12). An
// empty file holds nothing to recover; a non-empty one is never touched.
void RemoveEmptyOldWals(rocksdb::DB* db, const std::string& path);

// The ranges [first, last] of seqs lost to a damaged write-ahead log that
// `meta` records ("l/" records), in seq order.
using LostRange = std::pair<uint64_t, uint64_t>;
absl::StatusOr<std::vector<LostRange>> ReadLostRanges(rocksdb::DB* db,
                                                      rocksdb::ColumnFamilyHandle* meta);
std::string LostKey(uint64_t first);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_WAL_RECOVERY_H_
