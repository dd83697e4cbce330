// The projection machinery: the registry of projections, one background
// worker per generation (projection/runner.h), rebuilds beside the live
// version, every wait on projections, and the backpressure appends wait
// on. It depends on the log store only through EventLog and
// ProjectionStorage, and offers the read side ProjectionCatalog. Where
// each part lives:
//   registration, drop      projection/registry.cc
//   rebuilds, reports       projection/rebuild.cc
//   waits, backpressure     projection/waits.cc
// Thread-safe.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_MANAGER_H_
#define ANNALS_ENGINE_SRC_PROJECTION_MANAGER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "annals/engine.h"
#include "log/event_log.h"
#include "log/projection_storage.h"
#include "projection/catalog.h"
#include "projection/runner.h"
#include "projection/timeline_layout.h"

namespace annals::internal {

class GroupedTimeline;

// One registered projection: the version that answers and, during a
// rebuild, the one replaying beside it.
struct ProjectionSlot {
  std::shared_ptr<const Projection> projection;
  // Set when the projection is a grouped timeline (its capability).
  std::shared_ptr<const TimelineLayout> timeline;
  std::unique_ptr<ProjectionRunner> active;
  std::unique_ptr<ProjectionRunner> rebuilding;
  enum class Origin { kBuiltin, kDeclarative, kCustom } origin;
  std::string definition;        // declarative only
  absl::Status rebuild_outcome;  // of the last finished rebuild
  // Failed rebuilds whose worker thread has not been joined yet.
  std::vector<std::unique_ptr<ProjectionRunner>> retired;
};

class ProjectionManager final : public ProjectionCatalog, public HeadListener {
 public:
  // `log` and `storage` (the same log store) must outlive the manager.
  ProjectionManager(const EventLog& log, ProjectionStorage& storage, const Options& options);
  ~ProjectionManager() override;  // stops every worker
  ProjectionManager(const ProjectionManager&) = delete;
  ProjectionManager& operator=(const ProjectionManager&) = delete;

  // Registers the built-in and stored declarative projections; once,
  // before appends start.
  absl::Status Start();

  // --- Engine's projection calls, with its contracts ---
  absl::Status AddProjection(std::shared_ptr<const Projection> p);
  absl::Status CreateProjection(const ProjectionDefinition& def);
  absl::Status DropProjection(std::string_view name);
  absl::Status Rebuild(std::string_view name);
  absl::Status WaitForRebuild(std::string_view name, absl::Duration timeout) const;
  std::vector<ProjectionInfo> Projections() const;
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout) const;
  absl::StatusOr<std::optional<std::string>> ReadProjection(std::string_view name,
                                                            std::string_view key) const;

  // Backpressure (Options::max_live_lag): returns once every live
  // projection is within it of the head (or the manager is stopping).
  // Call before an append, with no lock held.
  void AwaitLiveProjections() const;

  // --- ProjectionCatalog ---
  absl::StatusOr<TimelineHandle> FindTimeline(std::string_view name) const override;
  absl::Status WaitForProjection(std::string_view name, uint64_t seq,
                                 absl::Duration timeout) const override;

  // --- HeadListener: appends wake the workers and waiters ---
  void OnHeadMoved() override { WakeWaiters(); }

  // --- For the workers (projection/runner.cc) ---
  const EventLog& log() const { return log_; }
  ProjectionStorage& storage() const { return storage_; }
  const Options& options() const { return options_; }
  // The mutex every wait on projections Awaits on (WaitFor, rebuild and
  // query waits, append backpressure, a worker's batching hold): it guards
  // the workers' checkpoints, modes and failures, the counters below, and,
  // with registry_mu_, the slots. Whatever such a wait reads changes under
  // it, or (the head) is followed by an empty lock and unlock of it
  // (WakeWaiters), so waiters wake on the event.
  absl::Mutex& progress_mu() const ABSL_LOCK_RETURNED(progress_mu_) { return progress_mu_; }
  // Locks and unlocks progress_mu_, which re-evaluates every waiter's
  // condition: call after changing what they read outside the mutex.
  void WakeWaiters() const;
  // How many callers are waiting on projections now: live workers end
  // their batching hold while any is (Options::live_batch_hold_ms).
  int waiting_on_projections() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) {
    return waiting_on_projections_;
  }
  // How many appends are held up by Options::max_live_lag now. The import
  // goes on meanwhile: a live worker's hold does not take the pause for
  // its end, and only the projection that is too far behind stops holding.
  int appends_held() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(progress_mu_) { return appends_held_; }
  // Called by a rebuilding worker each time it commits a batch.
  void OnRebuildProgress(const std::string& name, ProjectionRunner* runner);

 private:
  absl::Status Register(std::shared_ptr<const Projection> p,
                        std::shared_ptr<const TimelineLayout> timeline,
                        ProjectionSlot::Origin origin, std::string definition);
  absl::Status RegisterTimeline(std::shared_ptr<const GroupedTimeline> p,
                                ProjectionSlot::Origin origin, std::string definition);
  // Registers a declarative projection from its stored definition text.
  absl::Status RegisterStored(const std::string& name, const std::string& text);
  // A projection's answering generation and its checkpoint as stored;
  // fresh when there is none (or it is of another version).
  struct ActiveRecord {
    uint32_t gen = 0;
    uint64_t checkpoint = 0;
    bool fresh = true;
  };
  absl::StatusOr<ActiveRecord> ReadActiveRecord(const std::string& name, uint32_t version) const;
  // Drops the generations of `name` other than `keep`, and makes a fresh
  // generation answer when `record` is fresh. Writers only.
  absl::Status PrepareGenerations(const std::string& name, uint32_t version,
                                  ActiveRecord& record);
  void StopAll();

  const EventLog& log_;
  ProjectionStorage& storage_;
  const Options options_;

  // Guards the registry: slots_ and what each slot holds. Changes to the
  // slots (and stopping_) are made holding progress_mu_ as well, so a wait
  // on progress_mu_ may read them. Taken before progress_mu_.
  mutable absl::Mutex registry_mu_;
  std::map<std::string, std::shared_ptr<ProjectionSlot>, std::less<>> slots_;
  bool stopping_ = false;

  mutable absl::Mutex progress_mu_;
  mutable int waiting_on_projections_ ABSL_GUARDED_BY(progress_mu_) = 0;
  mutable int appends_held_ ABSL_GUARDED_BY(progress_mu_) = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_MANAGER_H_
