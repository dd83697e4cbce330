// The read path: point reads by seq or id, batched and iterated forward
// scans, and store statistics.
#include <filesystem>
#include <system_error>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/db_engine.h"
#include "log/keys.h"

namespace annals::internal {
namespace {

// Decodes a log entry and checks it sits under its own seq, so a value
// moved to another key is reported rather than served.
absl::StatusOr<Event> DecodeAt(uint64_t seq, std::string_view value) {
  auto e = DecodeEvent(value);
  if (!e.ok())
    return absl::DataLossError(absl::StrCat("seq ", seq, ": ", e.status().message()));
  if (e->seq != seq)
    return absl::DataLossError(absl::StrCat("seq ", seq, ": entry claims seq ", e->seq));
  return e;
}

class DbLogIterator final : public LogIterator {
 public:
  DbLogIterator(rocksdb::Iterator* it, uint64_t from) : it_(it) {
    it_->Seek(EncodeU64(from));
    Load();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    it_->Next();
    Load();
  }
  const Event& event() const override { return event_; }
  absl::Status status() const override { return status_; }

 private:
  void Load() {
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
    auto e = DecodeAt(*seq, std::string_view(it_->value().data(), it_->value().size()));
    if (!e.ok()) {
      status_ = e.status();
      return;
    }
    event_ = *std::move(e);
    valid_ = true;
  }

  std::unique_ptr<rocksdb::Iterator> it_;
  Event event_;
  bool valid_ = false;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<Event> DbEngine::Get(uint64_t seq) const {
  if (seq == 0 || seq > Head())
    return absl::NotFoundError(absl::StrCat("no event with seq ", seq,
                                            " (head is ", Head(), ")"));
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), log_, EncodeU64(seq), &value);
  if (s.IsNotFound())
    return absl::DataLossError(absl::StrCat("seq ", seq, " is missing from the log"));
  if (!s.ok()) return FromRocks(s, "reading the log");
  return DecodeAt(seq, value);
}

absl::StatusOr<uint64_t> DbEngine::FindById(std::string_view id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ids_, id, &value);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no event with id '", AV(id), "'"));
  if (!s.ok()) return FromRocks(s, "reading the id index");
  auto seq = DecodeU64(value);
  if (!seq) return absl::DataLossError(absl::StrCat("id index entry for '", AV(id), "' is damaged"));
  return *seq;
}

absl::StatusOr<std::vector<Event>> DbEngine::Read(uint64_t from_seq,
                                                  size_t limit) const {
  std::vector<Event> out;
  auto it = NewIterator(from_seq);
  // Stop at the limit before stepping on: the next entry may be damaged,
  // and it is not part of the answer.
  while (out.size() < limit && it->Valid()) {
    out.push_back(it->event());
    if (out.size() < limit) it->Next();
  }
  if (!it->status().ok()) return it->status();
  return out;
}

std::unique_ptr<LogIterator> DbEngine::NewIterator(uint64_t from_seq) const {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;  // forward scans read big sequential runs
  return std::make_unique<DbLogIterator>(db_->NewIterator(ro, log_),
                                         std::max<uint64_t>(from_seq, 1));
}

absl::StatusOr<StoreStats> DbEngine::Stats() const {
  StoreStats st;
  {
    absl::MutexLock lock(&append_mu_);
    st.head = state_.head;
    st.first_occurred_at = state_.occurred_min;
    st.last_occurred_at = state_.occurred_max;
  }
  st.events = st.head;  // seqs are gapless from 1
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) st.bytes_on_disk += it->file_size(ec);
  }
  return st;
}

}  // namespace annals::internal
