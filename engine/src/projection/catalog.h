// What the projection machinery offers the read side: which projections
// are timelines, how far they have got, and waiting for them. Implemented
// by ProjectionManager; thread-safe.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_CATALOG_H_
#define ANNALS_ENGINE_SRC_PROJECTION_CATALOG_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "projection/timeline_layout.h"

namespace annals::internal {

// A timeline projection as a query finds it.
struct TimelineHandle {
  std::shared_ptr<const TimelineLayout> layout;
  bool building = false;    // new and still replaying history
  uint64_t checkpoint = 0;  // last seq the answering version applied
};

class ProjectionCatalog {
 public:
  virtual ~ProjectionCatalog() = default;
  // kNotFound: no projection `name`; kInvalidArgument: it is not a
  // timeline.
  virtual absl::StatusOr<TimelineHandle> FindTimeline(std::string_view name) const = 0;
  // Engine::WaitForProjection's contract.
  virtual absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                         absl::Duration timeout) const = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_CATALOG_H_
