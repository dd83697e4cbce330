#include "timeline/group_cursor.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "annals/time.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"
#include "model/sv.h"

namespace annals::internal {

EntryFilter DateFilter(const Timestamp& from, const Timestamp& to, uint64_t as_of) {
  EntryFilter f;
  f.as_of = as_of;
  if (from.present()) f.lower_occ = EncodeTimestamp({from.micros, Precision::kNone});
  if (to.present()) f.upper_occ = EncodeTimestamp({EndOfPeriod(to) + 1, Precision::kNone});
  return f;
}

absl::Status DamagedEntryError(std::string_view key) {
  return StoreDamagedError(
      absl::StrCat("a damaged timeline entry (key \"", absl::CHexEscape(AV(key)), "\")"));
}

GroupCursor::GroupCursor(std::unique_ptr<rocksdb::Iterator> it, std::string_view data_prefix,
                         std::string_view group, const EntryFilter& filter)
    : it_(std::move(it)),
      data_bytes_(data_prefix.size()),
      prefix_(absl::StrCat(AV(data_prefix), std::string(1, kEntryTag), AV(group))),
      filter_(filter) {}

void GroupCursor::SeekStart(const std::string& cursor) {
  const std::string& lower = filter_.lower_occ;
  const std::string& upper = filter_.upper_occ;
  std::string k = prefix_;
  if (!filter_.reverse) {
    if (!cursor.empty()) {
      k = KeyAfterCursor(prefix_, cursor);
      if (!lower.empty() && cursor.substr(0, kOccBytes) < lower) k = prefix_ + lower;
    } else if (!lower.empty()) {
      k += lower;
    }
    it_->Seek(k);
  } else {
    if (!cursor.empty()) {
      k += cursor;  // every key of the cursor's statement sorts after
      if (!upper.empty() && cursor.substr(0, kOccBytes) >= upper) k = prefix_ + upper;
    } else if (!upper.empty()) {
      k += upper;
    } else {
      k.append(kEntrySuffix + 1, '\xff');
    }
    it_->SeekForPrev(k);
    // SeekForPrev lands on a key <= k; an exact hit on a bound is outside.
    if (it_->Valid() && std::string_view(it_->key().data(), it_->key().size()) == k) it_->Prev();
  }
  Settle();
}

absl::Status GroupCursor::status() const {
  if (!damage_.ok()) return damage_;
  return FromRocks(it_->status(), "reading a timeline");
}

void GroupCursor::Next() {
  if (filter_.reverse) it_->Prev();
  else it_->Next();
  Settle();
}

void GroupCursor::Settle() {
  valid_ = false;
  const uint64_t as_of = filter_.as_of;
  for (; it_->Valid(); filter_.reverse ? it_->Prev() : it_->Next()) {
    std::string_view key(it_->key().data(), it_->key().size());
    if (!key.starts_with(prefix_)) return;
    std::string_view occ = key.substr(prefix_.size(), kOccBytes);
    if (!filter_.reverse && !filter_.upper_occ.empty() && occ >= filter_.upper_occ) return;
    if (filter_.reverse && !filter_.lower_occ.empty() && occ < filter_.lower_occ) return;
    auto e = key.size() == prefix_.size() + kEntrySuffix
                 ? ParseEntry(key.substr(data_bytes_),
                              std::string_view(it_->value().data(), it_->value().size()))
                 : std::nullopt;
    if (!e) {
      // The group's keys are prefix-free, so this entry is this group's.
      damage_ = DamagedEntryError(key);
      return;
    }
    bool current = e->from <= as_of && e->until > as_of;
    bool retracted = filter_.include_retracted && e->end == kEndRetracted &&
                     e->from <= as_of && e->until <= as_of;
    if (current || retracted) {
      entry_ = *e;
      valid_ = true;
      return;
    }
  }
}

namespace {

// The cursor whose entry comes next in walk order, or null.
GroupCursor* Pick(std::vector<std::unique_ptr<GroupCursor>>& cursors, bool reverse) {
  GroupCursor* best = nullptr;
  auto key = [](const EntryRef& e) { return std::pair(e.occ, e.stmt); };
  for (auto& c : cursors) {
    if (!c->valid()) continue;
    if (best == nullptr ||
        (reverse ? key(c->entry()) > key(best->entry()) : key(c->entry()) < key(best->entry())))
      best = c.get();
  }
  return best;
}

}  // namespace

std::vector<Hit> MergeRows(std::vector<std::unique_ptr<GroupCursor>>& cursors, bool reverse,
                           uint8_t role_filter, size_t limit, bool* more,
                           std::string* events) {
  std::vector<Hit> hits;
  hits.reserve(limit != 0 ? limit : 16);
  *more = false;
  for (GroupCursor* c = Pick(cursors, reverse); c != nullptr; c = Pick(cursors, reverse)) {
    Hit h;
    h.cursor = EncodeCursor(c->entry().occ, c->entry().stmt);
    h.stmt = c->entry().stmt;
    h.from = c->entry().from;
    h.until = c->entry().until;
    h.end = c->entry().end;
    if (events != nullptr) {  // copied now: the gather below moves the cursors
      const std::string_view event = c->entry().event;
      events->resize((events->size() + 7) & ~size_t{7});
      h.event_at = events->size();
      h.event_size = event.size();
      events->append(event);
    }
    // Gather the same statement from every group.
    const std::string_view occ = std::string_view(h.cursor).substr(0, kOccBytes);
    for (auto& other : cursors) {
      while (other->valid() && other->entry().stmt == h.stmt && other->entry().occ == occ) {
        h.role |= other->entry().role;
        other->Next();
      }
    }
    const bool shown = role_filter == 0 || (h.role & role_filter) != 0;
    if (!shown || (limit != 0 && hits.size() == limit)) {
      if (events != nullptr) events->resize(h.event_at);  // not a row of this page
      if (!shown) continue;
      *more = true;
      break;
    }
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace annals::internal
