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
    if (f.kind == FieldKind::kYear)
      out.push_back(absl::StrCat(cs.year()));
    else if (s.occurred_at.precision >= Precision::kMonth)
      out.push_back(FormatTime({s.occurred_at.micros, Precision::kMonth}));
  }
  return out;
}

// Group value: names compare normalised; codes and dates as they are.
std::string Normal(const Field& f, const std::string& v) {
  return f.kind == FieldKind::kName ? NormalizeName(v) : v;
}

class DeclarativeProjection final : public GroupedTimeline {
 public:
  DeclarativeProjection(const ProjectionDefinition& def, std::vector<Field> key,
                        std::vector<std::pair<Field, std::string>> where)
      : GroupedTimeline(def.name, 2, false,
                        [key, where](const Statement& s, std::vector<Membership>* out) {
                          Group(key, where, s, out);
                        }),
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
  static void Group(const std::vector<Field>& key,
                    const std::vector<std::pair<Field, std::string>>& where,
                    const Statement& s, std::vector<Membership>* out) {
    for (const auto& [f, want] : where) {
      bool hit = false;
      if (f.base == "code") {
        hit = !s.code.empty() && s.code.starts_with(want);  // CAMEO is hierarchical
      } else {
        for (const auto& v : Values(f, s)) hit |= Normal(f, v) == want;
      }
      if (!hit) return;
    }
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

absl::StatusOr<std::pair<std::vector<Field>, std::vector<std::pair<Field, std::string>>>>
Check(const ProjectionDefinition& def) {
  if (def.key.empty()) return absl::InvalidArgumentError("key: at least one field");
  std::vector<Field> key;
  for (const auto& k : def.key) {
    auto f = ParseField(k);
    if (!f.ok()) return f.status();
    key.push_back(*f);
  }
  std::vector<std::pair<Field, std::string>> where;
  for (const auto& [k, v] : def.where) {
    auto f = ParseField(k);
    if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("where: ", f.status().message()));
    if (v.empty())
      return absl::InvalidArgumentError(absl::StrCat("where: ", k, "= needs a value"));
    where.emplace_back(*f, f->base == "code" ? v : Normal(*f, v));
  }
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

absl::StatusOr<ProjectionDefinition> ParseProjectionDefinition(
    const std::string& name, const std::string& key_list,
    const std::vector<std::string>& where_list) {
  if (auto st = internal::CheckProjectionName(name); !st.ok()) return st;
  ProjectionDefinition def;
  def.name = name;
  for (absl::string_view k : absl::StrSplit(key_list, ',', absl::SkipWhitespace()))
    def.key.emplace_back(absl::StripAsciiWhitespace(k));
  for (const std::string& w : where_list) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      return absl::InvalidArgumentError(absl::StrCat("where: expected FIELD=VALUE, got '", w, "'"));
    def.where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  if (auto st = internal::CheckDefinition(def); !st.ok()) return st;
  return def;
}

std::string FormatProjectionDefinition(const ProjectionDefinition& def) {
  std::string out = "key=";
  for (size_t i = 0; i < def.key.size(); ++i) absl::StrAppend(&out, i ? "," : "", def.key[i]);
  for (const auto& [f, v] : def.where) absl::StrAppend(&out, " where=", f, "=", v);
  return out;
}

}  // namespace annals
