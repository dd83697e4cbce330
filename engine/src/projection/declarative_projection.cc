// Declarative projections: definitions, their stored form, and the grouping
// function they stand for.
#include "projection/declarative_projection.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "projection/entry_keys.h"
#include "projection/key_fields.h"
#include "model/sv.h"

namespace annals {
namespace internal {
namespace {

// Which key fields name actors (their aliases apply at query time).
std::vector<bool> ActorKeys(const std::vector<KeyField>& key) {
  std::vector<bool> out;
  for (const KeyField& f : key) out.push_back(IsActorField(f));
  return out;
}

class DeclarativeProjection final : public GroupedTimeline {
 public:
  DeclarativeProjection(const ProjectionDefinition& def, std::vector<KeyField> key,
                        std::vector<Filter> where)
      // Version 3: statements dated to a year are kept under "YYYY" by a
      // month key (version 2 dropped them). Version 4: entries carry the
      // stored event (entry_keys.h). Version 5: written-form counts and
      // closures ('f', 'x') instead of the last written form ('d'). Older
      // stored versions are rebuilt at Open. (Attribute and derived fields
      // came without a new version: no key stored before means anything else.)
      : GroupedTimeline(def.name, 5, 5, false,
                        [key, where](const Statement& s, std::vector<Membership>* out) {
                          Group(key, where, s, out);
                        },
                        ActorKeys(key)),
        key_(std::move(key)),
        full_(std::any_of(key_.begin(), key_.end(), ReadsAttributes) ||
              std::any_of(where.begin(), where.end(),
                          [](const Filter& w) { return ReadsAttributes(w.f); })) {}

  // Attributes (attr.NAME, goldstein) need the whole event decoded.
  DecodeDepth decode_depth() const override {
    return full_ ? DecodeDepth::kFull : GroupedTimeline::decode_depth();
  }

  absl::StatusOr<std::string> QueryGroup(
      const std::vector<std::string>& values) const override {
    if (values.size() != key_.size())
      return absl::InvalidArgumentError(absl::StrCat(
          "projection ", name(), " is keyed by ", key_.size(), " field(s), got ",
          values.size(), " value(s)"));
    std::vector<std::string> normal;
    for (size_t i = 0; i < values.size(); ++i) normal.push_back(NormalValue(key_[i], values[i]));
    return EncodeGroup(normal);
  }

 private:
  static void Group(const std::vector<KeyField>& key, const std::vector<Filter>& where,
                    const Statement& s, std::vector<Membership>* out) {
    if (!Passes(where, s)) return;
    // Cartesian product of the key fields' values.
    std::vector<Membership> acc(1);
    for (const KeyField& f : key) {
      std::vector<std::string> vals = FieldValues(f, s);
      std::vector<Membership> next;
      for (const Membership& m : acc)
        for (const auto& v : vals) {
          Membership n = m;
          std::string nv = NormalValue(f, v);
          if (nv.empty()) continue;
          n.key.push_back(std::move(nv));
          n.display.push_back(v);
          next.push_back(std::move(n));
        }
      acc = std::move(next);
      if (acc.empty()) return;
    }
    for (auto& m : acc) out->push_back(std::move(m));
  }

  const std::vector<KeyField> key_;
  const bool full_;
};

absl::StatusOr<std::pair<std::vector<KeyField>, std::vector<Filter>>> Check(
    const ProjectionDefinition& def) {
  if (def.key.empty()) return absl::InvalidArgumentError("key: at least one field");
  std::vector<KeyField> key;
  for (const auto& k : def.key) {
    auto f = ParseKeyField(k);
    if (!f.ok()) return f.status();
    key.push_back(*f);
  }
  std::vector<Filter> where;
  for (const auto& [k, v] : def.where) {
    auto w = ParseFilter(k, v);
    if (!w.ok()) return absl::InvalidArgumentError(absl::StrCat("where: ", w.status().message()));
    where.push_back(*std::move(w));
  }
  if (auto st = CheckPossible(where); !st.ok()) return st;
  return std::pair(std::move(key), std::move(where));
}

}  // namespace

absl::Status CheckProjectionName(std::string_view name) {
  if (name.empty() || name.size() > 64)
    return absl::InvalidArgumentError("projection name: 1 to 64 characters");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok)
      return absl::InvalidArgumentError(absl::StrCat(
          "projection name '", AV(name), "': only letters, digits, _ . - allowed"));
  }
  return absl::OkStatus();
}

absl::Status CheckDefinition(const ProjectionDefinition& def) { return Check(def).status(); }

absl::Status CheckNewDefinition(const ProjectionDefinition& def) {
  auto checked = Check(def);
  if (!checked.ok()) return checked.status();
  return CheckValues(checked->second);
}

absl::StatusOr<std::shared_ptr<const GroupedTimeline>> NewDeclarativeProjection(
    const ProjectionDefinition& def) {
  auto checked = Check(def);
  if (!checked.ok()) return checked.status();
  return std::shared_ptr<const GroupedTimeline>(std::make_shared<DeclarativeProjection>(
      def, std::move(checked->first), std::move(checked->second)));
}

}  // namespace internal

// A where item "!FIELD=VALUE" is a --where-not filter.
absl::StatusOr<ProjectionDefinition> ParseProjectionDefinition(
    const std::string& name, const std::string& key_list,
    const std::vector<std::string>& where_list) {
  if (auto st = internal::CheckProjectionName(name); !st.ok()) return st;
  ProjectionDefinition def;
  def.name = name;
  for (absl::string_view k : absl::StrSplit(key_list, ',', absl::SkipWhitespace()))
    def.key.emplace_back(absl::StripAsciiWhitespace(k));
  for (const std::string& item : where_list) {
    const std::string bang = item.starts_with('!') ? "!" : "";
    auto pair = internal::SplitFilter(std::string_view(item).substr(bang.size()));
    if (!pair.ok())
      return absl::InvalidArgumentError(absl::StrCat(bang.empty() ? "where" : "where-not",
                                                     ": ", pair.status().message()));
    auto field = internal::ParseKeyField(pair->first);
    // Codes, dates and quad classes never hold a comma: "code=11,12" is
    // two values.
    if (!field.ok() || !internal::ListsValues(*field) || pair->first != field->text) {
      def.where.emplace_back(bang + pair->first, pair->second);
      continue;
    }
    for (absl::string_view v : absl::StrSplit(pair->second, ','))
      def.where.emplace_back(bang + pair->first, std::string(absl::StripAsciiWhitespace(v)));
  }
  if (auto st = internal::CheckNewDefinition(def); !st.ok()) return st;
  return def;
}

std::string FormatProjectionDefinition(const ProjectionDefinition& def) {
  std::string out = "key=";
  for (size_t i = 0; i < def.key.size(); ++i) absl::StrAppend(&out, i ? "," : "", def.key[i]);
  for (const auto& [f, v] : def.where) {
    // A comparison's field carries its operator: "goldstein<=".
    const char* eq = !f.empty() && (f.back() == '<' || f.back() == '>' || f.back() == '=')
                         ? "" : "=";
    if (f.starts_with('!')) absl::StrAppend(&out, " where-not=", f.substr(1), eq, v);
    else absl::StrAppend(&out, " where=", f, eq, v);
  }
  return out;
}

}  // namespace annals
