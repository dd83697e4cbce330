// Actor networks: who speaks about whom. Each current statement (as
// timelines see it: corrections applied, retractions left out, as of a log
// position, occurred_at within [from, to]) gives one directed edge from its
// speaker to each of its targets, the dyad's tally: how many statements,
// how many per CAMEO quad class, and the Goldstein scores' sum.
//
// Nodes are actors after aliases (as of the same position): a node's `id`
// is the alias root of the name, normalised (annals/names.h), so "France",
// "FRANCE" and an alias of France are one node; its `label` is the alias
// class's canonical name as written, else the form of the name the
// network's statements wrote most often (ties: the bytewise first). A
// statement naming one target twice (after aliases) counts once for it.
// A statement whose speaker is also its target (after aliases) gives no
// edge: self-loops are dropped. Statements without targets give none.
#ifndef ANNALS_NETWORK_H_
#define ANNALS_NETWORK_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/time.h"
#include "annals/visibility.h"

namespace annals {

struct NetworkQuery {
  // Empty: the whole network. Otherwise only the ego network of this actor
  // (aliases apply): depth 1, the edges from or to it; depth 2, also the
  // edges from or to its neighbours (the actors of its depth-1 edges).
  std::string actor;
  int depth = 1;
  // Only statements whose current occurred_at lies in [from, to], as
  // timelines bound them (to: the whole period); absent bounds are open.
  Timestamp from;
  Timestamp to;
  // The log as it stood at this seq; default the head (read once).
  std::optional<uint64_t> as_of;
  // Filters on the statement's current values, in the words of
  // `projection create --where` (annals/declarative.h): "code=11",
  // "quad=4", "goldstein<=-5", "!topic=trade" (negated, --where-not).
  // Names in filters compare normalised, as written (aliases do not apply
  // to filters, as in declarative projections).
  std::vector<std::string> where;
};

struct NetworkNode {
  std::string id;     // the alias root, normalised
  std::string label;  // as shown (see above)
};

struct NetworkEdge {
  std::string source;  // node ids: the speaker
  std::string target;  // the target
  uint64_t count = 0;  // statements
  // Statements per CAMEO quad class 1-4 (through the codebook; a code that
  // is not CAMEO is in none).
  std::array<uint64_t, 4> quad = {0, 0, 0, 0};
  // Goldstein scores (GoldsteinScale attribute when a number, else the
  // codebook's): their sum over the `scored` statements that have one.
  double goldstein_sum = 0;
  uint64_t scored = 0;
};

struct Network {
  std::vector<NetworkNode> nodes;  // every node of an edge, by id
  std::vector<NetworkEdge> edges;  // by (source, target)
  uint64_t as_of = 0;              // the log seq the answer is as of
  uint64_t statements = 0;         // statements that gave at least one edge
};

// The network of `q` over `engine`'s log (a walk of the current view,
// ForEachCurrentStatement in annals/export.h). kInvalidArgument: depth not
// 1 or 2, an empty [from, to], a bad filter; kOutOfRange: as_of beyond the
// head; storage errors as Engine::Read. Thread-safe as Engine's reads are.
ANNALS_EXPORT absl::StatusOr<Network> ComputeNetwork(const Engine& engine,
                                                     const NetworkQuery& q);

}  // namespace annals

#endif  // ANNALS_NETWORK_H_
