// Waiting, event-driven, for RocksDB's background work (flushes and
// compactions) to end: after a large import, one-shot readers open every
// table file, and each level-0 file costs them its index (issue 19).
#ifndef ANNALS_ENGINE_SRC_LOG_BACKGROUND_WORK_H_
#define ANNALS_ENGINE_SRC_LOG_BACKGROUND_WORK_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/listener.h"

namespace annals::internal {

// Told by RocksDB each time a flush or compaction begins and ends (or
// background work stops on an error); counts those running itself, since
// RocksDB calls the listeners before its own running counts drop. Thread-safe.
class BackgroundWorkListener final : public rocksdb::EventListener {
 public:
  void OnFlushBegin(rocksdb::DB*, const rocksdb::FlushJobInfo&) override { Began(); }
  void OnFlushCompleted(rocksdb::DB*, const rocksdb::FlushJobInfo&) override { Ended(); }
  void OnCompactionBegin(rocksdb::DB*, const rocksdb::CompactionJobInfo&) override { Began(); }
  void OnCompactionCompleted(rocksdb::DB*, const rocksdb::CompactionJobInfo&) override {
    Ended();
  }
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status*) override { Tick(); }

  // Flushes and compactions begun and not yet ended.
  int running() const;

  // Returns true once `busy()` is false, checking it again each time a
  // piece of background work ends; false at `deadline`. `busy` is called
  // with no lock of this listener held.
  bool WaitUntilIdle(absl::FunctionRef<bool()> busy, absl::Time deadline);

 private:
  void Began();
  void Ended();
  void Tick();

  mutable absl::Mutex mu_;
  uint64_t ticks_ ABSL_GUARDED_BY(mu_) = 0;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_BACKGROUND_WORK_H_
