// Timeline pages: find the projection and the generation that answers,
// turn the query into groups (with aliases as of the query point), merge
// the groups' entries into rows, then read the events the rows show.
#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/keys.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/names.h"
#include "model/sv.h"
#include "projection/entry_keys.h"
#include "timeline/aliases.h"
#include "timeline/group_cursor.h"
#include "timeline/reader.h"

namespace annals {

const char* EntryStatusName(EntryStatus status) {
  switch (status) {
    case EntryStatus::kActive: return "active";
    case EntryStatus::kCorrected: return "corrected";
    case EntryStatus::kRetracted: return "retracted";
  }
  return "unknown";
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kSpeaker: return "speaker";
    case Role::kTarget: return "target";
    case Role::kAny: break;
  }
  return "both";
}

namespace internal {

namespace {

std::string ProjectionName(const TimelineQuery& q) {
  if (!q.projection.empty()) return q.projection;
  return q.kind == TimelineKind::kActor ? "actors" : "topics";
}

// The groups an actor or topic query reads: for actors, every name of the
// actor's alias class.
std::vector<std::string> NameGroups(const TimelineQuery& q, const TimelineLayout& layout,
                                    const AliasView& aliases) {
  std::vector<std::string> groups;
  const std::string n = NormalizeName(q.name);
  if (!layout.actors()) return {EncodeGroup({n})};
  for (const std::string& x : aliases.ClassOf(n)) groups.push_back(EncodeGroup({x}));
  return groups;
}

// The groups a query by key values (a declarative projection) reads: each
// combination of the names of every actor value's alias class.
absl::StatusOr<std::vector<std::string>> KeyGroups(const std::vector<std::string>& key,
                                                   const TimelineLayout& layout,
                                                   const AliasView& aliases) {
  const std::vector<bool> actor = layout.actor_keys();
  std::vector<std::vector<std::string>> combos(1);
  for (size_t i = 0; i < key.size(); ++i) {
    std::vector<std::string> names = {key[i]};
    if (i < actor.size() && actor[i] && !aliases.empty()) {
      std::set<std::string> c = aliases.ClassOf(NormalizeName(key[i]));
      names.assign(c.begin(), c.end());
    }
    std::vector<std::vector<std::string>> next;
    for (const auto& combo : combos)
      for (const std::string& n : names) {
        next.push_back(combo);
        next.back().push_back(n);
      }
    combos = std::move(next);
  }
  std::set<std::string> groups;
  for (const auto& combo : combos) {
    auto g = layout.QueryGroup(combo);
    if (!g.ok()) return g.status();
    groups.insert(*std::move(g));
  }
  return std::vector<std::string>(groups.begin(), groups.end());
}

absl::StatusOr<std::string> DecodePageCursor(const std::string& cursor) {
  if (cursor.empty()) return std::string();
  bool hex = cursor.size() == 2 * kCursorBytes &&
             cursor.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (!hex) return absl::InvalidArgumentError("cursor: not a cursor from a previous page");
  return absl::HexStringToBytes(cursor);
}

EntryFilter FilterOf(const TimelineQuery& q, uint64_t as_of) {
  EntryFilter f = DateFilter(q.from, q.to, as_of);
  f.reverse = q.reverse;
  f.include_retracted = q.include_retracted;
  return f;
}

}  // namespace

// The events the rows show that their entries do not carry: the original
// of a corrected row (its id and recorded_at), and every event of a
// layout-2 entry. Read in one batch, each seq once.
class RowEvents {
 public:
  RowEvents(const EventLog& log, const StoreSnapshot& at, const std::vector<Hit>& hits,
            const std::string& stored)
      : stored_(stored) {
    for (const Hit& h : hits) {
      if (h.event_size == 0) seqs_.push_back(h.from);
      if (h.from != h.stmt) seqs_.push_back(h.stmt);
    }
    if (seqs_.empty()) return;
    std::sort(seqs_.begin(), seqs_.end());
    seqs_.erase(std::unique(seqs_.begin(), seqs_.end()), seqs_.end());
    decoded_ = log.ReadEvents(at, seqs_);
    uses_.assign(seqs_.size(), 0);
    for (const Hit& h : hits) {
      if (h.event_size == 0) ++uses_[IndexOf(h.from)];
      if (h.from != h.stmt) ++uses_[IndexOf(h.stmt)];
    }
  }
  // The event at `seq`; one asked for once (the rule) is moved, not copied.
  absl::StatusOr<Event> Take(uint64_t seq) {
    const size_t i = IndexOf(seq);
    if (--uses_[i] == 0) return std::move(decoded_[i]);
    return decoded_[i];
  }
  // The stored event row `h`'s entry carries (empty for layout 2).
  std::string_view Stored(const Hit& h) const {
    return std::string_view(stored_).substr(h.event_at, h.event_size);
  }

 private:
  const std::string& stored_;
  size_t IndexOf(uint64_t seq) const {
    return static_cast<size_t>(std::lower_bound(seqs_.begin(), seqs_.end(), seq) - seqs_.begin());
  }
  std::vector<uint64_t> seqs_;
  std::vector<absl::StatusOr<Event>> decoded_;
  std::vector<uint8_t> uses_;
};

namespace {

// The version event of row `h`: decoded from the entry, or read from the
// log for a layout-2 entry.
absl::StatusOr<Event> VersionOf(const Hit& h, RowEvents& events) {
  if (h.event_size == 0) return events.Take(h.from);
  auto e = DecodeEvent(events.Stored(h));
  if (!e.ok())
    return absl::DataLossError(
        absl::StrCat("timeline entry of seq ", h.from, ": ", e.status().message()));
  if (e->seq != h.from)
    return absl::DataLossError(
        absl::StrCat("timeline entry of seq ", h.from, " carries seq ", e->seq));
  return e;
}

EntryStatus StatusOf(const Hit& h, uint64_t as_of) {
  return h.end == kEndRetracted && h.until <= as_of ? EntryStatus::kRetracted
         : h.from != h.stmt                        ? EntryStatus::kCorrected
                                                   : EntryStatus::kActive;
}

// The page entry of row `h`.
absl::StatusOr<TimelineEntry> EntryOf(const Hit& h, RowEvents& events, uint64_t as_of,
                                      bool actors, const AliasView& aliases) {
  auto version = VersionOf(h, events);
  if (!version.ok()) return version.status();
  TimelineEntry entry;
  if (h.from == h.stmt) {
    entry.event = *std::move(version);
  } else {
    auto original = events.Take(h.stmt);
    if (!original.ok()) return original.status();
    entry.event = *std::move(original);
    entry.event.statement = std::move(version->statement);
    entry.event.statement.id = entry.event.id;
  }
  entry.version_seq = h.from;
  entry.status = StatusOf(h, as_of);
  entry.role = actors ? static_cast<Role>(h.role) : Role::kAny;
  if (!aliases.empty()) {
    Statement& st = entry.event.statement;
    if (!st.speaker.empty()) st.speaker = aliases.Display(st.speaker);
    for (std::string& t : st.targets) t = aliases.Display(t);
  }
  return entry;
}

// Whether row `h` shows the event its entry carries as stored: an
// uncorrected row of a layout-3 entry whose actors no alias renames. The
// stored bytes must pass their checksum and carry the row's seq; without
// aliases they are not decoded further here, so damage that keeps the
// checksum whole is found by the reader that decodes them (the client).
absl::StatusOr<bool> ShownAsStored(const Hit& h, const RowEvents& events,
                                   const AliasView& aliases) {
  if (h.event_size == 0 || h.from != h.stmt) return false;
  const std::string_view bytes = events.Stored(h);
  auto damaged = [&](const absl::Status& s) {
    return absl::DataLossError(absl::StrCat("timeline entry of seq ", h.from, ": ", s.message()));
  };
  uint64_t seq = 0;
  bool renamed = false;
  if (aliases.empty()) {
    auto s = StoredEventSeq(bytes);
    if (!s.ok()) return damaged(s.status());
    seq = *s;
  } else {
    auto e = DecodeEvent(bytes, DecodeDepth::kGrouping);
    if (!e.ok()) return damaged(e.status());
    seq = e->seq;
    const Statement& st = e->statement;
    renamed = !st.speaker.empty() && aliases.Display(st.speaker) != st.speaker;
    for (const std::string& t : st.targets) renamed = renamed || aliases.Display(t) != t;
  }
  if (seq != h.from)
    return absl::DataLossError(
        absl::StrCat("timeline entry of seq ", h.from, " carries seq ", seq));
  return !renamed;
}

}  // namespace

absl::StatusOr<TimelineReader::View> TimelineReader::OpenView(const std::string& name,
                                                              std::optional<uint64_t> as_of,
                                                              bool wait,
                                                              uint64_t target) const {
  View view;
  view.snapshot.emplace(storage_.Snapshot());
  const StoreSnapshot* at = &*view.snapshot;
  auto active = storage_.ActiveGeneration(name, at);
  if (!active.ok()) return active.status();
  if (!active->has_value())
    return absl::UnavailableError(absl::StrCat("projection ", name, " has not been built"));
  view.gen = **active;
  auto record = storage_.Generation(name, view.gen, at);
  if (!record.ok()) return record.status();
  if (!record->has_value())
    return absl::NotFoundError(absl::StrCat("projection ", name, " has no checkpoint record"));
  view.checkpoint = (*record)->checkpoint;
  view.version = (*record)->version;
  if (as_of && *as_of > view.checkpoint && wait)
    return absl::UnavailableError(absl::StrCat("projection ", name, " is at seq ",
                                               view.checkpoint, ", behind as-of ", *as_of));
  view.as_of = std::min(target, view.checkpoint);
  return view;
}

absl::StatusOr<TimelineReader::View> TimelineReader::Prepare(const std::string& name,
                                                             std::optional<uint64_t> as_of,
                                                             bool wait,
                                                             TimelineHandle* handle) const {
  if (!storage_.has_projection_data())
    return absl::UnavailableError("this store has no projection data");
  auto found = catalog_.FindTimeline(name);
  if (!found.ok()) return found.status();
  *handle = *std::move(found);
  if (handle->building && !wait)
    return absl::UnavailableError(absl::StrCat("projection ", name, " is still building: at seq ",
                                               handle->checkpoint, " of ", log_.Head()));
  const uint64_t head = log_.Head();
  if (as_of && *as_of > head)
    return absl::OutOfRangeError(
        absl::StrCat("as-of seq ", *as_of, " is beyond the head (", head, ")"));
  const uint64_t target = as_of.value_or(head);
  if (wait) {
    if (auto st = catalog_.WaitForProjection(name, target, absl::Hours(1)); !st.ok()) return st;
  }
  return OpenView(name, as_of, wait, target);
}

absl::StatusOr<TimelineReader::PageEnds> TimelineReader::WalkRows(const TimelineQuery& q,
                                                                  RowFn row) const {
  const std::string name = ProjectionName(q);
  TimelineHandle found;
  auto view = Prepare(name, q.as_of, q.wait, &found);
  if (!view.ok()) return view.status();
  const TimelineLayout& layout = *found.layout;
  const AliasView aliases(log_.AliasesAsOf(view->as_of));
  std::vector<std::string> groups;
  if (!q.projection.empty()) {
    auto g = KeyGroups(q.key, layout, aliases);
    if (!g.ok()) return g.status();
    groups = *std::move(g);
  } else {
    groups = NameGroups(q, layout, aliases);
  }
  auto cursor = DecodePageCursor(q.cursor);
  if (!cursor.ok()) return cursor.status();

  const EntryFilter filter = FilterOf(q, view->as_of);
  const std::string data_prefix = ProjectionPrefix(name, view->gen);
  std::vector<std::unique_ptr<GroupCursor>> cursors;
  for (const std::string& g : groups) {
    cursors.push_back(std::make_unique<GroupCursor>(storage_.NewDataIterator(*view->snapshot),
                                                    data_prefix, g, filter));
    cursors.back()->SeekStart(*cursor);
  }
  bool more = false;
  std::string stored;  // the rows' events, as their entries carry them
  const std::vector<Hit> hits =
      MergeRows(cursors, q.reverse, layout.actors() ? static_cast<uint8_t>(q.role) : 0, q.limit,
                &more, &stored);
  for (auto& c : cursors)
    if (absl::Status s = c->status(); !s.ok()) return s;

  RowEvents events(log_, *view->snapshot, hits, stored);
  const RowContext context{view->as_of, layout.actors(), aliases, hits.size()};
  for (const Hit& h : hits)
    if (absl::Status s = row(h, events, context); !s.ok()) return s;
  PageEnds ends;
  ends.as_of = view->as_of;
  if (more && !hits.empty()) ends.next_cursor = absl::BytesToHexString(hits.back().cursor);
  return ends;
}

absl::StatusOr<TimelinePage> TimelineReader::Timeline(const TimelineQuery& q) const {
  TimelinePage page;
  auto ends = WalkRows(q, [&](const Hit& h, RowEvents& events, const RowContext& c) {
    auto entry = EntryOf(h, events, c.as_of, c.actors, c.aliases);
    if (!entry.ok()) return entry.status();
    page.entries.reserve(c.rows);
    page.entries.push_back(*std::move(entry));
    return absl::OkStatus();
  });
  if (!ends.ok()) return ends.status();
  page.as_of = ends->as_of;
  page.next_cursor = std::move(ends->next_cursor);
  return page;
}

absl::StatusOr<StoredPage> TimelineReader::StoredTimeline(const TimelineQuery& q) const {
  StoredPage page;
  auto ends = WalkRows(q, [&](const Hit& h, RowEvents& events, const RowContext& c) {
    page.entries.reserve(c.rows);
    StoredEntry out;
    out.version_seq = h.from;
    out.status = StatusOf(h, c.as_of);
    out.role = c.actors ? static_cast<Role>(h.role) : Role::kAny;
    auto unchanged = ShownAsStored(h, events, c.aliases);
    if (!unchanged.ok()) return unchanged.status();
    if (*unchanged) {
      out.event.assign(events.Stored(h));
    } else {
      auto entry = EntryOf(h, events, c.as_of, c.actors, c.aliases);
      if (!entry.ok()) return entry.status();
      EncodeEvent(entry->event, &out.event);
    }
    page.entries.push_back(std::move(out));
    return absl::OkStatus();
  });
  if (!ends.ok()) return ends.status();
  page.as_of = ends->as_of;
  page.next_cursor = std::move(ends->next_cursor);
  return page;
}

}  // namespace internal
}  // namespace annals
