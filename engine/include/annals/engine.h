// The annals engine: an append-only log of events on RocksDB.
//
// Thread safety: an Engine is safe to use from many threads at once. Appends
// are serialised internally, so sequence numbers stay gapless and every
// append's log entry, id index entries and head move in one atomic WriteBatch.
// Reads (Get, FindById, Read, NewIterator, Head, Stats) run concurrently with
// appends and see every append that returned before they started.
//
// Lifetimes: a LogIterator borrows its Engine and must be destroyed first.
#ifndef ANNALS_ENGINE_H_
#define ANNALS_ENGINE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/event.h"
#include "annals/options.h"
#include "annals/statement.h"

namespace annals {

struct AppendResult {
  uint64_t seq = 0;        // the statement's seq, new or already stored
  bool duplicate = false;  // true: its id was already in the log; nothing new
};

struct StoreStats {
  uint64_t events = 0;          // entries in the log
  uint64_t head = 0;            // highest seq; 0 when empty
  uint64_t bytes_on_disk = 0;   // all files of the store directory
  Timestamp first_occurred_at;  // earliest statement time; absent when empty
  Timestamp last_occurred_at;   // latest statement time; absent when empty
};

// A forward cursor over the log. Reads a consistent snapshot taken when it
// was created. Not thread-safe; use one per thread.
class LogIterator {
 public:
  virtual ~LogIterator() = default;
  // True while positioned on an event. When false, check status().
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // The current event; only while Valid().
  virtual const Event& event() const = 0;
  // OK at a clean end; kDataLoss if an entry could not be decoded (iteration
  // stops there), or the storage error that ended the scan.
  virtual absl::Status status() const = 0;
};

class Engine {
 public:
  // Opens (or creates, per options) the store in directory `path`.
  // kNotFound: missing and !create_if_missing. kFailedPrecondition: held by
  // another process, or not an annals store. kDataLoss: metadata damaged.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& path,
                                                       const Options& options);

  virtual ~Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Appends one statement. A statement whose id (EffectiveId) is already in
  // the log is not appended again: the result carries its existing seq and
  // duplicate=true. kInvalidArgument (from Validate) writes nothing.
  virtual absl::StatusOr<AppendResult> Append(
      const Statement& statement, const AppendOptions& options = {}) = 0;

  // Appends many statements in one atomic WriteBatch, in order; results[i]
  // belongs to statements[i]. Repeats inside the batch get the seq of their
  // first occurrence. If any statement is invalid, nothing is written and the
  // error names its index: "statements[3]: speaker: ...".
  virtual absl::StatusOr<std::vector<AppendResult>> Append(
      std::span<const Statement> statements,
      const AppendOptions& options = {}) = 0;

  // Makes every append so far durable (fsyncs the write-ahead log).
  virtual absl::Status Sync() = 0;

  // The event at `seq`. kNotFound if seq is 0 or beyond Head(); kDataLoss if
  // its stored bytes are damaged.
  virtual absl::StatusOr<Event> Get(uint64_t seq) const = 0;

  // The seq of the event with this id; kNotFound if none.
  virtual absl::StatusOr<uint64_t> FindById(std::string_view id) const = 0;

  // Up to `limit` events from `from_seq` on, in seq order (fewer at the end).
  virtual absl::StatusOr<std::vector<Event>> Read(uint64_t from_seq,
                                                  size_t limit) const = 0;

  // A cursor positioned at the first event with seq >= from_seq.
  virtual std::unique_ptr<LogIterator> NewIterator(uint64_t from_seq) const = 0;

  // The highest seq in the log; 0 when empty.
  virtual uint64_t Head() const = 0;

  virtual absl::StatusOr<StoreStats> Stats() const = 0;

 protected:
  Engine() = default;
};

}  // namespace annals

#endif  // ANNALS_ENGINE_H_
