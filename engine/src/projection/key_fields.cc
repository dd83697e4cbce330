// THE table of the fields declarative projections key and filter on
// (projection/key_fields.h), and how filters on them combine.
#include "projection/key_fields.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "annals/cameo.h"
#include "model/derived.h"
#include "model/names.h"
#include "model/sv.h"

namespace annals::internal {

enum class Match {
  kName,    // normalised names (model/names.h)
  kExact,   // as written
  kPrefix,  // codes: a filter value is a prefix ("11" matches 1121)
  kNumber,  // numbers, in their shortest form
};

using ValuesFn = void (*)(const KeyField&, const Statement&, std::vector<std::string>*);
using ValueCheck = bool (*)(std::string_view);

struct FieldSpec {
  std::string_view name;  // a parametrised field's prefix: "attr.", "code:"
  bool parametrised;
  Match match;
  bool actor;       // aliases apply
  bool listed;      // "a,b" lists alternatives
  bool comparable;  // <, <=, >, >= filters
  bool attributes;  // reads the statement's attributes
  ValuesFn values;
  ValueCheck valid;              // nullptr: any value can exist
  std::optional<double> lo, hi;  // numbers: the values that can exist
};

namespace {

void Add(std::vector<std::string>* out, const std::string& v) {
  if (!v.empty()) out->push_back(v);
}

std::optional<Period> PeriodNamed(std::string_view name) { return ParsePeriod(name); }

bool DateLabel(std::string_view v, Period finest) {
  for (Period p : {Period::kYear, Period::kMonth, finest})
    if (IsPeriodLabel(v, p)) return true;
  return false;
}

void Dates(const KeyField& f, const Statement& s, std::vector<std::string>* out) {
  Add(out, PeriodOf(s.occurred_at, *PeriodNamed(f.text)));
}

constexpr FieldSpec kTable[] = {
    {"speaker", false, Match::kName, true, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) { Add(o, s.speaker); },
     nullptr, {}, {}},
    {"target", false, Match::kName, true, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       for (const auto& t : s.targets) Add(o, t);
     },
     nullptr, {}, {}},
    {"actor", false, Match::kName, true, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       Add(o, s.speaker);
       for (const auto& t : s.targets) Add(o, t);
     },
     nullptr, {}, {}},
    {"topic", false, Match::kName, false, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       for (const auto& t : s.topics) Add(o, t);
     },
     nullptr, {}, {}},
    {"verb", false, Match::kName, false, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) { Add(o, s.verb); },
     nullptr, {}, {}},
    {"event_type", false, Match::kName, false, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       Add(o, s.event_type);
     },
     nullptr, {}, {}},
    {"outlet", false, Match::kName, false, false, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       Add(o, s.source.outlet);
     },
     nullptr, {}, {}},
    {"code", false, Match::kPrefix, false, true, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) { Add(o, s.code); },
     nullptr, {}, {}},
    {"code:", true, Match::kPrefix, false, true, false, false,
     [](const KeyField& f, const Statement& s, std::vector<std::string>* o) {
       Add(o, s.code.substr(0, f.prefix));
     },
     nullptr, {}, {}},
    {"root", false, Match::kExact, false, true, false, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) { Add(o, RootOf(s)); },
     [](std::string_view v) {
       const CameoCode* c = FindCameoCode(v);
       return c != nullptr && c->root_code == v;
     },
     {}, {}},
    {"quad", false, Match::kNumber, false, true, true, false,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       if (auto q = QuadOf(s)) Add(o, absl::StrCat(*q));
     },
     [](std::string_view v) { return v == "1" || v == "2" || v == "3" || v == "4"; }, 1, 4},
    {"goldstein", false, Match::kNumber, false, true, true, true,
     [](const KeyField&, const Statement& s, std::vector<std::string>* o) {
       if (auto g = GoldsteinOf(s)) Add(o, FormatNumber(*g));
     },
     nullptr, -10, 10},
    {"attr.", true, Match::kName, false, false, true, true,
     [](const KeyField& f, const Statement& s, std::vector<std::string>* o) {
       for (auto& v : AttributeValues(s, f.arg)) Add(o, v);
     },
     nullptr, {}, {}},
    {"year", false, Match::kExact, false, true, false, false, Dates,
     [](std::string_view v) { return IsPeriodLabel(v, Period::kYear); }, {}, {}},
    {"month", false, Match::kExact, false, true, false, false, Dates,
     [](std::string_view v) { return DateLabel(v, Period::kMonth); }, {}, {}},
    {"week", false, Match::kExact, false, true, false, false, Dates,
     [](std::string_view v) { return DateLabel(v, Period::kWeek); }, {}, {}},
    {"day", false, Match::kExact, false, true, false, false, Dates,
     [](std::string_view v) { return DateLabel(v, Period::kDay); }, {}, {}},
};

const FieldSpec* FindSpec(std::string_view t, std::string* arg) {
  for (const FieldSpec& s : kTable) {
    if (!s.parametrised && t == s.name) return &s;
    if (s.parametrised && t.starts_with(s.name)) {
      *arg = std::string(t.substr(s.name.size()));
      return &s;
    }
  }
  return nullptr;
}

std::string KnownFields() {
  std::string out;
  for (const FieldSpec& s : kTable)
    absl::StrAppend(&out, AV(s.name), s.name == "code:" ? "N" : s.name == "attr." ? "NAME" : "",
                    &s == &kTable[std::size(kTable) - 1] ? "" : ", ");
  return out;
}

}  // namespace

absl::StatusOr<KeyField> ParseKeyField(std::string_view text) {
  KeyField f;
  const std::string_view t = SV(absl::StripAsciiWhitespace(AV(text)));
  f.text = std::string(t);
  f.spec = FindSpec(t, &f.arg);
  if (f.spec == nullptr)
    return absl::InvalidArgumentError(
        absl::StrCat("unknown field '", AV(t), "'; use ", KnownFields()));
  if (f.spec->name == "code:") {
    int n = 0;
    if (!absl::SimpleAtoi(AV(f.arg), &n) || n < 1 || n > 16)
      return absl::InvalidArgumentError(
          absl::StrCat("key: '", AV(t), "': code:N needs N from 1 to 16"));
    f.prefix = static_cast<size_t>(n);
  }
  if (f.spec->name == "attr." && f.arg.empty())
    return absl::InvalidArgumentError("attr.NAME needs the attribute's name: attr.QuadClass");
  return f;
}

std::vector<std::string> FieldValues(const KeyField& f, const Statement& s) {
  std::vector<std::string> out;
  f.spec->values(f, s, &out);
  return out;
}

std::string NormalValue(const KeyField& f, const std::string& v) {
  switch (f.spec->match) {
    case Match::kName: return NormalizeName(v);
    case Match::kNumber: {
      auto n = ParseNumber(v);
      return n ? FormatNumber(*n) : v;
    }
    case Match::kExact:
    case Match::kPrefix: return v;
  }
  return v;
}

bool IsActorField(const KeyField& f) { return f.spec->actor; }
bool ReadsAttributes(const KeyField& f) { return f.spec->attributes; }
bool ListsValues(const KeyField& f) { return f.spec->listed; }

namespace {

constexpr std::pair<std::string_view, Compare> kOperators[] = {
    {"<=", Compare::kLe}, {">=", Compare::kGe}, {"<", Compare::kLt}, {">", Compare::kGt}};

std::string_view OperatorText(Compare op) {
  for (const auto& [text, o] : kOperators)
    if (o == op) return text;
  return "=";
}

bool Holds(Compare op, double v, double bound) {
  switch (op) {
    case Compare::kLt: return v < bound;
    case Compare::kLe: return v <= bound;
    case Compare::kGt: return v > bound;
    case Compare::kGe: return v >= bound;
    case Compare::kEq: return v == bound;
  }
  return false;
}

// Whether one value (normalised) matches a filter.
bool MatchesValue(const Filter& w, const std::string& v) {
  if (w.op != Compare::kEq) {
    auto n = ParseNumber(v);
    return n && Holds(w.op, *n, *w.number);
  }
  if (w.f.spec->match == Match::kPrefix) return v.starts_with(w.value);
  return v == w.value;
}

bool MatchesAny(const Filter& w, const std::vector<std::string>& values) {
  for (const auto& v : values)
    if (MatchesValue(w, v)) return true;
  return false;
}

// Whether a field's positive filters (`mine`) hold for value v.
bool FieldHolds(const std::vector<const Filter*>& mine, const std::string& v) {
  bool any_eq = false, eq_hit = false;
  for (const Filter* w : mine) {
    if (w->op == Compare::kEq) {
      any_eq = true;
      eq_hit = eq_hit || MatchesValue(*w, v);
    } else if (!MatchesValue(*w, v)) {
      return false;
    }
  }
  return !any_eq || eq_hit;
}

// The positive filters on the field of filters[i], if i is the first of
// them; empty otherwise.
std::vector<const Filter*> FirstFieldGroup(const std::vector<Filter>& filters, size_t i) {
  std::vector<const Filter*> mine;
  for (size_t j = 0; j < filters.size(); ++j) {
    if (filters[j].negate || filters[j].f.text != filters[i].f.text) continue;
    if (j < i) return {};
    mine.push_back(&filters[j]);
  }
  return mine;
}

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> SplitFilter(std::string_view item) {
  const size_t at = item.find_first_of("<>=");
  if (at == std::string_view::npos || at == 0)
    return absl::InvalidArgumentError(
        absl::StrCat("expected FIELD=VALUE or FIELD<=NUMBER, got '", AV(item), "'"));
  std::string field(absl::StripAsciiWhitespace(AV(item.substr(0, at))));
  std::string_view rest = item.substr(at);
  for (const auto& [text, op] : kOperators)
    if (rest.starts_with(text))
      return std::pair(absl::StrCat(field, AV(text)),
                       std::string(absl::StripAsciiWhitespace(AV(rest.substr(text.size())))));
  return std::pair(std::move(field), std::string(rest.substr(1)));
}

absl::StatusOr<Filter> ParseFilter(std::string_view field, std::string_view value) {
  Filter w;
  w.negate = field.starts_with('!');
  if (w.negate) field.remove_prefix(1);
  for (const auto& [text, op] : kOperators)
    if (field.ends_with(text)) {
      w.op = op;
      field.remove_suffix(text.size());
      break;
    }
  auto f = ParseKeyField(field);
  if (!f.ok()) return f.status();
  w.f = *std::move(f);
  const std::string shown = absl::StrCat(w.f.text, AV(OperatorText(w.op)), AV(value));
  if (value.empty())
    return absl::InvalidArgumentError(absl::StrCat(shown, " needs a value"));
  if (w.op != Compare::kEq) {
    if (!w.f.spec->comparable)
      return absl::InvalidArgumentError(absl::StrCat(
          "'", shown, "': only quad, goldstein and attr.NAME take <, <=, > and >="));
    w.number = ParseNumber(value);
    if (!w.number)
      return absl::InvalidArgumentError(absl::StrCat("'", shown, "': the bound is not a number"));
  }
  w.value = w.f.spec->match == Match::kPrefix ? std::string(value)
                                               : NormalValue(w.f, std::string(value));
  return w;
}

bool Passes(const std::vector<Filter>& filters, const Statement& s) {
  for (size_t i = 0; i < filters.size(); ++i) {
    const Filter& w = filters[i];
    if (w.negate) {
      if (MatchesAny(w, [&] {
            std::vector<std::string> vs;
            for (const auto& v : FieldValues(w.f, s)) vs.push_back(NormalValue(w.f, v));
            return vs;
          }()))
        return false;
      continue;
    }
    std::vector<const Filter*> mine = FirstFieldGroup(filters, i);
    if (mine.empty()) continue;  // decided with the field's first filter
    bool hit = false;
    for (const auto& v : FieldValues(w.f, s)) hit = hit || FieldHolds(mine, NormalValue(w.f, v));
    if (!hit) return false;
  }
  return true;
}

namespace {

// The numbers a field's comparisons leave, as an interval; `domain` narrows
// it to the values that can exist.
bool BoundsLeaveSome(const std::vector<const Filter*>& mine, std::optional<double> lo_domain,
                     std::optional<double> hi_domain) {
  double lo = lo_domain.value_or(-1e308), hi = hi_domain.value_or(1e308);
  bool lo_open = false, hi_open = false;
  for (const Filter* w : mine) {
    const double b = *w->number;
    if (w->op == Compare::kGt || w->op == Compare::kGe) {
      const bool open = w->op == Compare::kGt;
      if (b > lo || (b == lo && open)) lo = b, lo_open = open;
    } else if (w->op == Compare::kLt || w->op == Compare::kLe) {
      const bool open = w->op == Compare::kLt;
      if (b < hi || (b == hi && open)) hi = b, hi_open = open;
    }
  }
  return lo < hi || (lo == hi && !lo_open && !hi_open);
}

// The bound that keeps what negated comparison `n` leaves: not <= b is > b.
Filter Flipped(const Filter& n) {
  Filter f = n;
  f.negate = false;
  switch (n.op) {
    case Compare::kLt: f.op = Compare::kGe; break;
    case Compare::kLe: f.op = Compare::kGt; break;
    case Compare::kGt: f.op = Compare::kLe; break;
    case Compare::kGe: f.op = Compare::kLt; break;
    case Compare::kEq: break;
  }
  return f;
}

}  // namespace

absl::Status CheckPossible(const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    if (filters[i].negate) continue;
    const std::vector<const Filter*> mine = FirstFieldGroup(filters, i);
    if (mine.empty()) continue;
    std::vector<const Filter*> bounds;
    bool any_eq = false, alive = false;
    for (const Filter* w : mine) {
      if (w->op != Compare::kEq) {
        bounds.push_back(w);
        continue;
      }
      any_eq = true;
      // An asked-for value is dead if the field's bounds or a negated
      // filter (a code's by a prefix of it) exclude it.
      bool dead = false;
      for (const Filter* b : mine)
        if (b->op != Compare::kEq && !MatchesValue(*b, w->value)) dead = true;
      for (const Filter& n : filters)
        if (n.negate && n.f.text == w->f.text && MatchesValue(n, w->value)) dead = true;
      alive = alive || !dead;
    }
    const bool possible = any_eq ? alive : BoundsLeaveSome(bounds, {}, {});
    if (!possible)
      return absl::InvalidArgumentError(absl::StrCat(
          "where: no statement can match: the filters on ", filters[i].f.text,
          " leave no value (every value asked for is excluded by another filter or "
          "--where-not, or the bounds leave no number)"));
  }
  return absl::OkStatus();
}

namespace {

// New definitions only (stored ones are read as they were accepted): a
// value within a field's bounds must also lie outside every negated
// comparison on it (--where-not 'goldstein<=-5' leaves > -5).
absl::Status CheckNegatedBounds(const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    if (filters[i].negate) continue;
    std::vector<const Filter*> bounds;
    for (const Filter* b : FirstFieldGroup(filters, i)) {
      if (b->op == Compare::kEq) {
        bounds.clear();  // equalities are decided by CheckPossible
        break;
      }
      bounds.push_back(b);
    }
    if (bounds.empty()) continue;
    std::vector<Filter> flipped;
    for (const Filter& n : filters)
      if (n.negate && n.op != Compare::kEq && n.f.text == filters[i].f.text)
        flipped.push_back(Flipped(n));
    if (flipped.empty()) continue;
    for (const Filter& n : flipped) bounds.push_back(&n);
    if (!BoundsLeaveSome(bounds, {}, {}))
      return absl::InvalidArgumentError(absl::StrCat(
          "where: no statement can match: the filters on ", filters[i].f.text,
          " leave no value (the bounds asked for lie inside a --where-not)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckValues(const std::vector<Filter>& filters) {
  if (absl::Status st = CheckNegatedBounds(filters); !st.ok()) return st;
  for (size_t i = 0; i < filters.size(); ++i) {
    const Filter& w = filters[i];
    const FieldSpec& spec = *w.f.spec;
    const std::string shown = absl::StrCat(w.f.text, AV(OperatorText(w.op)), w.value);
    if (w.op == Compare::kEq) {
      bool can = spec.valid == nullptr || spec.valid(w.value);
      if (spec.match == Match::kNumber) {
        auto n = ParseNumber(w.value);
        can = can && n && !(spec.lo && *n < *spec.lo) && !(spec.hi && *n > *spec.hi);
      }
      if (!can)
        return absl::InvalidArgumentError(absl::StrCat(
            "where: no statement can match ", shown, ": ", w.f.text, " never has that value"));
      continue;
    }
    if (w.negate || !spec.lo) continue;
    std::vector<const Filter*> bounds;
    for (const Filter* b : FirstFieldGroup(filters, i))
      if (b->op != Compare::kEq) bounds.push_back(b);
    if (!bounds.empty() && !BoundsLeaveSome(bounds, spec.lo, spec.hi))
      return absl::InvalidArgumentError(absl::StrCat(
          "where: no statement can match ", shown, ": ", w.f.text, " is from ",
          FormatNumber(*spec.lo), " to ", FormatNumber(*spec.hi)));
  }
  return absl::OkStatus();
}

}  // namespace annals::internal
