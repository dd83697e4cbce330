// Reading the log state back at open (log/store_open.cc).
#ifndef ANNALS_ENGINE_SRC_LOG_RECOVERY_H_
#define ANNALS_ENGINE_SRC_LOG_RECOVERY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "log/log_state.h"
#include "rocksdb/db.h"

namespace annals::internal {

// Reads the log state from `meta` and checks it against the log's last key
// (kDataLoss when they disagree).
absl::StatusOr<LogState> Recover(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log,
                                 rocksdb::ColumnFamilyHandle* meta);
// Every alias event recorded in `meta`, in seq order.
absl::StatusOr<std::vector<AliasRecord>> LoadAliases(rocksdb::DB* db,
                                                     rocksdb::ColumnFamilyHandle* meta);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_RECOVERY_H_
