// The read path: point reads by seq or id, batched and iterated forward
// scans, and store statistics.
#include <filesystem>
#include <system_error>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/db_engine.h"
#include "log/keys.h"
#include "log/log_iterator.h"
#include "log/prefetch_iterator.h"

namespace annals::internal {

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
  return NewIterator(from_seq, DecodeDepth::kFull);
}

std::unique_ptr<LogIterator> DbEngine::NewIterator(uint64_t from_seq,
                                                   DecodeDepth depth) const {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;  // forward scans read big sequential runs
  return std::make_unique<DbLogIterator>(db_->NewIterator(ro, log_),
                                         std::max<uint64_t>(from_seq, 1), depth);
}

std::unique_ptr<LogIterator> DbEngine::NewPrefetchingIterator(uint64_t from_seq,
                                                              uint64_t max_events,
                                                              DecodeDepth depth) const {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  // A replay reads every block once: caching them would only evict the
  // blocks queries and appends use.
  ro.fill_cache = false;
  return std::make_unique<PrefetchingIterator>(
      std::make_unique<DbLogIterator>(db_->NewIterator(ro, log_),
                                      std::max<uint64_t>(from_seq, 1), depth),
      max_events);
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
