// Networks (annals/network.h): one walk of the current view
// (ForEachCurrentStatement), each statement's speaker -> target dyads
// tallied under their alias roots, then the ego network cut out.
#include "annals/network.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analysis/actor_names.h"
#include "annals/declarative.h"
#include "annals/export.h"
#include "facade/services.h"
#include "log/log_state.h"
#include "model/derived.h"
#include "model/names.h"
#include "projection/key_fields.h"
#include "timeline/aliases.h"

namespace annals {
namespace {

using internal::AliasRecord;
using internal::AliasView;
using internal::Filter;

absl::StatusOr<std::vector<Filter>> ParseWhere(const std::vector<std::string>& where) {
  std::vector<Filter> out;
  if (where.empty()) return out;
  auto def = ParseProjectionDefinition("network", "speaker", where);
  if (!def.ok()) return def.status();
  for (const auto& [k, v] : def->where) {
    auto f = internal::ParseFilter(k, v);
    if (!f.ok()) return f.status();
    out.push_back(*std::move(f));
  }
  return out;
}

// What the walk gathers.
struct Tally {
  std::map<std::pair<std::string, std::string>, NetworkEdge> edges;
  // id -> written form -> statements that wrote it so.
  std::map<std::string, internal::FormCounts> forms;
  uint64_t statements = 0;
};

void Add(const Statement& s, const AliasView& aliases, Tally* t) {
  if (s.speaker.empty() || s.targets.empty()) return;
  const std::string from = aliases.Root(internal::NormalizeName(s.speaker));
  std::map<std::string, std::string> targets;  // id -> first form written
  for (const std::string& w : s.targets) {
    if (w.empty()) continue;
    std::string id = aliases.Root(internal::NormalizeName(w));
    if (id != from) targets.emplace(std::move(id), w);
  }
  if (targets.empty()) return;
  ++t->statements;
  ++t->forms[from][s.speaker];
  const std::optional<double> g = internal::GoldsteinOf(s);
  const std::optional<int> quad = internal::QuadOf(s);
  for (const auto& [to, written] : targets) {
    ++t->forms[to][written];
    NetworkEdge& e = t->edges[{from, to}];
    ++e.count;
    if (g) {
      e.goldstein_sum += *g;
      ++e.scored;
    }
    if (quad) ++e.quad[static_cast<size_t>(*quad - 1)];
  }
}

// The ids of the ego network's nodes whose edges are kept: `ego`, and at
// depth 2 its neighbours.
std::set<std::string> Centres(const Tally& t, const std::string& ego, int depth) {
  std::set<std::string> centres = {ego};
  if (depth < 2) return centres;
  for (const auto& [k, e] : t.edges) {
    if (k.first == ego) centres.insert(k.second);
    if (k.second == ego) centres.insert(k.first);
  }
  return centres;
}

std::string Label(const std::string& id, const Tally& t, const AliasView& aliases) {
  auto it = t.forms.find(id);
  return internal::ActorLabel(id, it == t.forms.end() ? nullptr : &it->second, aliases);
}

Network Assemble(Tally t, const NetworkQuery& q, const AliasView& aliases) {
  Network out;
  std::optional<std::set<std::string>> centres;
  if (!q.actor.empty())
    centres = Centres(t, aliases.Root(internal::NormalizeName(q.actor)), q.depth);
  std::set<std::string> ids;
  for (auto& [k, e] : t.edges) {
    if (centres && !centres->count(k.first) && !centres->count(k.second)) continue;
    e.source = k.first;
    e.target = k.second;
    ids.insert(k.first);
    ids.insert(k.second);
    out.edges.push_back(std::move(e));
  }
  for (const std::string& id : ids) out.nodes.push_back({id, Label(id, t, aliases)});
  out.statements = t.statements;
  return out;
}

}  // namespace

absl::StatusOr<Network> ComputeNetwork(const Engine& engine, const NetworkQuery& q) {
  if (q.depth != 1 && q.depth != 2)
    return absl::InvalidArgumentError(absl::StrCat("depth ", q.depth, ": use 1 or 2"));
  auto filters = ParseWhere(q.where);
  if (!filters.ok()) return filters.status();
  ExportOptions options;
  options.as_of = q.as_of.value_or(engine.Head());
  if (*options.as_of > engine.Head())
    return absl::OutOfRangeError(absl::StrCat("as of ", *options.as_of,
                                              ": beyond the head (", engine.Head(), ")"));
  options.from = q.from;
  options.to = q.to;
  auto records = internal::AliasesAsOf(engine, *options.as_of);
  if (!records.ok()) return records.status();
  const AliasView aliases(*records);
  Tally tally;
  auto summary = ForEachCurrentStatement(engine, options, [&](const TimelineEntry& e) {
    const Statement& s = e.event.statement;
    if (internal::Passes(*filters, s)) Add(s, aliases, &tally);
    return absl::OkStatus();
  });
  if (!summary.ok()) return summary.status();
  Network out = Assemble(std::move(tally), q, aliases);
  out.as_of = summary->as_of;
  return out;
}

}  // namespace annals
