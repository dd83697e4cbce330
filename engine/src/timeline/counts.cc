// Group counts (Engine::Counts, CountsQuery in annals/timeline.h): how many
// statements each group of a grouped timeline holds in the current view as
// of a point, within a date range, shown by one display rule.
//
// With no date range, the stored totals ('n' records) are the answer at
// the projection's checkpoint; as of an earlier point, the totals less the
// tail after it (timeline/forms.h: the log's events and the projection's
// closures after the point), so the cost follows the tail. With a date
// range (or a layout before closures were kept), one walk over the
// projection's entries ('e', grouped and in time order within a group)
// tallies the entries a timeline would show (GroupCursor's filter). A
// per-period tally is the same walk with a bucket of the entry's occ
// added to the group.
//
// Aliases (actors): the groups of one alias class, as of the query point,
// are one count, shown by the canonical name; a statement filed under two
// names of a class counts once (those classes are merged as a timeline
// merges them, by MergeRows).
#include <algorithm>
#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/names.h"
#include "projection/entry_keys.h"
#include "timeline/aliases.h"
#include "timeline/forms.h"
#include "timeline/group_cursor.h"
#include "timeline/reader.h"

namespace annals::internal {
namespace {

// Encoded group -> statements counted.
using Tally = std::map<std::string, uint64_t>;

// The stored current totals ('n' records).
absl::Status StoredTotals(const ProjectionStorage& storage, const StoreSnapshot& snap,
                          const std::string& data_prefix, Tally* out) {
  const std::string count_prefix = data_prefix + kCountTag;
  std::unique_ptr<rocksdb::Iterator> it = storage.NewDataIterator(snap);
  for (it->Seek(count_prefix); it->Valid() && it->key().starts_with(count_prefix); it->Next()) {
    const int64_t n = DecodeI64Le({it->value().data(), it->value().size()});
    if (n > 0) (*out)[it->key().ToString().substr(count_prefix.size())] = static_cast<uint64_t>(n);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counts");
  return absl::OkStatus();
}

// One walk over every entry, counting those `filter` shows.
absl::Status WalkEntries(const ProjectionStorage& storage, const StoreSnapshot& snap,
                         const std::string& data_prefix, const EntryFilter& filter,
                         Tally* out) {
  const std::string entry_prefix = data_prefix + kEntryTag;
  std::unique_ptr<rocksdb::Iterator> it = storage.NewDataIterator(snap);
  std::string group;  // the group being counted, and its count so far
  uint64_t n = 0;
  for (it->Seek(entry_prefix); it->Valid() && it->key().starts_with(entry_prefix); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    auto e = ParseEntry(key.substr(data_prefix.size()),
                        std::string_view(it->value().data(), it->value().size()));
    if (!e) return DamagedEntryError(key);
    if (!Shows(filter, e->occ, *e)) continue;
    if (e->group != group) {
      if (n > 0) (*out)[group] = n;
      group.assign(e->group);
      n = 0;
    }
    ++n;
  }
  if (n > 0) (*out)[group] = n;
  if (!it->status().ok()) return FromRocks(it->status(), "reading counts");
  return absl::OkStatus();
}

// The totals at the checkpoint become those as of the point.
void LessTheTail(const TailDelta& delta, Tally* tally) {
  if (delta.absolute()) tally->clear();
  for (const auto& [group, change] : delta.groups()) {
    auto it = tally->find(group);
    const int64_t n = (it == tally->end() ? 0 : static_cast<int64_t>(it->second)) + change;
    if (n > 0) (*tally)[group] = static_cast<uint64_t>(n);
    else if (it != tally->end()) tally->erase(it);
  }
}

// Statements in any of `groups` (one alias class), each counted once.
absl::StatusOr<uint64_t> DistinctStatements(const ProjectionStorage& storage,
                                            const StoreSnapshot& snap,
                                            const std::string& data_prefix,
                                            const std::vector<std::string>& groups,
                                            const EntryFilter& filter) {
  std::vector<std::unique_ptr<GroupCursor>> cursors;
  for (const std::string& g : groups) {
    cursors.push_back(
        std::make_unique<GroupCursor>(storage.NewDataIterator(snap), data_prefix, g, filter));
    cursors.back()->SeekStart("");
  }
  bool more = false;
  const uint64_t n = MergeRows(cursors, false, 0, 0, &more, nullptr).size();
  for (auto& c : cursors)
    if (absl::Status s = c->status(); !s.ok()) return s;
  return n;
}

// One counted row before display: its groups (one, or those whose actor
// values are names of the same alias classes).
struct Row {
  std::vector<std::string> groups;
  std::vector<std::string> id;     // the key, actor values by their alias roots
  std::vector<std::string> firsts; // the first values of its groups
  uint64_t count = 0;
};

// The tally in rows: one per group, or per key of alias roots.
std::vector<Row> RowsOf(const Tally& tally, const std::vector<bool>& actor_keys,
                        const AliasView& aliases) {
  std::map<std::vector<std::string>, Row> by_id;
  for (const auto& [group, n] : tally) {
    auto values = DecodeGroup(group);
    if (!values || values->empty()) continue;
    std::vector<std::string> id = *values;
    for (size_t i = 0; i < id.size() && i < actor_keys.size(); ++i)
      if (actor_keys[i] && !aliases.empty()) id[i] = aliases.Root(id[i]);
    Row& r = by_id[id];
    if (r.id.empty()) r.id = std::move(id);
    r.groups.push_back(group);
    r.firsts.push_back((*values)[0]);
    r.count += n;
  }
  std::vector<Row> rows;
  rows.reserve(by_id.size());
  for (auto& [id, r] : by_id) rows.push_back(std::move(r));
  return rows;
}

bool MatchesPrefix(const Row& r, const std::string& want) {
  if (want.empty() || r.id[0].starts_with(want)) return true;
  return std::any_of(r.firsts.begin(), r.firsts.end(),
                     [&](const std::string& n) { return n.starts_with(want); });
}

// The count of the `top`th row when rows are ordered by count (0: all).
uint64_t Least(const std::vector<Row>& rows, uint64_t top) {
  if (top == 0 || rows.size() <= top) return 0;
  std::vector<uint64_t> counts;
  counts.reserve(rows.size());
  for (const Row& r : rows) counts.push_back(r.count);
  std::nth_element(counts.begin(), counts.begin() + static_cast<ptrdiff_t>(top - 1), counts.end(),
                   std::greater<uint64_t>());
  return counts[top - 1];
}

// The key a row shows: the values of its first group as most of its
// statements wrote them as of the point (timeline/forms.h; a layout before
// written forms: as last written, 'd'), each actor value of an alias class
// by the class's canonical name.
absl::StatusOr<std::vector<std::string>> DisplayKey(const ProjectionStorage& storage,
                                                    const Row& r,
                                                    const std::vector<bool>& actor_keys,
                                                    const AliasView& aliases,
                                                    const std::string& data_prefix,
                                                    const StoreSnapshot& snap,
                                                    const TailDelta* forms,
                                                    rocksdb::Iterator* it) {
  std::optional<std::string> form;
  if (forms != nullptr) {
    auto shown = ShownForm(*it, data_prefix, r.groups[0], *forms);
    if (!shown.ok()) return shown.status();
    form = *std::move(shown);
  } else {
    auto display = storage.GetData(data_prefix + kDisplayTag + r.groups[0], &snap);
    if (!display.ok()) return display.status();
    form = *std::move(display);
  }
  auto shown = form ? DecodeGroup(*form) : std::nullopt;
  std::vector<std::string> key = shown ? *std::move(shown) : r.id;
  for (size_t i = 0; i < key.size() && i < actor_keys.size() && i < r.id.size(); ++i) {
    const std::string* canonical = actor_keys[i] ? aliases.CanonicalDisplay(r.id[i]) : nullptr;
    if (canonical != nullptr) key[i] = *canonical;
  }
  return key;
}

}  // namespace

absl::StatusOr<std::vector<GroupCount>> TimelineReader::Counts(const CountsQuery& q) const {
  TimelineHandle found;
  auto view = Prepare(q.projection, q.as_of, q.wait, &found);
  if (!view.ok()) return view.status();
  const StoreSnapshot& snap = *view->snapshot;
  const std::string data_prefix = ProjectionPrefix(q.projection, view->gen);
  const EntryFilter filter = DateFilter(q.from, q.to, view->as_of);
  const TimelineLayout& layout = *found.layout;
  std::optional<TailDelta> forms;
  if (layout.HasForms(view->version)) {
    forms.emplace();
    if (view->as_of < view->checkpoint) {
      auto d = TailDelta::Load(log_, storage_, snap, data_prefix, layout, view->as_of,
                               view->checkpoint);
      if (!d.ok()) return d.status();
      forms = *std::move(d);
    }
  }
  // Without a date range: the stored totals, less the tail after the point
  // (a layout before written forms: only at the checkpoint).
  const bool stored = !q.from.present() && !q.to.present() &&
                      (forms.has_value() || view->as_of == view->checkpoint);
  Tally tally;
  absl::Status st = !stored ? WalkEntries(storage_, snap, data_prefix, filter, &tally)
                    : forms && forms->absolute() ? absl::OkStatus()
                                                 : StoredTotals(storage_, snap, data_prefix, &tally);
  if (!st.ok()) return st;
  if (stored && forms) LessTheTail(*forms, &tally);
  const AliasView aliases(log_.AliasesAsOf(view->as_of));
  const std::vector<bool> actor_keys = layout.actor_keys();
  const std::string want = NormalizeName(q.prefix);
  std::vector<Row> rows;
  for (Row& r : RowsOf(tally, actor_keys, aliases)) {
    if (!MatchesPrefix(r, want)) continue;
    if (r.groups.size() > 1) {
      auto n = DistinctStatements(storage_, snap, data_prefix, r.groups, filter);
      if (!n.ok()) return n.status();
      r.count = *n;
    }
    rows.push_back(std::move(r));
  }
  // Only rows that can make the top need their names (ties at its edge are
  // ordered by name).
  const uint64_t least = Least(rows, q.top);
  std::vector<GroupCount> out;
  std::unique_ptr<rocksdb::Iterator> forms_it = storage_.NewDataIterator(snap);
  for (const Row& r : rows) {
    if (r.count < least) continue;
    auto key = DisplayKey(storage_, r, actor_keys, aliases, data_prefix, snap,
                          forms ? &*forms : nullptr, forms_it.get());
    if (!key.ok()) return key.status();
    out.push_back(GroupCount{*std::move(key), r.count});
  }
  std::stable_sort(out.begin(), out.end(), [](const GroupCount& a, const GroupCount& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (q.top != 0 && out.size() > q.top) out.resize(q.top);
  return out;
}

}  // namespace annals::internal
