#include "log/log_iterator.h"

#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/rocks_status.h"
#include "log/keys.h"

namespace annals::internal {

absl::StatusOr<Event> DecodeAt(uint64_t seq, std::string_view value, DecodeDepth depth) {
  auto e = DecodeEvent(value, depth);
  if (!e.ok())
    return absl::DataLossError(absl::StrCat("seq ", seq, ": ", e.status().message()));
  if (e->seq != seq)
    return absl::DataLossError(absl::StrCat("seq ", seq, ": entry claims seq ", e->seq));
  return e;
}

DbLogIterator::DbLogIterator(rocksdb::Iterator* it, uint64_t from, DecodeDepth depth)
    : it_(it), depth_(depth) {
  it_->Seek(EncodeU64(from));
  Load();
}

void DbLogIterator::Next() {
  it_->Next();
  Load();
}

void DbLogIterator::Load() {
  valid_ = false;
  if (!it_->Valid()) {
    if (!it_->status().ok()) status_ = FromRocks(it_->status(), "scanning the log");
    return;
  }
  auto seq = DecodeU64(std::string_view(it_->key().data(), it_->key().size()));
  if (!seq) {
    status_ = absl::DataLossError("log holds a malformed key");
    return;
  }
  auto e = DecodeAt(*seq, std::string_view(it_->value().data(), it_->value().size()), depth_);
  if (!e.ok()) {
    status_ = e.status();
    return;
  }
  event_ = *std::move(e);
  valid_ = true;
}

}  // namespace annals::internal
