// Verifying one projection: replay the log into a scratch RocksDB with the
// projection's own code, then compare the result key by key with what the
// store holds for the projection's answering generation.
#ifndef ANNALS_ENGINE_SRC_VERIFY_PROJECTION_CHECK_H_
#define ANNALS_ENGINE_SRC_VERIFY_PROJECTION_CHECK_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "annals/projection.h"
#include "log/raw_store.h"
#include "projection/timeline_layout.h"
#include "verify/problems.h"

namespace annals::internal {

struct ProjectionCheck {
  const RawStore* store = nullptr;  // opened read-only, with projection data
  std::string name;
  uint32_t gen = 0;
  uint64_t checkpoint = 0;  // replay events 1..checkpoint
  const Projection* projection = nullptr;
  // The projection's TimelineLayout when it has one: the replay then gives
  // it each event's stored bytes, which its entries carry, so damage to
  // the copies is found like damage to any other key.
  const TimelineLayout* timeline = nullptr;
  std::string scratch_dir;  // an existing directory for the scratch store
};

// Reports mismatches to `sink`. A non-OK status means the comparison could
// not be made (e.g. the log is damaged below the checkpoint, or the scratch
// store failed); the caller records it as a note.
absl::Status CheckProjection(const ProjectionCheck& check, ProblemSink& sink);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_VERIFY_PROJECTION_CHECK_H_
