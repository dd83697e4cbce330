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
#include "model/names.h"
#include "projection/entry_keys.h"
#include "model/sv.h"

namespace annals {
namespace internal {
namespace {

enum class FieldKind { kName, kCode, kCodePrefix, kYear, kMonth };

struct Field {
  std::string text;  // as in the definition
  std::string base;  // speaker, target, actor, topic, verb, ...
  FieldKind kind = FieldKind::kName;
  size_t prefix = 0;  // code:N
};

absl::StatusOr<Field> ParseField(std::string_view text) {
  Field f;
  std::string_view t = SV(absl::StripAsciiWhitespace(AV(text)));
  f.text = std::string(t);
  static const char* kNames[] = {"speaker", "target", "actor", "topic",
                                 "verb", "event_type", "outlet"};
  for (const char* n : kNames)
    if (t == n) {
      f.base = n;
      return f;
    }
  if (t == "code") {
    f.base = "code";
    f.kind = FieldKind::kCode;
    return f;
  }
  if (t.starts_with("code:")) {
    int n = 0;
    if (!absl::SimpleAtoi(AV(t.substr(5)), &n) || n < 1 || n > 16)
      return absl::InvalidArgumentError(absl::StrCat(
          "key: '", AV(t), "': code:N needs N from 1 to 16"));
    f.base = "code";
    f.kind = FieldKind::kCodePrefix;
    f.prefix = static_cast<size_t>(n);
    return f;
  }
  if (t == "year") {
    f.base = "year";
    f.kind = FieldKind::kYear;
    return f;
  }
  if (t == "month") {
    f.base = "month";
    f.kind = FieldKind::kMonth;
    return f;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown field '", AV(t),
      "'; use speaker, target, actor, topic, verb, event_type, code, code:N, "
      "outlet, year or month"));
}

// One filter: FIELD=VALUE, or FIELD!=VALUE when negated. Stored in a
// definition's where pairs, a negated one's field carries a leading '!'.
struct Where {
  Field f;
  std::string value;  // normalised as the field compares
  bool negate = false;
};

// The values a statement has for a field, as written.
std::vector<std::string> Values(const Field& f, const Statement& s) {
  std::vector<std::string> out;
  auto add = [&](const std::string& v) {
    if (!v.empty()) out.push_back(v);
  };
  if (f.base == "speaker") add(s.speaker);
  else if (f.base == "target") for (const auto& t : s.targets) add(t);
  else if (f.base == "actor") {
    add(s.speaker);
    for (const auto& t : s.targets) add(t);
  } else if (f.base == "topic") for (const auto& t : s.topics) add(t);
  else if (f.base == "verb") add(s.verb);
  else if (f.base == "event_type") add(s.event_type);
  else if (f.base == "outlet") add(s.source.outlet);
  else if (f.kind == FieldKind::kCode) add(s.code);
  else if (f.kind == FieldKind::kCodePrefix) add(s.code.substr(0, f.prefix));
  else if (s.occurred_at.present()) {
    absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMicros(s.occurred_at.micros),
                                               absl::UTCTimeZone());
    // A statement dated more coarsely than the key (a year, for a month
    // key) goes into a bucket named at its own precision ("2018" among
    // the months), never dropped.
    if (f.kind == FieldKind::kYear || s.occurred_at.precision < Precision::kMonth)
      out.push_back(absl::StrCat(cs.year()));
    else
      out.push_back(FormatTime({s.occurred_at.micros, Precision::kMonth}));
  }
  return out;
}

// Which key fields name actors (their aliases apply at query time).
std::vector<bool> ActorKeys(const std::vector<Field>& key) {
  std::vector<bool> out;
  for (const Field& f : key)
    out.push_back(f.base == "speaker" || f.base == "target" || f.base == "actor");
  return out;
}

// Group value: names compare normalised; codes and dates as they are.
std::string Normal(const Field& f, const std::string& v) {
  return f.kind == FieldKind::kName ? NormalizeName(v) : v;
}

class DeclarativeProjection final : public GroupedTimeline {
 public:
  DeclarativeProjection(const ProjectionDefinition& def, std::vector<Field> key,
                        std::vector<Where> where)
      // Version 3: statements dated to a year are kept under "YYYY" by a
      // month key (version 2 dropped them). Version 4: entries carry the
      // stored event (entry_keys.h). Version 5: written-form counts and
      // closures ('f', 'x') instead of the last written form ('d'). Older
      // stored versions are rebuilt at Open.
      : GroupedTimeline(def.name, 5, 5, false,
                        [key, where](const Statement& s, std::vector<Membership>* out) {
                          Group(key, where, s, out);
                        },
                        ActorKeys(key)),
        key_(std::move(key)) {}

  absl::StatusOr<std::string> QueryGroup(
      const std::vector<std::string>& values) const override {
    if (values.size() != key_.size())
      return absl::InvalidArgumentError(absl::StrCat(
          "projection ", name(), " is keyed by ", key_.size(), " field(s), got ",
          values.size(), " value(s)"));
    std::vector<std::string> normal;
    for (size_t i = 0; i < values.size(); ++i) normal.push_back(Normal(key_[i], values[i]));
    return EncodeGroup(normal);
  }

 private:
  static bool Matches(const Where& w, const Statement& s) {
    if (w.f.base == "code") return !s.code.empty() && s.code.starts_with(w.value);  // hierarchical
    for (const auto& v : Values(w.f, s))
      if (Normal(w.f, v) == w.value) return true;
    return false;
  }

  // Filters on one field are alternatives (any may match), filters on
  // different fields must all hold, and no negated one may match.
  static bool Passes(const std::vector<Where>& where, const Statement& s) {
    for (size_t i = 0; i < where.size(); ++i) {
      const Where& w = where[i];
      if (w.negate) {
        if (Matches(w, s)) return false;
        continue;
      }
      bool first = true;  // the field's first filter decides for them all
      for (size_t j = 0; j < i && first; ++j)
        first = where[j].negate || where[j].f.text != w.f.text;
      if (!first) continue;
      bool hit = false;
      for (size_t j = i; j < where.size() && !hit; ++j)
        hit = !where[j].negate && where[j].f.text == w.f.text && Matches(where[j], s);
      if (!hit) return false;
    }
    return true;
  }

  static void Group(const std::vector<Field>& key, const std::vector<Where>& where,
                    const Statement& s, std::vector<Membership>* out) {
    if (!Passes(where, s)) return;
    // Cartesian product of the key fields' values.
    std::vector<Membership> acc(1);
    for (const Field& f : key) {
      std::vector<std::string> vals = Values(f, s);
      std::vector<Membership> next;
      for (const Membership& m : acc)
        for (const auto& v : vals) {
          Membership n = m;
          std::string nv = Normal(f, v);
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

  const std::vector<Field> key_;
};

// kInvalidArgument if no statement can pass `where`: every value allowed
// for some field is also excluded (a code excluded by a prefix of it).
absl::Status CheckPossible(const std::vector<Where>& where) {
  for (const Where& w : where) {
    if (w.negate) continue;
    bool alive = false;
    for (const Where& p : where) {
      if (p.negate || p.f.text != w.f.text) continue;
      bool dead = false;
      for (const Where& n : where)
        if (n.negate && n.f.text == p.f.text &&
            (p.f.base == "code" ? p.value.starts_with(n.value) : p.value == n.value))
          dead = true;
      alive = alive || !dead;
    }
    if (!alive)
      return absl::InvalidArgumentError(absl::StrCat(
          "where: no statement can match: every ", w.f.text,
          " value asked for is also excluded by --where-not"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::vector<Field>, std::vector<Where>>> Check(
    const ProjectionDefinition& def) {
  if (def.key.empty()) return absl::InvalidArgumentError("key: at least one field");
  std::vector<Field> key;
  for (const auto& k : def.key) {
    auto f = ParseField(k);
    if (!f.ok()) return f.status();
    key.push_back(*f);
  }
  std::vector<Where> where;
  for (const auto& [k, v] : def.where) {
    const bool negate = k.starts_with('!');
    auto f = ParseField(negate ? std::string_view(k).substr(1) : std::string_view(k));
    if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("where: ", f.status().message()));
    if (v.empty())
      return absl::InvalidArgumentError(absl::StrCat("where: ", k, "= needs a value"));
    where.push_back(Where{*f, f->base == "code" ? v : Normal(*f, v), negate});
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
  {
    for (const std::string& item : where_list) {
      const std::string bang = item.starts_with('!') ? "!" : "";
      const std::string w = item.substr(bang.size());
      size_t eq = w.find('=');
      if (eq == std::string::npos || eq == 0)
        return absl::InvalidArgumentError(
            absl::StrCat(bang.empty() ? "where" : "where-not", ": expected FIELD=VALUE, got '",
                         w, "'"));
      std::string field(absl::StripAsciiWhitespace(w.substr(0, eq)));
      // Codes and dates never hold a comma: "code=11,12" is two values.
      const bool listed = field == "code" || field.starts_with("code:") || field == "year" ||
                          field == "month";
      if (!listed) {
        def.where.emplace_back(bang + field, w.substr(eq + 1));
        continue;
      }
      for (absl::string_view v : absl::StrSplit(w.substr(eq + 1), ','))
        def.where.emplace_back(bang + field, std::string(absl::StripAsciiWhitespace(v)));
    }
  }
  if (auto st = internal::CheckDefinition(def); !st.ok()) return st;
  return def;
}

std::string FormatProjectionDefinition(const ProjectionDefinition& def) {
  std::string out = "key=";
  for (size_t i = 0; i < def.key.size(); ++i) absl::StrAppend(&out, i ? "," : "", def.key[i]);
  for (const auto& [f, v] : def.where) {
    if (f.starts_with('!')) absl::StrAppend(&out, " where-not=", f.substr(1), "=", v);
    else absl::StrAppend(&out, " where=", f, "=", v);
  }
  return out;
}

}  // namespace annals
