// A consistent view of the store at one instant (a RocksDB snapshot),
// released when destroyed. Reads given a snapshot see exactly the writes
// committed before it was taken. Move-only; not thread-safe to share
// while being destroyed. Made by LogStore::Snapshot().
#ifndef ANNALS_ENGINE_SRC_LOG_SNAPSHOT_H_
#define ANNALS_ENGINE_SRC_LOG_SNAPSHOT_H_

#include "rocksdb/db.h"

namespace annals::internal {

class StoreSnapshot {
 public:
  StoreSnapshot(StoreSnapshot&& other) noexcept : db_(other.db_), snap_(other.snap_) {
    other.db_ = nullptr;
  }
  StoreSnapshot& operator=(StoreSnapshot&&) = delete;
  StoreSnapshot(const StoreSnapshot&) = delete;
  ~StoreSnapshot() {
    if (db_ != nullptr) db_->ReleaseSnapshot(snap_);
  }

  // Read options reading at this snapshot.
  rocksdb::ReadOptions options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap_;
    return ro;
  }

 private:
  friend class LogStore;
  explicit StoreSnapshot(rocksdb::DB* db) : db_(db), snap_(db->GetSnapshot()) {}

  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

// Read options at `at`, or at the latest state when it is null.
inline rocksdb::ReadOptions ReadAt(const StoreSnapshot* at) {
  return at != nullptr ? at->options() : rocksdb::ReadOptions();
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_SNAPSHOT_H_
