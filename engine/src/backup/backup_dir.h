// What backup and restore share: recognising an annals backup directory and
// an annals store, fresh staging directories beside a target, and moving a
// finished directory into place without replacing anything.
#ifndef ANNALS_ENGINE_SRC_BACKUP_BACKUP_DIR_H_
#define ANNALS_ENGINE_SRC_BACKUP_BACKUP_DIR_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "rocksdb/utilities/backup_engine.h"

namespace annals::internal {

// The file annals writes into every backup directory it makes: only a
// directory holding it is given to RocksDB's BackupEngine again (which
// deletes files it does not own in its directory).
inline constexpr std::string_view kBackupMarker = "ANNALS-BACKUP";

// `p` made absolute and lexically normal, without a trailing slash.
std::filesystem::path Normal(const std::string& p);

bool IsAnnalsBackup(const std::filesystem::path& dir);

// True if `dir` is a directory holding an annals store and nothing else:
// CURRENT, and only RocksDB's files and annals's own (`bulk/`, OWNER, a
// server's socket and address file: serve/socket_files.h) beside it.
// `odd` gets the first entry that does not belong, if any.
bool IsStoreOnly(const std::filesystem::path& dir, std::string* odd);

// A new, empty directory beside `target` (mkdtemp, so its name is unique
// and nobody else's): "<parent>/.<name>.<tag>-XXXXXX".
absl::StatusOr<std::filesystem::path> MakeStaging(const std::filesystem::path& target,
                                                  std::string_view tag);

// Writes the marker into `dir`, durably.
absl::Status WriteMarker(const std::filesystem::path& dir);

// Renames directory `from` to `to`, which must not exist (RENAME_NOREPLACE),
// and syncs the parent. kAlreadyExists if `to` appeared meanwhile.
absl::Status MoveIntoPlace(const std::filesystem::path& from, const std::filesystem::path& to);

absl::Status FsyncPath(const std::filesystem::path& p, bool dir);

// The size of the regular files under `dir`.
uint64_t DirBytes(const std::filesystem::path& dir);

// RocksDB's BackupEngine on an annals backup directory, read-only.
absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackupReader(
    const std::filesystem::path& dir);

// The head and size of the newest backup in an annals backup directory
// (the head is the backup's metadata, written by LogStore::BackupTo).
struct NewestBackup {
  uint32_t id = 0;
  uint64_t head = 0;
  uint64_t bytes = 0;
};
absl::StatusOr<NewestBackup> Newest(const rocksdb::BackupEngineReadOnly& reader,
                                    const std::filesystem::path& dir);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_BACKUP_BACKUP_DIR_H_
