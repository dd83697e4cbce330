// RocksDB's info log, kept by annals instead of RocksDB's own LOG file.
//
// RocksDB 7.8.3's file logger renames LOG to LOG.old.* at every open (which
// fails in a read-only directory, 16.13) and asserts on a write error (a
// full disk aborted every writing command, 16.9). InfoLogger writes no file:
// it keeps the last warnings and errors in memory, for messages that name
// what RocksDB found (the damaged write-ahead log file, 16.1). Decisions are
// made on RocksDB's status codes, never on these lines. Thread-safe.
#ifndef ANNALS_ENGINE_SRC_LOG_INFO_LOGGER_H_
#define ANNALS_ENGINE_SRC_LOG_INFO_LOGGER_H_

#include <atomic>
#include <cstdarg>
#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/status/status.h"
#include "rocksdb/env.h"
#include "rocksdb/listener.h"

namespace annals::internal {

class InfoLogger final : public rocksdb::Logger {
 public:
  InfoLogger();
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override;

  // The lines kept (the last kKeep warnings and errors), oldest first.
  std::vector<std::string> Lines() const;
  // The write-ahead log files (NNNNNN.log) that lines kept name, in order of
  // first mention, without duplicates.
  std::vector<std::string> WalFilesMentioned() const;

  static constexpr size_t kKeep = 64;

 private:
  mutable absl::Mutex mu_;
  std::deque<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Remembers the first error RocksDB stopped writing for (a failed write to
// the write-ahead log on a full disk, say). After one, the log store must
// not sync or flush again: Debian's RocksDB 7.8.3 has assertions enabled
// and aborts on any further write to a file that failed ("Assertion
// 'sync_without_flush_called_' failed", issue 16.9). Thread-safe.
class WriteErrorListener final : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* bg_error) override;
  // OK until an error was seen; then it (kInternal, RocksDB's message).
  absl::Status error() const;
  bool failed() const { return failed_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> failed_{false};
  mutable absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_INFO_LOGGER_H_
