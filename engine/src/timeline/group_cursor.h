// Walking a grouped timeline's entries (projection/entry_keys.h): one
// group's entries in key order (or reverse), skipping versions not valid as
// of the query point, and the merge of several groups into page rows.
#ifndef ANNALS_ENGINE_SRC_TIMELINE_GROUP_CURSOR_H_
#define ANNALS_ENGINE_SRC_TIMELINE_GROUP_CURSOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "projection/entry_keys.h"
#include "rocksdb/iterator.h"

namespace annals::internal {

// Which entries a walk shows.
struct EntryFilter {
  bool reverse = false;          // newest first
  uint64_t as_of = 0;            // versions valid at this seq
  bool include_retracted = false;
  std::string lower_occ;         // encoded occ bounds; "" for none
  std::string upper_occ;         // exclusive
};

// The entries current at `as_of` that occurred in [from, to] (absent
// bounds: none; `to` inclusive of its whole period), as timelines and
// counts bound them.
EntryFilter DateFilter(const Timestamp& from, const Timestamp& to, uint64_t as_of);

// Whether entry `e` (of occurrence `occ`, encoded) passes `f`.
inline bool Shows(const EntryFilter& f, std::string_view occ, const EntryRef& e) {
  if (!f.lower_occ.empty() && occ < f.lower_occ) return false;
  if (!f.upper_occ.empty() && occ >= f.upper_occ) return false;
  if (e.from <= f.as_of && e.until > f.as_of) return true;
  return f.include_retracted && e.end == kEndRetracted && e.from <= f.as_of &&
         e.until <= f.as_of;
}

// kDataLoss marked IsStoreDamaged, naming the timeline entry at `key` that
// cannot be read.
absl::Status DamagedEntryError(std::string_view key);

class GroupCursor {
 public:
  // Walks the entries of `group` in the generation whose keys start with
  // `data_prefix`, with `it` over the projection data.
  GroupCursor(std::unique_ptr<rocksdb::Iterator> it, std::string_view data_prefix,
              std::string_view group, const EntryFilter& filter);

  // Positions on the first entry after `cursor` (a page cursor's bytes;
  // "": from the start).
  void SeekStart(const std::string& cursor);
  bool valid() const { return valid_; }
  const EntryRef& entry() const { return entry_; }
  void Next();
  // The iterator's error, or kDataLoss marked IsStoreDamaged when the walk
  // ended on an entry of the group it cannot read.
  absl::Status status() const;

 private:
  // Moves to the next entry (in walk order) that is visible, or invalid.
  void Settle();

  std::unique_ptr<rocksdb::Iterator> it_;
  const size_t data_bytes_;   // the generation's prefix
  const std::string prefix_;  // the generation's prefix, kEntryTag, group
  const EntryFilter& filter_;
  EntryRef entry_;
  bool valid_ = false;
  absl::Status damage_;
};

// One row of a page: a statement, merged over the groups it is in.
struct Hit {
  std::string cursor;  // occ + S: the cursor of this row
  uint64_t stmt = 0;
  uint64_t from = 0;
  uint64_t until = kOpen;
  uint8_t end = kEndNone;
  uint8_t role = 0;
  // The stored event of version `from`, in the page's event buffer (see
  // MergeRows); size 0 in a layout-2 entry.
  size_t event_at = 0;
  size_t event_size = 0;
};

// Merges the cursors' entries into rows in walk order: the same statement
// under several names of one actor is one row. Rows whose role bits miss
// `role_filter` (0: no filter) are skipped. Stops after `limit` rows (0:
// none), setting *more if any row is left. Each row's event goes into
// `*events` (one buffer for the page: no allocation per row), at an offset
// that is a multiple of 8 so it decodes without an aligning copy; null:
// rows without their events (counting).
std::vector<Hit> MergeRows(std::vector<std::unique_ptr<GroupCursor>>& cursors, bool reverse,
                           uint8_t role_filter, size_t limit, bool* more,
                           std::string* events);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_TIMELINE_GROUP_CURSOR_H_
