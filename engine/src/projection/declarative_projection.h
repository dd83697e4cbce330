// Declarative projections (annals/declarative.h) as grouped timelines.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_DECLARATIVE_PROJECTION_H_
#define ANNALS_ENGINE_SRC_PROJECTION_DECLARATIVE_PROJECTION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "annals/declarative.h"
#include "projection/grouped_timeline.h"

namespace annals::internal {

// Projection names: [A-Za-z0-9_.-], 1 to 64 characters.
absl::Status CheckProjectionName(std::string_view name);

// kInvalidArgument naming the bad field if `def`'s key and filters are not
// fields a declarative projection knows (annals/declarative.h). Its stored
// form is log/records.h's EncodeDefinition.
absl::Status CheckDefinition(const ProjectionDefinition& def);

// CheckDefinition, and for a definition about to be created, also
// kInvalidArgument for a filter value no statement can have (a quad of 5,
// "2025-02-30": key_fields.h's CheckValues). Stored definitions are read
// with CheckDefinition alone, as they were accepted.
absl::Status CheckNewDefinition(const ProjectionDefinition& def);

// kInvalidArgument if `def` is not valid (see CheckDefinition).
absl::StatusOr<std::shared_ptr<const GroupedTimeline>> NewDeclarativeProjection(
    const ProjectionDefinition& def);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_DECLARATIVE_PROJECTION_H_
