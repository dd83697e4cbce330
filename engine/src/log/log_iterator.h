// Forward scans of the log: the iterator behind Engine::NewIterator, and
// the decode check every read of a log entry goes through.
#ifndef ANNALS_ENGINE_SRC_LOG_LOG_ITERATOR_H_
#define ANNALS_ENGINE_SRC_LOG_LOG_ITERATOR_H_

#include <cstdint>
#include <memory>
#include <string_view>

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

// Walks the log family from `from`, decoding each entry (as deep as
// `depth`). Not thread-safe.
class DbLogIterator final : public StoredLogIterator {
 public:
  // Takes ownership of `it`, an iterator over the log family.
  DbLogIterator(rocksdb::Iterator* it, uint64_t from,
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

  std::unique_ptr<rocksdb::Iterator> it_;
  const DecodeDepth depth_;
  Event event_;
  bool valid_ = false;
  absl::Status status_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_LOG_ITERATOR_H_
