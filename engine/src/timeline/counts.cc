// Group counts (Engine::Counts, CountsQuery in annals/timeline.h): how many
// statements each group of a grouped timeline holds in the current view as
// of a point, within a date range, shown by one display rule.
//
// At the projection's checkpoint with no date range, the stored totals
// ('n' records) are the answer. Otherwise one walk over the projection's
// entries ('e', grouped and in time order within a group) tallies the
// entries a timeline would show (GroupCursor's filter): the projection's
// size, never the log's. A per-period tally is the same walk with a bucket
// of the entry's occ added to the group.
//
// Aliases (actors): the groups of one alias class, as of the query point,
// are one count, shown by the canonical name; a statement filed under two
// names of a class counts once (those classes are merged as a timeline
// merges them, by MergeRows).
#include <algorithm>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"
#include "model/names.h"
#include "model/sv.h"
#include "projection/entry_keys.h"
#include "timeline/aliases.h"
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
    if (!e)
      return StoreDamagedError(
          absl::StrCat("a damaged timeline entry (key \"", absl::CHexEscape(AV(key)), "\")"));
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

// The key a row shows: the group's values as last written ('d'), each
// actor value of an alias class by the class's canonical name.
absl::StatusOr<std::vector<std::string>> DisplayKey(const ProjectionStorage& storage,
                                                    const Row& r,
                                                    const std::vector<bool>& actor_keys,
                                                    const AliasView& aliases,
                                                    const std::string& data_prefix,
                                                    const StoreSnapshot& snap) {
  auto display = storage.GetData(data_prefix + kDisplayTag + r.groups[0], &snap);
  if (!display.ok()) return display.status();
  auto shown = display->has_value() ? DecodeGroup(**display) : std::nullopt;
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
  const bool stored = !q.from.present() && !q.to.present() && view->as_of == view->checkpoint;
  Tally tally;
  absl::Status st = stored ? StoredTotals(storage_, snap, data_prefix, &tally)
                           : WalkEntries(storage_, snap, data_prefix, filter, &tally);
  if (!st.ok()) return st;

  const AliasView aliases(log_.AliasesAsOf(view->as_of));
  const std::vector<bool> actor_keys = found.layout->actor_keys();
  const std::string want = NormalizeName(q.prefix);
  std::vector<GroupCount> out;
  for (Row& r : RowsOf(tally, actor_keys, aliases)) {
    if (!MatchesPrefix(r, want)) continue;
    if (r.groups.size() > 1) {
      auto n = DistinctStatements(storage_, snap, data_prefix, r.groups, filter);
      if (!n.ok()) return n.status();
      r.count = *n;
    }
    auto key = DisplayKey(storage_, r, actor_keys, aliases, data_prefix, snap);
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
