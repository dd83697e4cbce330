// Projections: derived views built by replaying the log in seq order.
//
// A projection consumes events one at a time and writes keys in its own
// keyspace. The engine runs each registered projection in a background
// worker that wakes on appends and applies events in batches; the writes of a
// batch and the projection's checkpoint (the last seq applied) are committed
// atomically (one RocksDB WriteBatch; or, for a projection catching up from
// far behind, one ingestion of a sorted file per family: see
// Options::bulk_rebuild_min_lag), so after a crash it resumes exactly after
// the last event it committed: none skipped, none applied twice.
//
// If Apply fails, that projection stops before the failing event (its
// checkpoint stays at seq - 1) and reports the seq and the error; the other
// projections go on. Reopening the engine retries it.
#ifndef ANNALS_PROJECTION_H_
#define ANNALS_PROJECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/event.h"
#include "annals/visibility.h"

namespace annals {

// The view of a projection's keyspace while it applies one batch. Reads see
// the batch's own earlier writes. Keys are the projection's own: the engine
// prefixes them, so projections never collide. Not thread-safe; valid only
// during the Apply call that received it.
class ANNALS_EXPORT ProjectionWriter {
 public:
  virtual ~ProjectionWriter() = default;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
  // Adds `delta` to the little-endian uint64 counter at `key` (absent = 0),
  // without reading it: cheap enough for a counter per event.
  virtual void Add(std::string_view key, int64_t delta) = 0;
  // nullopt when the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view key) = 0;
  // Reads a log event by seq (e.g. the target of a correction), as stored.
  virtual absl::StatusOr<Event> GetEvent(uint64_t seq) = 0;
};

class ANNALS_EXPORT Projection {
 public:
  virtual ~Projection() = default;
  // Unique among an engine's projections: [A-Za-z0-9_.-], 1-64 characters.
  virtual std::string name() const = 0;
  // Bump when Apply's output changes: a stored projection with another
  // version is rebuilt from seq 1 when registered.
  virtual uint32_t version() const = 0;
  // Applies one event of any kind (ignore the kinds you do not use). Must
  // keep all state in `out`'s keyspace, and must be safe to call from two
  // threads at once on different writers (a rebuild runs beside the live
  // worker). An error stops this projection at `event.seq`.
  //
  // Apply runs on the projection's worker thread. It may call the engine's
  // reads that do not wait (Get, Read, FindById, Head, Projections,
  // ReadProjection; Timeline and Counts only with `wait = false`). It must
  // not append (an append may wait for lagging projections:
  // Options::max_live_lag), add, drop or rebuild a projection, close the
  // engine, or wait for projections (WaitFor, WaitForProjection,
  // WaitForRebuild): each may wait for this very worker, which would then
  // never return.
  virtual absl::Status Apply(const Event& event, ProjectionWriter& out) const = 0;
};

enum class ProjectionState {
  kLive,        // applying events as they are appended
  kBuilding,    // new: replaying history; answers only once caught up
  kRebuilding,  // a new version is replaying; the old one still answers
  kFailed,      // stopped at `failed_seq` with `error`
};

// Returns "live", "building", "rebuilding" or "failed".
ANNALS_EXPORT const char* ProjectionStateName(ProjectionState state);

struct ProjectionInfo {
  std::string name;
  uint32_t version = 0;
  ProjectionState state = ProjectionState::kLive;
  uint64_t checkpoint = 0;   // last seq applied by the version that answers
  uint64_t head = 0;         // the log's head when this was taken
  uint64_t lag = 0;          // head - checkpoint
  uint64_t rebuild_checkpoint = 0;  // kBuilding/kRebuilding: replay progress
  uint64_t failed_seq = 0;   // kFailed: the event it could not apply
  std::string error;         // kFailed: why
  std::string definition;    // declarative projections: their definition
};

}  // namespace annals

#endif  // ANNALS_PROJECTION_H_
