// Backups of a store, taken online, and restoring them.
//
// A backup directory is RocksDB's BackupEngine's (rocksdb/utilities/
// backup_engine.h) with annals's marker file ANNALS-BACKUP: independent,
// checksummed copies of the store's files (no file is shared with the
// store, so damage to the store never reaches a backup). Each backup taken
// into the same directory adds a copy, storing only files the earlier ones
// lack; restore takes the newest. Each copy holds the log exactly as it
// stood at one instant (seqs 1..BackupInfo::head, with their indexes) and
// the projections as far as they had been built then; projections catch
// up when the restored store is opened. The store's full-text search
// indexes are copied too, as they stand (the restored store's first search
// applies the events after them), into BACKUP/search/ID; a backup
// directory keeps those of its newest copy only. A backup is not itself a store:
// restore it (RestoreStore, `annals restore`) to use it.
#ifndef ANNALS_BACKUP_H_
#define ANNALS_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/visibility.h"

namespace annals {

struct BackupInfo {
  std::string path;    // the backup (or restored store) directory
  uint64_t head = 0;   // it holds the log's seqs 1..head
  uint64_t bytes = 0;  // size of its files (a backup: of its newest copy's files)
  uint32_t backup_id = 0;  // a backup: the number of the newest copy in it
  // The languages whose full-text search index (annals/search.h) the
  // backup (or restored store) holds; one the store lacks, or whose index
  // is not annals's or is damaged, is rebuilt from the log by the restored
  // store's first search.
  std::vector<std::string> search_indexes;
};

// Backs up the store `engine` has open into directory `dir`, which must be
// new (its parent must exist) or an annals backup directory (then a copy is
// added to it). Safe while other threads append and query: appends wait
// while the files are copied, queries do not. The store's SST files are
// checked against their checksums first: kDataLoss, naming the damaged
// file, and nothing is backed up if one fails. A new `dir` is written under
// a fresh name beside it and renamed into place at the end; nothing that
// was there before is removed. A read-only engine's view is copied record
// by record into a scratch store beside `dir`, checked, and backed up.
// kAlreadyExists: `dir` exists and is not an annals backup.
// kFailedPrecondition: `engine` is not a store this library opened.
ANNALS_EXPORT absl::StatusOr<BackupInfo> Backup(const Engine& engine, const std::string& dir);

// Backs up the store in directory `store_path` into `dir` (as Backup),
// whether or not another process has it open. If none has, this opens it
// and calls Backup; if one has (e.g. an import is running), the store is
// read through a read-only view taken at one instant and copied record by
// record (slower, the size of the data), then the copy is verified in full
// (VerifyStore, one replay of the log per projection) and taken again, up
// to three times, if it does not hold together. kNotFound: no store there.
ANNALS_EXPORT absl::StatusOr<BackupInfo> BackupStore(const std::string& store_path,
                                       const std::string& dir);

struct RestoreOptions {
  // Replace an annals store at the destination: a directory holding a
  // store and nothing else (RocksDB's files and annals's own). Default
  // false: refuse with kAlreadyExists, so a restore never destroys data by
  // accident. Even when true, anything else (a file, a directory holding
  // other files, the backup itself or a directory containing it) is never
  // replaced. The old store is deleted only after the backup has been
  // restored and checked in full.
  bool overwrite = false;
};

// Restores the newest copy in backup `backup_dir` as the store at
// `store_path`: checks the copy's files against their checksums, restores
// it into a fresh directory beside `store_path`, checks that it opens at
// the head the backup recorded, and only then puts it in place (swapping
// out an old store atomically). The backup is left as it was. `store_path`
// may be missing, an empty directory, or (RestoreOptions::overwrite) a
// store. kDataLoss: the backup is damaged (nothing is restored).
// kFailedPrecondition: `backup_dir` is not an annals backup, or the store
// at `store_path` is in use by another process. kAlreadyExists:
// `store_path` holds something restore may not replace.
// kInvalidArgument: the backup lies in `store_path`, or the reverse.
ANNALS_EXPORT absl::StatusOr<BackupInfo> RestoreStore(const std::string& backup_dir,
                                        const std::string& store_path,
                                        const RestoreOptions& options = {});

}  // namespace annals

#endif  // ANNALS_BACKUP_H_
