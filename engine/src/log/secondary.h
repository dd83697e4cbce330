// Read-only engines open the store as a RocksDB secondary instance: it
// takes no lock, so it works while another process writes, and it catches
// up with that writer by being opened again (Engine::Refresh).
#ifndef ANNALS_ENGINE_SRC_LOG_SECONDARY_H_
#define ANNALS_ENGINE_SRC_LOG_SECONDARY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "log/log_state.h"
#include "rocksdb/db.h"

namespace annals::internal {

// A fresh private directory for a secondary's own files (its info log).
absl::StatusOr<std::string> MakeSecondaryDir();
void RemoveSecondaryDir(const std::string& dir);

// rocksdb::DB::OpenAsSecondary with the options a secondary needs, retried
// briefly when the writer deletes a file (a compaction's input) mid-open.
rocksdb::Status OpenSecondary(rocksdb::DBOptions options, const std::string& path,
                              const std::string& secondary_dir,
                              const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                              std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                              rocksdb::DB** db);

struct Recovered {
  LogState state;
  std::vector<AliasRecord> aliases;
};

// Recover + LoadAliases on a secondary. One that read the writer's
// MANIFEST just before a flush may lack part of a write-ahead log the
// writer has since deleted; the log and its head marker then disagree, and
// this returns kAborted: open the secondary again (see kSecondaryAttempts).
absl::StatusOr<Recovered> RecoverSecondary(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log,
                                           rocksdb::ColumnFamilyHandle* meta);

// Opens of a secondary before giving up, with SecondaryPause between them:
// each retry only waits out a flush or compaction the writer is finishing.
// This is the engine's one timed wait: another process's writes give this
// one no event to wait on. Everything within a process waits on events.
constexpr int kSecondaryAttempts = 20;
void SecondaryPause(int attempt);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_SECONDARY_H_
