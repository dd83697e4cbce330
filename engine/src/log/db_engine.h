// The RocksDB-backed Engine. Open path: log/open.cc; append path:
// log/append.cc; read path: log/read.cc.
#ifndef ANNALS_ENGINE_SRC_LOG_DB_ENGINE_H_
#define ANNALS_ENGINE_SRC_LOG_DB_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "annals/engine.h"
#include "rocksdb/db.h"

namespace annals::internal {

// Converts a RocksDB status to the canonical code a caller can act on.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view what);

// Releases column family handles before the DB that owns them.
struct HandleDeleter {
  rocksdb::DB* db;
  void operator()(rocksdb::ColumnFamilyHandle* h) const {
    db->DestroyColumnFamilyHandle(h);
  }
};
using HandlePtr = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleDeleter>;

// State that appends move forward; persisted in `meta` in the same batch.
struct LogState {
  uint64_t head = 0;
  int64_t last_recorded_at = 0;
  Timestamp occurred_min;
  Timestamp occurred_max;
};

class DbEngine final : public Engine {
 public:
  // Everything Open assembled; the engine takes ownership.
  struct Parts {
    std::unique_ptr<rocksdb::DB> db;
    // Every column family of the store, including ones this code does not
    // use (RocksDB requires opening all); log/ids/meta point into it.
    std::vector<HandlePtr> handles;
    rocksdb::ColumnFamilyHandle* log = nullptr;
    rocksdb::ColumnFamilyHandle* ids = nullptr;
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    LogState state;
  };
  DbEngine(std::string path, const Options& options, Parts parts);
  ~DbEngine() override;

  absl::StatusOr<AppendResult> Append(const Statement& statement,
                                      const AppendOptions& options) override;
  absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements,
      const AppendOptions& options) override;
  absl::Status Sync() override;

  absl::StatusOr<Event> Get(uint64_t seq) const override;
  absl::StatusOr<uint64_t> FindById(std::string_view id) const override;
  absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq,
                                          size_t limit) const override;
  std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const override;
  uint64_t Head() const override { return head_.load(std::memory_order_acquire); }
  absl::StatusOr<StoreStats> Stats() const override;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* log_family() const { return log_; }

 private:
  const std::string path_;
  const Options options_;
  // Declared first so it is destroyed last, after the handles.
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<HandlePtr> handles_;
  rocksdb::ColumnFamilyHandle* const log_;
  rocksdb::ColumnFamilyHandle* const ids_;
  rocksdb::ColumnFamilyHandle* const meta_;

  // Serialises appends: seq assignment, the duplicate check and the write
  // must be one step, or two appenders could take the same seq or id.
  mutable absl::Mutex append_mu_;
  LogState state_ ABSL_GUARDED_BY(append_mu_);
  uint64_t unsynced_bytes_ ABSL_GUARDED_BY(append_mu_) = 0;
  // Mirrors state_.head for lock-free readers; published after each write.
  std::atomic<uint64_t> head_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_DB_ENGINE_H_
