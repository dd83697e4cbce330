// The query path: timeline pages (a k-way merge over the groups a query
// covers, filtered to the versions valid as of the query point) and group
// counts.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/db_engine.h"
#include "log/keys.h"
#include "log/records.h"
#include "model/names.h"
#include "model/sv.h"
#include "projection/add_operator.h"
#include "projection/runner.h"
#include "timeline/aliases.h"
#include "timeline/entry_keys.h"
#include "timeline/grouped_timeline.h"

namespace annals {

const char* EntryStatusName(EntryStatus status) {
  switch (status) {
    case EntryStatus::kActive: return "active";
    case EntryStatus::kCorrected: return "corrected";
    case EntryStatus::kRetracted: return "retracted";
  }
  return "unknown";
}

namespace internal {
namespace {

// Releases a snapshot when the query is done.
class Snapshot {
 public:
  explicit Snapshot(rocksdb::DB* db) : db_(db), snap_(db->GetSnapshot()) {}
  ~Snapshot() { db_->ReleaseSnapshot(snap_); }
  const rocksdb::Snapshot* get() const { return snap_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

// One group's entries, walked in key order (or reverse), skipping versions
// not valid as of the query point.
class GroupCursor {
 public:
  // Walks the entries of `group` in the generation whose keys start with
  // `data_prefix`.
  GroupCursor(std::unique_ptr<rocksdb::Iterator> it, std::string_view data_prefix,
              std::string_view group, bool reverse, uint64_t as_of, bool include_retracted,
              std::string lower_occ, std::string upper_occ)
      : it_(std::move(it)),
        data_bytes_(data_prefix.size()),
        prefix_(absl::StrCat(AV(data_prefix), std::string(1, kEntryTag), AV(group))),
        reverse_(reverse),
        as_of_(as_of), include_retracted_(include_retracted),
        lower_occ_(std::move(lower_occ)), upper_occ_(std::move(upper_occ)) {}

  void SeekStart(const std::string& cursor_tail) {
    if (!reverse_) {
      std::string k = prefix_;
      if (!cursor_tail.empty()) {
        k = KeyAfterCursor(prefix_, cursor_tail);
        if (!lower_occ_.empty() && cursor_tail.substr(0, kOccBytes) < lower_occ_)
          k = prefix_ + lower_occ_;
      } else if (!lower_occ_.empty()) {
        k += lower_occ_;
      }
      it_->Seek(k);
    } else {
      std::string k = prefix_;
      if (!cursor_tail.empty()) {
        k += cursor_tail;  // every key of the cursor's statement sorts after
        if (!upper_occ_.empty() && cursor_tail.substr(0, kOccBytes) >= upper_occ_)
          k = prefix_ + upper_occ_;
      } else if (!upper_occ_.empty()) {
        k += upper_occ_;
      } else {
        k.append(kEntrySuffix + 1, '\xff');
      }
      it_->SeekForPrev(k);
      // SeekForPrev lands on a key <= k; an exact hit on a bound is outside.
      if (it_->Valid() && std::string_view(it_->key().data(), it_->key().size()) == k)
        it_->Prev();
    }
    Settle();
  }

  bool valid() const { return valid_; }
  const EntryRef& entry() const { return entry_; }
  void Next() {
    if (reverse_) it_->Prev();
    else it_->Next();
    Settle();
  }
  rocksdb::Status status() const { return it_->status(); }

 private:
  // Moves to the next entry (in walk order) that is visible, or invalid.
  void Settle() {
    valid_ = false;
    for (; it_->Valid(); reverse_ ? it_->Prev() : it_->Next()) {
      std::string_view key(it_->key().data(), it_->key().size());
      if (!key.starts_with(prefix_) || key.size() != prefix_.size() + kEntrySuffix)
        return;
      std::string_view occ = key.substr(prefix_.size(), kOccBytes);
      if (!reverse_ && !upper_occ_.empty() && occ >= upper_occ_) return;
      if (reverse_ && !lower_occ_.empty() && occ < lower_occ_) return;
      auto e = ParseEntry(key.substr(data_bytes_),
                          std::string_view(it_->value().data(), it_->value().size()));
      if (!e) return;
      bool current = e->from <= as_of_ && e->until > as_of_;
      bool retracted = include_retracted_ && e->end == kEndRetracted &&
                       e->from <= as_of_ && e->until <= as_of_;
      if (current || retracted) {
        entry_ = *e;
        valid_ = true;
        return;
      }
    }
  }

  std::unique_ptr<rocksdb::Iterator> it_;
  const size_t data_bytes_;     // the generation's prefix
  const std::string prefix_;    // the generation's prefix, kEntryTag, group
  const bool reverse_;
  const uint64_t as_of_;
  const bool include_retracted_;
  const std::string lower_occ_, upper_occ_;
  EntryRef entry_;
  bool valid_ = false;
};

// The generation of `name` that answers, as of the snapshot in `ro`;
// nullopt when the projection has never been built.
absl::StatusOr<std::optional<uint32_t>> ActiveGeneration(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
    const rocksdb::ReadOptions& ro, std::string_view name) {
  std::string v;
  rocksdb::Status s = db->Get(ro, meta, ActiveKey(name), &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading projection record");
  auto gen = DecodeActiveRecord(v);
  if (!gen) return absl::DataLossError("projection record is damaged");
  return gen;
}

struct Hit {
  std::string tail;  // occ + S: the cursor of this row
  uint64_t stmt = 0;
  uint64_t from = 0;
  uint64_t until = kOpen;
  uint8_t end = kEndNone;
  uint8_t role = 0;
};

}  // namespace

absl::StatusOr<TimelinePage> DbEngine::Timeline(const TimelineQuery& q) const {
  if (proj_ == nullptr) return absl::UnavailableError("this store has no projection data");
  const std::string name = !q.projection.empty()        ? q.projection
                           : q.kind == TimelineKind::kActor ? "actors"
                                                            : "topics";
  std::shared_ptr<const GroupedTimeline> tl;
  {
    absl::MutexLock lock(&registry_mu_);
    auto it = slots_.find(name);
    if (it == slots_.end())
      return absl::NotFoundError(absl::StrCat("no projection named '", name, "'"));
    tl = std::dynamic_pointer_cast<const GroupedTimeline>(it->second->projection);
    if (tl == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("projection '", name,
                                                     "' is not a timeline"));
    const ProjectionRunner& a = *it->second->active;
    if (a.mode() == ProjectionRunner::Mode::kBuilding && !q.wait)
      return absl::UnavailableError(absl::StrCat(
          "projection ", name, " is still building: at seq ", a.checkpoint(),
          " of ", Head()));
  }
  const uint64_t head = Head();
  if (q.as_of && *q.as_of > head)
    return absl::OutOfRangeError(absl::StrCat("as-of seq ", *q.as_of,
                                              " is beyond the head (", head, ")"));
  const uint64_t target = q.as_of.value_or(head);
  if (q.wait) {
    if (auto st = WaitForProjection(name, target, absl::Hours(1)); !st.ok()) return st;
  }

  std::vector<std::string> groups;
  if (!q.projection.empty()) {
    auto g = tl->QueryGroup(q.key);
    if (!g.ok()) return g.status();
    groups.push_back(*g);
  }

  Snapshot snap(db_.get());
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  auto active = ActiveGeneration(db_.get(), meta_, ro, name);
  if (!active.ok()) return active.status();
  if (!active->has_value())
    return absl::UnavailableError(absl::StrCat("projection ", name, " has not been built"));
  const uint32_t gen = **active;
  std::string v;
  rocksdb::Status s = db_->Get(ro, meta_, GenerationKey(name, gen), &v);
  if (!s.ok()) return FromRocks(s, "reading projection checkpoint");
  auto record = DecodeGeneration(v);
  if (!record) return absl::DataLossError("projection checkpoint is damaged");
  const uint64_t checkpoint = record->checkpoint;
  if (q.as_of && *q.as_of > checkpoint && q.wait)
    return absl::UnavailableError(absl::StrCat("projection ", name, " is at seq ",
                                               checkpoint, ", behind as-of ", *q.as_of));
  const uint64_t as_of = std::min(target, checkpoint);

  AliasView aliases(AliasesAsOf(as_of));
  if (q.projection.empty()) {
    std::string n = NormalizeName(q.name);
    if (tl->actors()) {
      for (const std::string& x : aliases.ClassOf(n)) groups.push_back(EncodeGroup({x}));
    } else {
      groups.push_back(EncodeGroup({n}));
    }
  }

  std::string cursor_tail;
  if (!q.cursor.empty()) {
    bool hex = q.cursor.size() == 2 * kCursorBytes &&
               q.cursor.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (!hex) return absl::InvalidArgumentError("cursor: not a cursor from a previous page");
    cursor_tail = absl::HexStringToBytes(q.cursor);
  }
  std::string lower_occ = q.from.present()
                              ? EncodeTimestamp({q.from.micros, Precision::kNone})
                              : std::string();
  std::string upper_occ = q.to.present()
                              ? EncodeTimestamp({EndOfPeriod(q.to) + 1, Precision::kNone})
                              : std::string();

  const std::string data_prefix = ProjectionPrefix(name, gen);
  std::vector<std::unique_ptr<GroupCursor>> cursors;
  for (const std::string& g : groups) {
    auto c = std::make_unique<GroupCursor>(
        std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, proj_)),
        data_prefix, g, q.reverse, as_of,
        q.include_retracted, lower_occ, upper_occ);
    c->SeekStart(cursor_tail);
    cursors.push_back(std::move(c));
  }

  // Merge: next row is the smallest (or largest) occ+S among the groups;
  // the same statement under several names of one actor is one row.
  const uint8_t role_filter = static_cast<uint8_t>(q.role);
  auto pick = [&]() -> GroupCursor* {
    GroupCursor* best = nullptr;
    for (auto& c : cursors) {
      if (!c->valid()) continue;
      if (best == nullptr) {
        best = c.get();
        continue;
      }
      auto key = [](const EntryRef& e) { return std::pair(e.occ, e.stmt); };
      bool better = q.reverse ? key(c->entry()) > key(best->entry())
                              : key(c->entry()) < key(best->entry());
      if (better) best = c.get();
    }
    return best;
  };
  std::vector<Hit> hits;
  bool more = false;
  for (;;) {
    GroupCursor* c = pick();
    if (c == nullptr) break;
    Hit h;
    h.tail = EncodeCursor(c->entry().occ, c->entry().stmt);
    h.stmt = c->entry().stmt;
    h.from = c->entry().from;
    h.until = c->entry().until;
    h.end = c->entry().end;
    // Gather the same statement from every group.
    for (auto& other : cursors) {
      while (other->valid() && other->entry().stmt == h.stmt &&
             other->entry().occ == std::string_view(h.tail).substr(0, kOccBytes)) {
        h.role |= other->entry().role;
        other->Next();
      }
    }
    if (tl->actors() && (h.role & role_filter) == 0) continue;
    if (q.limit != 0 && hits.size() == q.limit) {
      more = true;
      break;
    }
    hits.push_back(std::move(h));
  }
  for (auto& c : cursors)
    if (!c->status().ok()) return FromRocks(c->status(), "reading the timeline");

  // Fetch the versions to show, and the originals of corrected ones, in
  // one batched, sorted MultiGet; each seq once.
  std::vector<uint64_t> seqs;
  for (const Hit& h : hits) {
    seqs.push_back(h.from);
    if (h.from != h.stmt) seqs.push_back(h.stmt);
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::vector<std::string> keys;
  keys.reserve(seqs.size());
  for (uint64_t s : seqs) keys.push_back(EncodeU64(s));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  // Read and decode in parts, in parallel (concurrency/helper_pool.h). The log
  // reads skip the block cache: a page's events lie in random blocks that
  // another page rarely wants, and filling the cache would evict the index
  // and the hot blocks.
  rocksdb::ReadOptions log_ro = ro;
  log_ro.fill_cache = false;
  std::vector<absl::StatusOr<Event>> decoded(keys.size(), absl::UnknownError(""));
  // Waking a helper costs tens of µs on a VM: only worth it for big pages.
  constexpr size_t kMinPerPart = 32;
  const size_t parts =
      std::max<size_t>(1, std::min(helpers_->width(), keys.size() / kMinPerPart));
  helpers_->Run(parts, [&](size_t part) {
    const size_t begin = keys.size() * part / parts, end = keys.size() * (part + 1) / parts;
    const size_t n = end - begin;
    std::vector<rocksdb::PinnableSlice> values(n);
    std::vector<rocksdb::Status> statuses(n);
    db_->MultiGet(log_ro, log_, n, slices.data() + begin, values.data(), statuses.data(),
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
  // A seq asked for once (the rule) is moved out, not copied.
  std::vector<uint8_t> uses(seqs.size(), 0);
  auto index_of = [&](uint64_t seq) {
    return static_cast<size_t>(std::lower_bound(seqs.begin(), seqs.end(), seq) - seqs.begin());
  };
  for (const Hit& h : hits) {
    ++uses[index_of(h.from)];
    if (h.from != h.stmt) ++uses[index_of(h.stmt)];
  }
  auto value_of = [&](uint64_t seq) -> absl::StatusOr<Event> {
    const size_t i = index_of(seq);
    if (--uses[i] == 0) return std::move(decoded[i]);
    return decoded[i];
  };

  TimelinePage page;
  page.as_of = as_of;
  for (size_t i = 0; i < hits.size(); ++i) {
    const Hit& h = hits[i];
    auto version = value_of(h.from);
    if (!version.ok()) return version.status();
    TimelineEntry entry;
    if (h.from == h.stmt) {
      entry.event = *std::move(version);
    } else {
      auto original = value_of(h.stmt);
      if (!original.ok()) return original.status();
      entry.event = *std::move(original);
      entry.event.statement = std::move(version->statement);
      entry.event.statement.id = entry.event.id;
    }
    entry.version_seq = h.from;
    entry.status = h.end == kEndRetracted && h.until <= as_of ? EntryStatus::kRetracted
                   : h.from != h.stmt                        ? EntryStatus::kCorrected
                                                             : EntryStatus::kActive;
    entry.role = tl->actors() ? static_cast<Role>(h.role) : Role::kAny;
    if (!aliases.empty()) {
      Statement& st = entry.event.statement;
      if (!st.speaker.empty()) st.speaker = aliases.Display(st.speaker);
      for (std::string& t : st.targets) t = aliases.Display(t);
    }
    page.entries.push_back(std::move(entry));
  }
  if (more && !hits.empty()) page.next_cursor = absl::BytesToHexString(hits.back().tail);
  return page;
}

absl::StatusOr<std::vector<GroupCount>> DbEngine::Counts(std::string_view projection,
                                                         std::string_view prefix,
                                                         size_t top) const {
  if (proj_ == nullptr) return absl::UnavailableError("this store has no projection data");
  {
    absl::MutexLock lock(&registry_mu_);
    auto it = slots_.find(projection);
    if (it == slots_.end())
      return absl::NotFoundError(absl::StrCat("no projection named '", AV(projection), "'"));
    if (!std::dynamic_pointer_cast<const GroupedTimeline>(it->second->projection))
      return absl::InvalidArgumentError(absl::StrCat("projection '", AV(projection),
                                                     "' is not a timeline"));
  }
  if (auto st = WaitForProjection(projection, Head(), absl::Hours(1)); !st.ok()) return st;
  Snapshot snap(db_.get());
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  auto active = ActiveGeneration(db_.get(), meta_, ro, projection);
  if (!active.ok()) return active.status();
  if (!active->has_value()) return std::vector<GroupCount>{};
  const uint32_t gen = **active;
  rocksdb::Status s;
  const std::string data_prefix = ProjectionPrefix(projection, gen);
  const std::string count_prefix = data_prefix + kCountTag;
  const std::string want = NormalizeName(prefix);

  std::vector<GroupCount> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, proj_));
  for (it->Seek(count_prefix); it->Valid() && it->key().starts_with(count_prefix);
       it->Next()) {
    int64_t n = DecodeI64Le({it->value().data(), it->value().size()});
    if (n <= 0) continue;
    std::string group = it->key().ToString().substr(count_prefix.size());
    auto values = DecodeGroup(group);
    if (!values || values->empty()) continue;
    if (!want.empty() && !(*values)[0].starts_with(want)) continue;
    GroupCount gc;
    gc.count = static_cast<uint64_t>(n);
    std::string display;
    s = db_->Get(ro, proj_, data_prefix + kDisplayTag + group, &display);
    auto shown = s.ok() ? DecodeGroup(display) : std::nullopt;
    gc.key = shown ? *shown : *values;
    out.push_back(std::move(gc));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counts");
  std::stable_sort(out.begin(), out.end(), [](const GroupCount& a, const GroupCount& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (top != 0 && out.size() > top) out.resize(top);
  return out;
}

}  // namespace internal
}  // namespace annals
