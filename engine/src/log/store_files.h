// Telling a damaged store from no store: a directory without CURRENT that
// still holds RocksDB's other files is a store that lost CURRENT.
#ifndef ANNALS_ENGINE_SRC_LOG_STORE_FILES_H_
#define ANNALS_ENGINE_SRC_LOG_STORE_FILES_H_

#include <optional>
#include <string>

#include "absl/status/status.h"

namespace annals::internal {

// The name of a store file (MANIFEST-*, *.sst, *.log, IDENTITY, OPTIONS-*)
// in `dir`, if there is one; nullopt otherwise.
std::optional<std::string> StoreFileIn(const std::string& dir);

// For a directory `dir` without CURRENT: kDataLoss ("damaged store",
// naming a file that shows a store was there) when it holds store files,
// otherwise `otherwise`.
absl::Status NoCurrentError(const std::string& dir, absl::Status otherwise);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_STORE_FILES_H_
