#include "log/log_iterator.h"

#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/rocks_status.h"
#include "log/keys.h"
#include "model/error_kinds.h"

namespace annals::internal {

absl::StatusOr<Event> DecodeAt(uint64_t seq, std::string_view value, DecodeDepth depth) {
  auto e = DecodeEvent(value, depth);
  if (!e.ok())
    return absl::DataLossError(absl::StrCat("seq ", seq, ": ", e.status().message()));
  if (e->seq != seq)
    return absl::DataLossError(absl::StrCat("seq ", seq, ": entry claims seq ", e->seq));
  return e;
}

DbLogIterator::DbLogIterator(rocksdb::Iterator* it, uint64_t from, LogExpectation expect,
                             DecodeDepth depth)
    : from_(from),
      expect_(std::move(expect)),
      next_(SkipLost(from)),  // reads expect_, set above
      it_(it),
      depth_(depth) {
  it_->Seek(EncodeU64(from));
  Load();
}

void DbLogIterator::Next() {
  it_->Next();
  Load();
}

uint64_t DbLogIterator::SkipLost(uint64_t seq) const {
  for (const auto& [first, last] : expect_.lost)
    if (first <= seq && seq <= last) seq = last + 1;
  return seq;
}

void DbLogIterator::Load() {
  valid_ = false;
  if (!it_->Valid()) {
    if (!it_->status().ok()) {
      status_ = FromRocks(it_->status(), "scanning the log");
    } else if (next_ <= expect_.head) {
      status_ = StoreDamagedError(absl::StrCat(
          "the log is damaged: a scan from seq ", from_, " read ", read_,
          " events but the head is ", expect_.head, " (seq ", next_, " on are missing)"));
    }
    return;
  }
  auto seq = DecodeU64(std::string_view(it_->key().data(), it_->key().size()));
  if (!seq) {
    status_ = absl::DataLossError("log holds a malformed key");
    return;
  }
  if (*seq != next_ && next_ <= expect_.head) {
    status_ = StoreDamagedError(absl::StrCat("the log is damaged: seqs ", next_, " to ", *seq - 1,
                                             " are missing (a scan from seq ", from_, " read ",
                                             read_, " events; the head is ", expect_.head, ")"));
    return;
  }
  next_ = SkipLost(*seq + 1);
  ++read_;
  auto e = DecodeAt(*seq, std::string_view(it_->value().data(), it_->value().size()), depth_);
  if (!e.ok()) {
    status_ = e.status();
    return;
  }
  event_ = *std::move(e);
  valid_ = true;
}

}  // namespace annals::internal
