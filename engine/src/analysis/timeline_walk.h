// What series and claims share: a whole timeline, read page by page.
#ifndef ANNALS_ENGINE_SRC_ANALYSIS_TIMELINE_WALK_H_
#define ANNALS_ENGINE_SRC_ANALYSIS_TIMELINE_WALK_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/timeline.h"

namespace annals::internal {

// Calls `f` with every entry of timeline `q` (its paging fields, reverse
// and include_retracted ignored), in order; every page answers as of the
// first's point, which is returned. Errors as Engine::Timeline.
absl::StatusOr<uint64_t> WalkTimeline(const Engine& engine, TimelineQuery q,
                                      const std::function<void(TimelineEntry&)>& f);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_ANALYSIS_TIMELINE_WALK_H_
