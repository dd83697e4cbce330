// The projection path of every grouped timeline: each statement version
// becomes one entry per group; a correction or retraction closes the
// entries of the version it supersedes.
#include "projection/grouped_timeline.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "model/names.h"
#include "projection/entry_keys.h"

namespace annals::internal {
namespace {

// Statement state: the entries its current version occupies.
struct StmtState {
  uint64_t from = 0;
  bool retracted = false;
  std::vector<std::pair<std::string, uint8_t>> entries;  // key, role
};

std::string EncodeState(const StmtState& st) {
  std::string v = EncodeU64(st.from);
  v.push_back(st.retracted ? 1 : 0);
  for (const auto& [key, role] : st.entries) {
    v.push_back(static_cast<char>(key.size() >> 8));
    v.push_back(static_cast<char>(key.size() & 0xFF));
    v += key;
    v.push_back(static_cast<char>(role));
  }
  return v;
}

std::optional<StmtState> DecodeState(std::string_view v) {
  if (v.size() < 9) return std::nullopt;
  StmtState st;
  st.from = *DecodeU64(v.substr(0, 8));
  st.retracted = v[8] != 0;
  v.remove_prefix(9);
  while (!v.empty()) {
    if (v.size() < 2) return std::nullopt;
    size_t n = (static_cast<uint8_t>(v[0]) << 8) | static_cast<uint8_t>(v[1]);
    if (v.size() < 2 + n + 1) return std::nullopt;
    st.entries.emplace_back(std::string(v.substr(2, n)), static_cast<uint8_t>(v[2 + n]));
    v.remove_prefix(2 + n + 1);
  }
  return st;
}


}  // namespace

std::vector<std::pair<std::string, GroupedTimeline::Group>> GroupedTimeline::Groups(
    const Statement& s) const {
  std::vector<Membership> members;
  groups_(s, &members);
  // One entry per group; a name that is both speaker and target gets both
  // role bits. A statement has a handful of groups: a sorted vector.
  std::vector<std::pair<std::string, Group>> merged;
  merged.reserve(members.size());
  for (Membership& m : members) {
    std::string key = EncodeGroup(m.key);
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const auto& x) { return x.first == key; });
    if (it != merged.end()) it->second.role |= m.role;
    else merged.emplace_back(std::move(key), Group{m.role, std::move(m.display)});
  }
  std::sort(merged.begin(), merged.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return merged;
}

std::vector<GroupForm> GroupedTimeline::Forms(const Statement& s) const {
  std::vector<GroupForm> out;
  for (auto& [group, g] : Groups(s)) {
    std::string form;
    for (const std::string& v : g.display) AppendGroupValue(v, &form);
    out.emplace_back(std::move(group), std::move(form));
  }
  return out;
}

absl::Status GroupedTimeline::AddVersion(uint64_t stmt, uint64_t from,
                                         const Statement& s, std::string_view stored,
                                         ProjectionWriter& out) const {
  // A first version's entries follow from the logged statement itself
  // (CloseVersion recomputes them), so only a later version, a correction,
  // needs its state written down: most statements are never amended, and
  // the state key was a fifth of a timeline's writes.
  const bool keep_state = from != stmt;
  StmtState st;
  st.from = from;
  // Reused across groups: this runs for every group of every event.
  std::string key, value, count_key, form_key;
  for (const auto& [group, g] : Groups(s)) {
    EntryKeyInto(group, s.occurred_at, stmt, from, &key);
    EntryValueInto(kOpen, kEndNone, g.role, stored, &value);
    out.Put(key, value);
    count_key.assign(1, kCountTag);
    count_key += group;
    out.Add(count_key, 1);
    form_key.assign(1, kFormTag);
    form_key += group;
    for (const std::string& v : g.display) AppendGroupValue(v, &form_key);
    out.Add(form_key, 1);
    if (keep_state) st.entries.emplace_back(key, g.role);
  }
  if (keep_state) out.Put(StateKey(stmt), EncodeState(st));
  return absl::OkStatus();
}

absl::Status GroupedTimeline::CloseVersion(uint64_t stmt, uint64_t at, uint8_t end,
                                           ProjectionWriter& out) const {
  auto raw = out.Get(StateKey(stmt));
  if (!raw.ok()) return raw.status();
  std::optional<StmtState> st;
  std::vector<GroupForm> closed;
  if (raw->has_value()) {
    st = DecodeState(**raw);
    if (!st)
      return absl::DataLossError(absl::StrCat("state of statement ", stmt, " is damaged"));
  } else {
    // Never amended: its entries are those of the statement as logged.
    auto original = out.GetEvent(stmt);
    if (!original.ok() && !absl::IsNotFound(original.status())) return original.status();
    if (!original.ok() || original->kind != EventKind::kStatement)
      return absl::DataLossError(absl::StrCat("event ", at, " amends seq ", stmt,
                                              ", which is not a known statement"));
    st.emplace();
    st->from = stmt;
    for (const auto& [group, g] : Groups(original->statement))
      st->entries.emplace_back(EntryKey(group, original->statement.occurred_at, stmt, stmt),
                               g.role);
    closed = Forms(original->statement);
  }
  if (st->retracted) return absl::OkStatus();  // the log refuses this; be safe
  if (raw->has_value()) {  // a corrected statement: its version's event
    auto version = out.GetEvent(st->from);
    if (!version.ok() && !absl::IsNotFound(version.status())) return version.status();
    if (!version.ok())
      return absl::DataLossError(absl::StrCat("event ", at, " amends seq ", stmt, ", whose version ",
                                              st->from, " cannot be read"));
    closed = Forms(version->statement);
  }
  // The closed version's written forms: one fewer each, and kept under
  // the closing seq for counts as of an earlier point.
  for (const auto& [group, form] : closed) out.Add(FormKey(group, form), -1);
  out.Put(ClosedKey(at, stmt), EncodeClosed(closed));
  std::string count_key, value;
  for (const auto& [key, role] : st->entries) {
    // Keep the event the entry carries; only its head changes.
    auto old = out.Get(key);
    if (!old.ok()) return old.status();
    std::string_view event;
    if (old->has_value() && (*old)->size() >= kEntryHead)
      event = std::string_view(**old).substr(kEntryHead);
    EntryValueInto(at, end, role, event, &value);
    out.Put(key, value);
    std::string_view group(key);
    group = group.substr(1, group.size() - 1 - kEntrySuffix);
    count_key.assign(1, kCountTag);
    count_key.append(group);
    out.Add(count_key, -1);
  }
  if (end == kEndRetracted) {
    st->retracted = true;
    out.Put(StateKey(stmt), EncodeState(*st));
  }
  return absl::OkStatus();
}

absl::Status GroupedTimeline::Apply(const Event& e, ProjectionWriter& out) const {
  return ApplyStored(e, {}, out);
}

absl::Status GroupedTimeline::ApplyStored(const Event& e, std::string_view stored,
                                          ProjectionWriter& out) const {
  switch (e.kind) {
    case EventKind::kStatement:
      return AddVersion(e.seq, e.seq, e.statement, stored, out);
    case EventKind::kCorrection:
      if (auto st = CloseVersion(e.target, e.seq, kEndCorrected, out); !st.ok()) return st;
      return AddVersion(e.target, e.seq, e.statement, stored, out);
    case EventKind::kRetraction:
      return CloseVersion(e.target, e.seq, kEndRetracted, out);
    case EventKind::kActorAlias:
      return absl::OkStatus();  // resolved at query time, as of the query
    case EventKind::kMention:
      return absl::OkStatus();  // not a statement
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GroupedTimeline::QueryGroup(
    const std::vector<std::string>& key) const {
  if (key.size() != 1)
    return absl::InvalidArgumentError(absl::StrCat(
        "projection ", name_, " takes one key value, got ", key.size()));
  return EncodeGroup({NormalizeName(key[0])});
}

// Version 3: entries carry the stored event (entry_keys.h). Version 4:
// written-form counts and closures ('f', 'x') instead of the last written
// form ('d'). A store whose timelines are older rebuilds them when it is
// opened for writing, and readers answer from any of the layouts meanwhile.
std::shared_ptr<const GroupedTimeline> NewActorTimeline() {
  return std::make_shared<GroupedTimeline>(
      "actors", 4, 4, true, [](const Statement& s, std::vector<Membership>* out) {
        std::string n = NormalizeName(s.speaker);
        if (!n.empty())
          out->push_back({{n}, {s.speaker}, static_cast<uint8_t>(Role::kSpeaker)});
        for (const auto& t : s.targets) {
          n = NormalizeName(t);
          if (!n.empty())
            out->push_back({{n}, {t}, static_cast<uint8_t>(Role::kTarget)});
        }
      });
}

std::shared_ptr<const GroupedTimeline> NewTopicTimeline() {
  return std::make_shared<GroupedTimeline>(
      "topics", 4, 4, false, [](const Statement& s, std::vector<Membership>* out) {
        for (const auto& t : s.topics) {
          std::string n = NormalizeName(t);
          if (!n.empty()) out->push_back({{n}, {t}, 0});
        }
      });
}

}  // namespace annals::internal
