// RocksDB statuses as absl::Status, by their code (never their text).
#ifndef ANNALS_ENGINE_SRC_LOG_ROCKS_STATUS_H_
#define ANNALS_ENGINE_SRC_LOG_ROCKS_STATUS_H_

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace annals::internal {

// Converts a RocksDB status to the canonical code a caller can act on;
// the message is "<what>: <RocksDB's message>". Corruption is kDataLoss
// marked IsStoreDamaged.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view what);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_ROCKS_STATUS_H_
