// The full-text search indexes (STORE/search/LANG, search/search_index.h)
// in a backup directory: BACKUP/search/ID/LANG holds a compacted copy of
// each as it stood (one Xapian revision) just before the RocksDB backup
// numbered ID was taken, so its checkpoint is at most that backup's head.
// A backup directory keeps the copies of its newest backup only, since
// restore takes the newest; restore puts them in the restored store, whose
// first search applies only the events after their checkpoints. The
// store's indexes are only read.
#ifndef ANNALS_ENGINE_SRC_BACKUP_SEARCH_COPY_H_
#define ANNALS_ENGINE_SRC_BACKUP_SEARCH_COPY_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"

namespace annals::internal {

// Copies each annals search index under `store_search` (directories
// named for a language) into a new directory under `backup_dir`/search
// (made here, ".incoming.annals-copy-XXXXXX"). Left out: indexes search
// would not use as they are (not annals's, another layout, ahead of
// `engine`'s head), damaged ones, and ones another process changed
// during each of three reads. Returns
// the new directory, or an empty path when there is nothing to copy;
// `languages` gets the languages copied.
absl::StatusOr<std::filesystem::path> StageSearchIndexes(const Engine& engine,
                                                         const std::filesystem::path& store_search,
                                                         const std::filesystem::path& backup_dir,
                                                         std::vector<std::string>* languages);

// Renames `staged` (from StageSearchIndexes) to `backup_dir`/search/`id`
// and removes the copies of older backups (numbered below `id`).
absl::Status PublishSearchIndexes(const std::filesystem::path& staged,
                                  const std::filesystem::path& backup_dir, uint32_t id);

// Copies `backup_dir`/search/`id`, if there is one, to `store`/search.
absl::Status RestoreSearchIndexes(const std::filesystem::path& backup_dir, uint32_t id,
                                  const std::filesystem::path& store);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_BACKUP_SEARCH_COPY_H_
