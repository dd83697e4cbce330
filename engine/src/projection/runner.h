// The background worker of one projection generation: waits for appends,
// applies events in batches, and commits each batch's writes together with
// the generation's checkpoint: in one WriteBatch, or, when it is far behind
// (Options::bulk_rebuild_min_lag, live_bulk_min_lag), in one ingestion of
// a sorted file (projection/bulk_writer.h, ProjectionStorage::IngestBatch).
// A live worker with little to do holds on briefly for more
// (Options::live_batch_hold_ms).
#ifndef ANNALS_ENGINE_SRC_PROJECTION_RUNNER_H_
#define ANNALS_ENGINE_SRC_PROJECTION_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "annals/projection.h"
#include "codec/event_codec.h"
#include "log/records.h"
#include "projection/timeline_layout.h"

namespace annals::internal {

class BatchWriter;
class BulkWriter;
class ProjectionManager;

class ProjectionRunner {
 public:
  enum class Mode {
    kLive,      // the answering version, following appends
    kBuilding,  // a new projection replaying history; live once caught up
    kRebuild,   // a replacement replaying beside the live version
  };

  // `timeline`: the projection's TimelineLayout when it has one (it says
  // how much of each event to decode), else null. `manager` outlives it.
  ProjectionRunner(ProjectionManager& manager, std::string name,
                   std::shared_ptr<const Projection> projection,
                   const TimelineLayout* timeline, uint32_t gen, uint64_t checkpoint,
                   Mode mode);
  ~ProjectionRunner();  // stops the worker

  void Start();
  // Asks the worker to stop after its current batch and joins it.
  void Stop();

  const std::string& name() const { return name_; }
  uint32_t gen() const { return gen_; }
  uint32_t version() const { return version_; }
  const std::string& prefix() const { return prefix_; }

  // Read under any lock; updated after each committed batch, under the
  // manager's progress mutex.
  uint64_t checkpoint() const { return checkpoint_.load(std::memory_order_acquire); }
  Mode mode() const { return mode_.load(std::memory_order_acquire); }
  // Call holding the manager's progress mutex.
  void set_mode(Mode m) { mode_.store(m, std::memory_order_release); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // Whether it has been within Options::max_live_lag of the head since it
  // started: only then does it hold appends up (a projection reopened far
  // behind, e.g. after a bulk load without projections, catches up first).
  bool caught_up() const { return caught_up_.load(std::memory_order_acquire); }
  // Valid once failed() is true.
  uint64_t failed_seq() const { return failed_seq_; }
  const std::string& error() const { return error_; }

 private:
  // How the next batch is applied and written.
  struct Plan {
    uint64_t from = 0;  // first seq
    bool bulk = false;  // as an ingested file (else one WriteBatch)
    size_t limit = 0;   // events at most
    uint64_t max_bytes = 0;  // of a bulk batch's output (0: no limit)
  };
  // What stopped a batch short: the error and the event it came from.
  struct Failure {
    absl::Status status;
    uint64_t seq = 0;
  };

  void Loop();
  // A live worker with few events to apply holds on for more, so that a
  // sustained import is applied in bulk batches (Options::live_batch_hold_ms);
  // nobody is kept waiting by it. Waits on the manager's progress mutex for
  // whatever ends the hold, or its deadline.
  void HoldForMore();
  // Sets caught_up_ if `checkpoint` is within max_live_lag of the head.
  void NoteCatchUp(uint64_t checkpoint);
  // Applies and commits one batch starting after the checkpoint. Returns
  // false when the worker must stop (failure).
  bool RunBatch();
  Plan PlanBatch() const;
  // A writer for a batch of `plan`, empty (a bulk writer is reused).
  ProjectionWriter& FreshWriter(const Plan& plan, std::unique_ptr<BatchWriter>* batch);
  // Applies events from plan.from up to `until` (inclusive; 0: a full
  // batch) into `writer`; returns the last seq applied, and on an error
  // sets `failure`.
  uint64_t Apply(const Plan& plan, ProjectionWriter& writer, uint64_t until, Failure* failure);
  // Writes the batch's output with the checkpoint `last`.
  absl::Status Commit(const Plan& plan, const BatchWriter* batch, uint64_t last);
  // Makes `last` the checkpoint everyone sees (and the failure, if any).
  void Publish(uint64_t last, const Failure& failure);

  ProjectionManager& manager_;
  const std::string name_;
  const std::shared_ptr<const Projection> projection_;
  const uint32_t gen_;
  const uint32_t version_;
  const std::string prefix_;
  std::atomic<uint64_t> checkpoint_;
  std::atomic<Mode> mode_;
  const TimelineLayout* const timeline_;  // null unless the projection has one
  const DecodeDepth depth_;  // how much of each event Apply needs
  std::atomic<bool> stop_{false};
  std::mutex join_mu_;  // Stop may be called from two threads
  std::atomic<bool> failed_{false};
  std::atomic<bool> caught_up_{false};
  uint64_t failed_seq_ = 0;  // written once before failed_ is set
  std::string error_;
  // The writer of bulk batches, reused while they last (worker thread only).
  std::unique_ptr<BulkWriter> bulk_writer_;
  std::thread thread_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_RUNNER_H_
