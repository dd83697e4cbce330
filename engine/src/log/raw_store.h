// Stores as stored, for checks that look at bytes (VerifyStore): a store's
// RocksDB opened read-only with every column family, reading the instant
// it was opened; and a private scratch RocksDB to replay projections into.
// Like LogStore, these are the only holders of their RocksDB instances.
#ifndef ANNALS_ENGINE_SRC_LOG_RAW_STORE_H_
#define ANNALS_ENGINE_SRC_LOG_RAW_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace annals::internal {

class RawStore {
 public:
  enum class Family { kLog, kIds, kMeta, kProj };

  // Opens the store at `path` read-only. kNotFound (IsNoStore): no store
  // there; kFailedPrecondition: not an annals store, or of another format.
  static absl::StatusOr<std::unique_ptr<RawStore>> Open(const std::string& path);
  ~RawStore();
  RawStore(const RawStore&) = delete;
  RawStore& operator=(const RawStore&) = delete;

  // Whether the family exists (stores from before projections lack kProj).
  bool has(Family f) const { return Handle(f) != nullptr; }
  // A value; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(Family f, std::string_view key) const;
  // An iterator over a family (read ahead for scans), up to `upper`
  // (exclusive; it must outlive the iterator) when given.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family f,
                                                 const rocksdb::Slice* upper = nullptr) const;

  // Reads every block of every live SST file against its checksums, each
  // file on its own, so that one damaged file does not hide another.
  struct DamagedFile {
    std::string file;    // its path
    std::string family;  // its column family
    std::string detail;  // RocksDB's account of the damage
  };
  std::vector<DamagedFile> CheckFiles() const;
  // The same for every SST file in directory `dir` (for a store that does
  // not open; the family is not known then).
  static std::vector<DamagedFile> CheckFilesIn(const std::string& dir);

 private:
  RawStore() = default;
  rocksdb::ColumnFamilyHandle* Handle(Family f) const;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
  rocksdb::ColumnFamilyHandle* ids_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* proj_ = nullptr;
  const rocksdb::Snapshot* snapshot_ = nullptr;
};

// A short-lived RocksDB in a fresh directory under `parent`, removed with
// it; counters merge as in the store (log/add_operator.h).
class ScratchStore {
 public:
  static absl::StatusOr<std::unique_ptr<ScratchStore>> Create(const std::string& parent);
  ~ScratchStore();
  ScratchStore(const ScratchStore&) = delete;
  ScratchStore& operator=(const ScratchStore&) = delete;

  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) const;
  // Writes `batch` (of the default family), without a write-ahead log.
  absl::Status Write(rocksdb::WriteBatch* batch);
  std::unique_ptr<rocksdb::Iterator> NewIterator() const;

 private:
  ScratchStore() = default;
  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_RAW_STORE_H_
