// Backups of a store, taken online, and restoring them.
//
// A backup is itself a store directory: it can be restored with RestoreStore
// (or `annals restore`), opened directly with Engine::Open, or checked with
// VerifyStore. It holds the log exactly as it stood at one instant (seqs
// 1..BackupInfo::head, with their indexes) and the projections as far as
// they had been built then; projections catch up when the store is opened.
#ifndef ANNALS_BACKUP_H_
#define ANNALS_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/visibility.h"

namespace annals {

struct BackupInfo {
  std::string path;    // the backup (or restored store) directory
  uint64_t head = 0;   // it holds the log's seqs 1..head
  uint64_t bytes = 0;  // size of its files
};

// Backs up the store `engine` has open into directory `dir`, which must not
// exist (its parent must). Safe while other threads append and query: the
// backup is a RocksDB checkpoint of all column families at one instant (SST
// files are hard-linked when `dir` is on the same filesystem, so it is fast
// and shares space until the store compacts them away).
// kAlreadyExists: `dir` exists. kFailedPrecondition: `engine` is not a
// store this library opened.
ANNALS_EXPORT absl::StatusOr<BackupInfo> Backup(const Engine& engine, const std::string& dir);

// Backs up the store in directory `store_path` into `dir`, whether or not
// another process has it open. If none has, this opens it and calls Backup;
// if one has (e.g. an import is running), the store is read through a
// read-only view taken at one instant and copied record by record (slower,
// the size of the data), then the copy is verified in full (VerifyStore,
// one replay of the log per projection) and taken again, up to three
// times, if it does not hold together. kNotFound: no store there.
ANNALS_EXPORT absl::StatusOr<BackupInfo> BackupStore(const std::string& store_path,
                                       const std::string& dir);

struct RestoreOptions {
  // Replace a store (or any non-empty directory) at the destination.
  // Default false: refuse with kAlreadyExists, so a restore never destroys
  // data by accident. The old store is deleted only after the backup has
  // been copied in full.
  bool overwrite = false;
};

// Copies backup `backup_dir` to a new store at `store_path`, durably (each
// file is fsynced), and checks that it opens. The backup is left as it was.
// kFailedPrecondition: `backup_dir` is not an annals store, or the store at
// `store_path` is in use by another process. kAlreadyExists: `store_path`
// exists and is not empty (see RestoreOptions::overwrite).
ANNALS_EXPORT absl::StatusOr<BackupInfo> RestoreStore(const std::string& backup_dir,
                                        const std::string& store_path,
                                        const RestoreOptions& options = {});

}  // namespace annals

#endif  // ANNALS_BACKUP_H_
