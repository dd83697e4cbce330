// The read path: point reads by seq or id, batched and iterated forward
// scans, store statistics, and the head (and waiting for it to move).
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/wal_recovery.h"
#include "log/keys.h"
#include "log/log_iterator.h"
#include "log/log_store.h"
#include "log/prefetch_iterator.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"
#include "model/sv.h"
#include "rocksdb/table_properties.h"

namespace annals::internal {

absl::StatusOr<Event> LogStore::Get(uint64_t seq) const {
  if (seq == 0 || seq > Head())
    return absl::NotFoundError(absl::StrCat("no event with seq ", seq, " (head is ", Head(), ")"));
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), log_, EncodeSeq(seq), &value);
  if (s.IsNotFound())
    return absl::DataLossError(absl::StrCat("seq ", seq, " is missing from the log"));
  if (!s.ok()) return FromRocks(s, "reading the log");
  return DecodeAt(seq, value);
}

absl::StatusOr<uint64_t> LogStore::FindById(std::string_view id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ids_, rocksdb::Slice(id.data(), id.size()), &value);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no event with id '", AV(id), "'"));
  if (!s.ok()) return FromRocks(s, "reading the id index");
  auto seq = DecodeSeq(value);
  if (!seq) return absl::DataLossError(absl::StrCat("id index entry for '", AV(id), "' is damaged"));
  return *seq;
}

absl::StatusOr<std::vector<Event>> LogStore::Read(uint64_t from_seq, size_t limit) const {
  std::vector<Event> out;
  auto it = NewIterator(from_seq, DecodeDepth::kFull);
  // Stop at the limit before stepping on: the next entry may be damaged,
  // and it is not part of the answer.
  while (out.size() < limit && it->Valid()) {
    out.push_back(it->event());
    if (out.size() < limit) it->Next();
  }
  if (!it->status().ok()) return it->status();
  return out;
}

std::unique_ptr<StoredLogIterator> LogStore::NewIterator(uint64_t from, DecodeDepth depth) const {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;  // forward scans read big sequential runs
  // The expectation before the iterator: its view must hold the head.
  LogExpectation expect = Expectation();
  return std::make_unique<DbLogIterator>(db_->NewIterator(ro, log_), std::max<uint64_t>(from, 1),
                                         std::move(expect), depth);
}

LogExpectation LogStore::Expectation() const {
  LogExpectation out;
  // The head first: a scan must reach it, and lost ranges read after it
  // cover every seq below it that repair gave up.
  out.head = Head();
  if (lost_count_ == 0) return out;
  auto ranges = ReadLostRanges(db_.get(), meta_);
  // Unreadable records: expect every seq, so the scan reports the gap.
  if (ranges.ok()) out.lost = *std::move(ranges);
  std::sort(out.lost.begin(), out.lost.end());
  return out;
}

std::unique_ptr<StoredLogIterator> LogStore::NewPrefetchingIterator(uint64_t from,
                                                                    uint64_t max_events,
                                                                    DecodeDepth depth) const {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  // A replay reads every block once: caching them would only evict the
  // blocks queries and appends use.
  ro.fill_cache = false;
  LogExpectation expect = Expectation();
  return std::make_unique<PrefetchingIterator>(
      std::make_unique<DbLogIterator>(db_->NewIterator(ro, log_), std::max<uint64_t>(from, 1),
                                      std::move(expect), depth),
      max_events);
}

std::vector<absl::StatusOr<Event>> LogStore::ReadEvents(const StoreSnapshot& at,
                                                        std::span<const uint64_t> seqs) const {
  std::vector<std::string> keys;
  keys.reserve(seqs.size());
  for (uint64_t s : seqs) keys.push_back(EncodeSeq(s));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  // The reads skip the block cache: a page's events lie in random blocks
  // that another page rarely wants, and filling the cache would evict the
  // index and the hot blocks.
  rocksdb::ReadOptions ro = at.options();
  ro.fill_cache = false;
  std::vector<absl::StatusOr<Event>> decoded(keys.size(), absl::UnknownError(""));
  // Read and decode in parts, in parallel. Waking a helper costs tens of
  // µs on a VM: only worth it for big pages.
  constexpr size_t kMinPerPart = 32;
  const size_t parts = std::max<size_t>(1, std::min(helpers_->width(), keys.size() / kMinPerPart));
  helpers_->Run(parts, [&](size_t part) {
    const size_t begin = keys.size() * part / parts, end = keys.size() * (part + 1) / parts;
    const size_t n = end - begin;
    std::vector<rocksdb::PinnableSlice> values(n);
    std::vector<rocksdb::Status> statuses(n);
    db_->MultiGet(ro, log_, n, slices.data() + begin, values.data(), statuses.data(),
                  /*sorted_input=*/true);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t seq = seqs[begin + i];
      if (statuses[i].ok()) {
        decoded[begin + i] = DecodeEvent(std::string_view(values[i].data(), values[i].size()));
      } else if (statuses[i].IsNotFound()) {
        decoded[begin + i] = absl::DataLossError(
            absl::StrCat("timeline entry names seq ", seq, ", missing from the log"));
      } else {
        decoded[begin + i] = FromRocks(statuses[i], "reading the log");
      }
    }
  });
  return decoded;
}

bool LogStore::WaitForHead(uint64_t after, absl::Time deadline,
                           const std::atomic<bool>* stop) const {
  absl::MutexLock lock(&head_mu_);
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_) {
    return Head() > after || closing_ || (stop != nullptr && stop->load());
  };
  head_mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
  return Head() > after;
}

void LogStore::WakeHeadWaiters() const { absl::MutexLock lock(&head_mu_); }

absl::Time LogStore::LastAppendTime() const {
  const int64_t ns = last_append_ns_.load(std::memory_order_acquire);
  return ns == absl::ToUnixNanos(absl::InfinitePast()) ? absl::InfinitePast()
                                                       : absl::FromUnixNanos(ns);
}

namespace {

// The entries the log family holds, from its tables' properties and its
// memtables' counters (no read of the log itself). annals never deletes
// from the log; a deletion found there (made under annals) counts as
// itself and the entry it hides. A reader's memtable can repeat entries of
// a table flushed meanwhile: an overcount, never an undercount.
absl::StatusOr<uint64_t> StoredLogEntries(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log) {
  rocksdb::TablePropertiesCollection tables;
  rocksdb::Status s = db->GetPropertiesOfAllTables(log, &tables);
  if (!s.ok()) return FromRocks(s, "reading the log's table properties");
  uint64_t entries = 0, deletions = 0;
  for (const auto& [file, props] : tables) {
    entries += props->num_entries;
    deletions += props->num_deletions;
  }
  auto add = [&](const char* property, uint64_t* to) {
    uint64_t n = 0;
    if (db->GetIntProperty(log, property, &n)) *to += n;
  };
  add("rocksdb.num-entries-active-mem-table", &entries);
  add("rocksdb.num-entries-imm-mem-tables", &entries);
  add("rocksdb.num-deletes-active-mem-table", &deletions);
  add("rocksdb.num-deletes-imm-mem-tables", &deletions);
  return entries - std::min(entries, 2 * deletions);
}

}  // namespace

// The head is the log's state, not a count: a hole in the middle of the
// log (a table file gone, entries removed under annals) leaves both ends
// intact, so the entries the log holds are counted too (issue 16).
absl::StatusOr<StoreStats> LogStore::Stats() const {
  StoreStats st;
  {
    absl::MutexLock lock(&append_mu_);
    st.head = state_.head;
    st.first_occurred_at = state_.occurred_min;
    st.last_occurred_at = state_.occurred_max;
    st.lost = state_.lost_count;
  }
  // Seqs are gapless from 1 but for those `annals repair` recorded lost.
  st.events = st.head;
  if (st.lost != 0) {
    auto lost = ReadLostRanges(db_.get(), meta_);
    if (!lost.ok()) return lost.status();
    for (const auto& [first, last] : *lost)
      if (first <= st.head) st.events -= std::min(last, st.head) - first + 1;
  }
  auto stored = StoredLogEntries(db_.get(), log_);
  if (!stored.ok()) return stored.status();
  if (*stored < st.events)
    return StoreDamagedError(absl::StrCat("the log holds ", *stored, " events but its head is ",
                                          st.head, ": ", st.events - *stored, " are missing"));
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) st.bytes_on_disk += it->file_size(ec);
  }
  return st;
}

}  // namespace annals::internal
