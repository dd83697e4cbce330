// What the analyses over actors share: the aliases in force at a point of
// the log, and the name an actor is shown by.
#ifndef ANNALS_ENGINE_SRC_ANALYSIS_ACTOR_NAMES_H_
#define ANNALS_ENGINE_SRC_ANALYSIS_ACTOR_NAMES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "log/log_state.h"
#include "timeline/aliases.h"

namespace annals::internal {

// The aliases in force as of `as_of`: the engine's own list when this
// library made it, else read from the log's alias events.
absl::StatusOr<std::vector<AliasRecord>> AliasesAsOf(const Engine& engine, uint64_t as_of);

// Written form -> statements that wrote it so, for one actor.
using FormCounts = std::map<std::string, uint64_t>;

// The name actor `id` (an alias root) is shown by: the canonical name of
// its alias as written, else its most written form (ties to the bytewise
// first), else `id`.
std::string ActorLabel(const std::string& id, const FormCounts* forms,
                       const AliasView& aliases);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_ANALYSIS_ACTOR_NAMES_H_
