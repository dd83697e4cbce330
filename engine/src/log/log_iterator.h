// Forward scans of the log: the iterator behind Engine::NewIterator, and
// the decode check every read of a log entry goes through.
#ifndef ANNALS_ENGINE_SRC_LOG_LOG_ITERATOR_H_
#define ANNALS_ENGINE_SRC_LOG_LOG_ITERATOR_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "codec/event_codec.h"
#include "log/event_log.h"
#include "rocksdb/iterator.h"

namespace annals::internal {

// Decodes a log entry and checks it sits under its own seq, so a value
// moved to another key is reported rather than served.
absl::StatusOr<Event> DecodeAt(uint64_t seq, std::string_view value,
                               DecodeDepth depth = DecodeDepth::kFull);

// What a scan of the log must find: seqs are gapless from 1 but for the
// ranges `annals repair` recorded lost, and the log reaches `head`, read
// when the scan starts (appends during it only add above it).
struct LogExpectation {
  uint64_t head = 0;
  std::vector<std::pair<uint64_t, uint64_t>> lost;  // [first, last], sorted
};

// Walks the log family from `from`, decoding each entry (as deep as
// `depth`). A seq missing from the walk (a table file gone, a damaged
// block RocksDB skipped) ends it with kDataLoss marked IsStoreDamaged, as
// does an end before the expected head: "read N events but the head is
// M". Not thread-safe.
class DbLogIterator final : public StoredLogIterator {
 public:
  // Takes ownership of `it`, an iterator over the log family.
  DbLogIterator(rocksdb::Iterator* it, uint64_t from, LogExpectation expect,
                DecodeDepth depth = DecodeDepth::kFull);
  bool Valid() const override { return valid_; }
  void Next() override;
  const Event& event() const override { return event_; }
  absl::Status status() const override { return status_; }
  std::string_view stored() const override {
    return std::string_view(it_->value().data(), it_->value().size());
  }
  // Moves the current event out (Valid() stays true until Next()).
  Event TakeEvent() { return std::move(event_); }

 private:
  void Load();
  // The first seq at or after `seq` that is not recorded lost.
  uint64_t SkipLost(uint64_t seq) const;

  const uint64_t from_;
  const LogExpectation expect_;
  uint64_t next_;      // the seq the walk must find next
  uint64_t read_ = 0;  // events read

  std::unique_ptr<rocksdb::Iterator> it_;
  const DecodeDepth depth_;
  Event event_;
  bool valid_ = false;
  absl::Status status_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_LOG_ITERATOR_H_
