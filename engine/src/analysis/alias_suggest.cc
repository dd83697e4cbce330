// SuggestAliases (annals/matching.h): one walk of the current view tallies
// each actor's statements, written forms and CAMEO actor codes; actors are
// then linked by shared codes, equal folded names and "X of Y" / "Y X", and
// each linked group proposed as aliases of its largest member.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/actor_names.h"
#include "annals/cameo.h"
#include "annals/export.h"
#include "annals/matching.h"
#include "model/names.h"

namespace annals {
namespace {

using internal::AliasView;

struct Actor {
  uint64_t count = 0;
  internal::FormCounts forms;
  std::set<std::string> codes;
};

const std::string* AttributeValue(const Statement& s, std::string_view key) {
  for (const annals::Attribute& a : s.attributes)
    if (a.key == key) return &a.value;
  return nullptr;
}

// The CAMEO country code of actor code `code`: the code itself ("RUS"), or
// its first three letters when they are one ("ZWEMIL": Zimbabwe's
// military); nullptr for codes of no country ("GOV", "NGO").
const CameoCountry* CountryOfCode(std::string_view code) {
  if (const CameoCountry* c = FindCameoCountry(code)) return c;
  return code.size() > 3 ? FindCameoCountry(code.substr(0, 3)) : nullptr;
}

// The CAMEO country codes a statement gives its `i`th actor (0: the
// speaker; i >= 1: target i-1): from GDELT's Actor1Code/Actor2Code,
// PLOVER's source[0].code/target[j].code, or a name that is a CAMEO
// country's code ("USA") or name ("United States").
void CodesOf(const Statement& s, size_t i, const std::string& written,
             std::set<std::string>* out) {
  const std::string* code =
      i == 0 ? AttributeValue(s, "Actor1Code")
             : (i == 1 ? AttributeValue(s, "Actor2Code") : nullptr);
  if (code == nullptr)
    code = AttributeValue(s, i == 0 ? std::string("source[0].code")
                                    : absl::StrCat("target[", i - 1, "].code"));
  if (code != nullptr)
    if (const CameoCountry* c = CountryOfCode(*code)) out->insert(c->code);
  if (const CameoCountry* c = FindCameoCountry(written)) out->insert(c->code);
  if (const CameoCountry* c = FindCameoCountryByName(written)) out->insert(c->code);
}

void Tally(const Statement& s, const AliasView& aliases, std::map<std::string, Actor>* actors) {
  std::set<std::string> seen;  // an actor counts once per statement
  for (size_t i = 0; i <= s.targets.size(); ++i) {
    const std::string& written = i == 0 ? s.speaker : s.targets[i - 1];
    if (written.empty()) continue;
    std::string id = aliases.Root(internal::NormalizeName(written));
    Actor& a = (*actors)[id];
    CodesOf(s, i, written, &a.codes);
    if (!seen.insert(std::move(id)).second) continue;
    ++a.count;
    ++a.forms[written];
  }
}

// The actors a piece of evidence links a name with: the first few (by
// index) and how many in all.
struct Partners {
  static constexpr size_t kShown = 3;
  std::vector<size_t> shown;
  size_t total = 0;
  void Add(size_t i) {
    if (shown.size() < kShown) shown.push_back(i);
    ++total;
  }
};

// Union-find over the actors' indexes; for each actor, every reason it was
// linked and with whom.
struct Links {
  explicit Links(size_t n) : parent(n), reasons(n) {
    std::iota(parent.begin(), parent.end(), size_t{0});
  }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Link(size_t a, size_t b, const std::string& why) {
    reasons[a][why].Add(b);
    reasons[b][why].Add(a);
    parent[Find(a)] = Find(b);
  }
  // Links `members`, which all share one piece of evidence, each with all
  // the others (work linear in the group: only a few partners are kept).
  void LinkAll(const std::vector<size_t>& members, const std::string& why) {
    if (members.size() < 2) return;
    for (size_t m : members) {
      Partners& p = reasons[m][why];
      for (size_t other : members) {
        if (other == m) continue;
        if (p.shown.size() == Partners::kShown) break;
        p.shown.push_back(other);
      }
      p.total += members.size() - 1;
      parent[Find(m)] = Find(members[0]);
    }
  }
  std::vector<size_t> parent;
  std::vector<std::map<std::string, Partners>> reasons;
};

// Links every group of indexes that share a key.
void LinkGroups(const std::map<std::string, std::vector<size_t>>& groups,
                const char* what, Links* links) {
  for (const auto& [key, members] : groups) links->LinkAll(members, absl::StrCat(what, " ", key));
}

struct Named {
  std::string id, label;
  std::string folded;  // FoldName(label)
  const Actor* actor;
};

// Whether `folded` (FoldName of a name) names `country` itself: its name;
// its code or initials, letters run together ("usa", "u s", "u k"); or, for
// a one-word name, its adjective ("russian", "chinese", "iraqi").
bool NamesCountry(const std::string& folded, const CameoCountry& country) {
  const std::string name = FoldName(country.name);
  if (folded == name) return true;
  std::string letters, initials;
  for (char c : folded)
    if (c != ' ') letters += c;
  for (absl::string_view word : absl::StrSplit(name, ' ', absl::SkipEmpty()))
    if (word != "of" && word != "the" && word != "and") initials += word[0];
  if (letters == FoldName(country.code) || letters == initials) return true;
  if (name.find(' ') != std::string::npos || folded.find(' ') != std::string::npos)
    return false;
  std::string_view stem = name;  // "russia" -> "russi", "china" -> "chin"
  if (stem.size() > 4 && std::string_view("aeiouy").find(stem.back()) != std::string::npos)
    stem.remove_suffix(1);
  return folded.size() > stem.size() && folded.size() <= stem.size() + 4 &&
         folded.starts_with(stem);
}

// A shared country code links the actors that name the country itself:
// PLOVER codes every Russian actor RUS, and GDELT a Minnesota actor USA,
// so the code alone says where, not who.
void LinkByCode(const std::vector<Named>& names,
                const std::map<std::string, std::vector<size_t>>& by_code, Links* links) {
  for (const auto& [code, members] : by_code) {
    const CameoCountry* country = FindCameoCountry(code);
    std::vector<size_t> linked;
    for (size_t i : members)
      if (country != nullptr && NamesCountry(names[i].folded, *country))
        linked.push_back(i);
    links->LinkAll(linked, absl::StrCat("code ", code));
  }
}

void LinkByEvidence(const std::vector<Named>& names, Links* links) {
  std::map<std::string, std::vector<size_t>> by_code, by_folded;
  for (size_t i = 0; i < names.size(); ++i) {
    for (const std::string& code : names[i].actor->codes) by_code[code].push_back(i);
    // A name of punctuation alone folds to nothing: no evidence.
    if (!names[i].folded.empty()) by_folded[names[i].folded].push_back(i);
  }
  LinkByCode(names, by_code, links);
  LinkGroups(by_folded, "folded", links);
  // "government of russia" and "russia government".
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& folded = names[i].folded;
    const size_t of = folded.rfind(" of ");
    if (of == std::string::npos || of == 0) continue;
    const std::string swapped = absl::StrCat(folded.substr(of + 4), " ", folded.substr(0, of));
    auto it = by_folded.find(swapped);
    if (it != by_folded.end()) links->Link(i, it->second[0], "word order");
  }
}

bool AllCapitals(const std::string& label) {
  return std::none_of(label.begin(), label.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// The canonical name of a group: the most statements; on a tie a
// country's own name ("Russia" before "RUSSIAN"), then a form not all in
// capitals, then the bytewise first.
bool Larger(const Named& a, const Named& b) {
  if (a.actor->count != b.actor->count) return a.actor->count > b.actor->count;
  const bool a_country = FindCameoCountryByName(a.label) != nullptr;
  if (a_country != (FindCameoCountryByName(b.label) != nullptr)) return a_country;
  if (AllCapitals(a.label) != AllCapitals(b.label)) return !AllCapitals(a.label);
  return a.label < b.label;
}

// "code USA with United States and U.S.; word order with Russia
// Government": each reason `i` was linked, with whom.
std::string Evidence(const std::vector<Named>& names, const Links& links, size_t i) {
  std::vector<std::string> parts;
  for (const auto& [why, partners] : links.reasons[i]) {
    std::vector<std::string> labels;
    for (size_t p : partners.shown) labels.push_back(names[p].label);
    std::sort(labels.begin(), labels.end());
    if (partners.total > labels.size())
      labels.push_back(absl::StrCat(partners.total - labels.size(), " more"));
    std::string with = labels.back();
    if (labels.size() > 1)
      with = absl::StrCat(absl::StrJoin(labels.begin(), labels.end() - 1, ", "), " and ", with);
    parts.push_back(absl::StrCat(why, " with ", with));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

absl::StatusOr<std::vector<AliasSuggestion>> SuggestAliases(const Engine& engine,
                                                            uint64_t min_count) {
  ExportOptions options;
  options.as_of = engine.Head();
  auto records = internal::AliasesAsOf(engine, *options.as_of);
  if (!records.ok()) return records.status();
  const AliasView aliases(*records);
  std::map<std::string, Actor> actors;
  auto walked = ForEachCurrentStatement(engine, options, [&](const TimelineEntry& e) {
    Tally(e.event.statement, aliases, &actors);
    return absl::OkStatus();
  });
  if (!walked.ok()) return walked.status();

  std::vector<Named> names;
  for (const auto& [id, a] : actors)
    if (a.count >= std::max<uint64_t>(min_count, 1)) {
      std::string label = internal::ActorLabel(id, &a.forms, aliases);
      std::string folded = FoldName(label);
      names.push_back({id, std::move(label), std::move(folded), &a});
    }
  Links links(names.size());
  LinkByEvidence(names, &links);
  std::map<size_t, size_t> top;  // group root -> its largest member
  for (size_t i = 0; i < names.size(); ++i) {
    auto [it, fresh] = top.emplace(links.Find(i), i);
    if (!fresh && Larger(names[i], names[it->second])) it->second = i;
  }
  std::vector<AliasSuggestion> out;
  for (size_t i = 0; i < names.size(); ++i) {
    const Named& canonical = names[top[links.Find(i)]];
    if (&canonical == &names[i]) continue;
    out.push_back({names[i].label, canonical.label, Evidence(names, links, i),
                   names[i].actor->count, canonical.actor->count});
  }
  std::sort(out.begin(), out.end(), [](const AliasSuggestion& a, const AliasSuggestion& b) {
    if (a.canonical_count != b.canonical_count) return a.canonical_count > b.canonical_count;
    if (a.canonical != b.canonical) return a.canonical < b.canonical;
    return a.alias < b.alias;
  });
  return out;
}

}  // namespace annals
