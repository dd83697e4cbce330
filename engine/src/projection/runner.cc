#include "projection/runner.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "log/db_engine.h"
#include "log/keys.h"
#include "model/sv.h"
#include "model/thread_name.h"
#include "projection/batch_writer.h"
#include "projection/bulk_ingest.h"
#include "projection/bulk_writer.h"
#include "rocksdb/write_batch.h"
#include "timeline/grouped_timeline.h"

namespace annals::internal {

namespace {

// Events applied per WriteBatch: large enough to amortise the commit and
// to collapse the repeated count and display writes of popular groups
// (16384 cut rebuild CPU by about a third against 2048),
// small enough that a failure or shutdown is noticed quickly.
constexpr size_t kBatchEvents = 16384;


}  // namespace

ProjectionRunner::ProjectionRunner(DbEngine* engine, std::string name,
                                   std::shared_ptr<const Projection> projection,
                                   uint32_t gen, uint64_t checkpoint, Mode mode)
    : engine_(engine),
      name_(std::move(name)),
      projection_(std::move(projection)),
      gen_(gen),
      version_(projection_->version()),
      prefix_(ProjectionPrefix(name_, gen)),
      checkpoint_(checkpoint),
      mode_(mode),
      // Timelines (built-in and declarative) read only the grouping fields
      // of an event: skip decoding content and attributes. Others get it
      // whole.
      depth_(dynamic_cast<const GroupedTimeline*>(projection_.get()) != nullptr
                 ? DecodeDepth::kGrouping
                 : DecodeDepth::kFull) {
  NoteCatchUp(checkpoint);
}

void ProjectionRunner::NoteCatchUp(uint64_t checkpoint) {
  const uint64_t bound = engine_->options().max_live_lag;
  if (bound != 0 && engine_->Head() <= checkpoint + bound)
    caught_up_.store(true, std::memory_order_release);
}

ProjectionRunner::~ProjectionRunner() { Stop(); }

void ProjectionRunner::Start() {
  thread_ = std::thread([this] {
    NameThisThread("annals-proj");
    Loop();
  });
}

void ProjectionRunner::Stop() {
  {
    absl::MutexLock lock(&engine_->progress_mu());
    stop_.store(true);
  }
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void ProjectionRunner::Loop() {
  for (;;) {
    // A rebuild that starts (or is) caught up switches without a batch.
    if (mode() == Mode::kRebuild) engine_->OnRebuildProgress(name_, this);
    {
      absl::MutexLock lock(&engine_->progress_mu());
      auto ready = [this] { return stop_.load() || engine_->Head() > checkpoint(); };
      engine_->progress_mu().Await(absl::Condition(&ready));
      if (stop_.load()) return;
    }
    const Options& o = engine_->options();
    if (mode() == Mode::kLive && o.live_batch_hold_ms > 0 && o.live_bulk_min_lag > 0) {
      HoldForMore();
      if (stop_.load()) return;
    }
    if (!RunBatch()) {
      if (mode() == Mode::kRebuild) engine_->OnRebuildProgress(name_, this);
      return;
    }
  }
}

void ProjectionRunner::HoldForMore() {
  const Options& o = engine_->options();
  const absl::Duration idle = absl::Milliseconds(o.live_batch_idle_ms);
  absl::Mutex& mu = engine_->progress_mu();
  absl::MutexLock lock(&mu);
  const absl::Time until = absl::Now() + absl::Milliseconds(o.live_batch_hold_ms);
  // What ends the hold at once: stopping, a caller waiting on the
  // projections, enough events for a bulk batch, or appends held up by
  // max_live_lag for this projection (they are no pause in the appends,
  // and end only the hold of the projection they wait for).
  auto over = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    const uint64_t lag = engine_->Head() - checkpoint();
    return stop_.load() || engine_->waiting_on_projections() > 0 ||
           lag >= o.live_bulk_min_lag ||
           (engine_->appends_held() > 0 && lag > o.max_live_lag);
  };
  // Appends held up elsewhere are no pause either: while any is, only the
  // hold's end ends it; wake when that changes to restart the idle clock.
  int held = engine_->appends_held();
  absl::Time active = absl::Now();  // appends last moved, or stopped being held
  auto woken = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return over() || (engine_->appends_held() > 0) != (held > 0);
  };
  for (;;) {
    absl::Time deadline = until;
    if (idle > absl::ZeroDuration() && held == 0)
      deadline = std::min(deadline, std::max(active, engine_->last_append()) + idle);
    mu.AwaitWithDeadline(absl::Condition(&woken), deadline);
    if (over()) return;
    const absl::Time now = absl::Now();
    if (now >= until) return;
    if ((engine_->appends_held() > 0) != (held > 0)) {
      held = engine_->appends_held();
      active = now;
      continue;
    }
    // Appends that stop for live_batch_idle_ms end the hold too: the
    // import is over, so its tail is applied at once.
    if (idle > absl::ZeroDuration() && held == 0 &&
        now - std::max(active, engine_->last_append()) >= idle)
      return;
  }
}

bool ProjectionRunner::RunBatch() {
  const uint64_t from = checkpoint() + 1;
  absl::Status failure;
  uint64_t failure_seq = 0;
  // Far enough behind, a batch is written as an ingested file
  // (Options::bulk_rebuild_* while no query reads the generation,
  // live_bulk_* once queries do); else as one WriteBatch.
  const Options& options = engine_->options();
  const uint64_t head = engine_->Head();
  const bool live = mode() == Mode::kLive;
  const uint64_t min_lag = live ? options.live_bulk_min_lag : options.bulk_rebuild_min_lag;
  const bool bulk = min_lag != 0 && head >= from && head - from + 1 >= min_lag;
  const size_t limit =
      bulk ? std::max<uint64_t>(1, live ? options.live_bulk_batch_events
                                        : options.bulk_rebuild_batch_events)
           : kBatchEvents;
  // Applies events from `from` up to `until` (inclusive; 0 = a full batch)
  // into `writer`; returns the last seq applied.
  auto apply = [&](ProjectionWriter& writer, uint64_t until) -> uint64_t {
    uint64_t last = from - 1;
    // A bulk batch is long: read and decode it ahead, beside the Apply calls.
    auto it = bulk ? engine_->NewPrefetchingIterator(
                         from, until != 0 ? std::min<uint64_t>(limit, until - from + 1) : limit,
                         depth_)
                   : engine_->NewIterator(from, depth_);
    for (size_t n = 0; it->Valid() && n < limit && !stop_.load(); it->Next(), ++n) {
      const Event& e = it->event();
      if (until != 0 && e.seq > until) break;
      absl::Status st = projection_->Apply(e, writer);
      if (!st.ok()) {
        failure = st;
        failure_seq = e.seq;
        return last;
      }
      last = e.seq;
    }
    if (!it->status().ok()) {
      failure = it->status();
      failure_seq = last + 1;
    }
    return last;
  };
  std::unique_ptr<BatchWriter> batch_writer;
  auto fresh_writer = [&]() -> ProjectionWriter& {
    if (bulk) {
      if (bulk_writer_ == nullptr) bulk_writer_ = std::make_unique<BulkWriter>(engine_, prefix_);
      bulk_writer_->Clear();
      return *bulk_writer_;
    }
    batch_writer = std::make_unique<BatchWriter>(engine_, prefix_);
    return *batch_writer;
  };
  uint64_t last = apply(fresh_writer(), 0);
  if (!failure.ok() && last >= from) {
    // The failing event may have written part of its output: redo the
    // events before it in a clean batch, so only whole events commit.
    absl::Status kept = failure;
    uint64_t kept_seq = failure_seq;
    failure = absl::OkStatus();
    last = apply(fresh_writer(), kept_seq - 1);
    if (failure.ok()) {
      failure = kept;
      failure_seq = kept_seq;
    }
  }
  if (last >= from) {
    absl::Status st;
    if (bulk) {
      st = IngestBatch(engine_, *bulk_writer_, absl::StrCat(name_, "-", gen_, "-", last),
                       GenerationKey(name_, gen_), EncodeGeneration(version_, last));
    } else {
      rocksdb::WriteBatch batch;
      batch_writer->WriteTo(&batch);
      batch.Put(engine_->meta_family(), GenerationKey(name_, gen_),
                EncodeGeneration(version_, last));
      rocksdb::WriteOptions wo;  // the log is the durable truth; replay redoes
      st = FromRocks(engine_->db()->Write(wo, &batch), "writing projection output");
    }
    if (!st.ok()) {
      failure = st;
      failure_seq = from;
      last = from - 1;
    }
  }
  // A bulk batch's memory is kept for the next one, but not once caught up.
  if (!bulk || last >= engine_->Head()) bulk_writer_.reset();
  if (!caught_up()) NoteCatchUp(last);
  absl::MutexLock lock(&engine_->progress_mu());
  checkpoint_.store(last, std::memory_order_release);
  if (mode() == Mode::kBuilding && last >= engine_->Head()) set_mode(Mode::kLive);
  if (!failure.ok()) {
    failed_seq_ = failure_seq;
    error_ = std::string(failure.message());
    if (error_.empty()) error_ = failure.ToString();
    failed_.store(true, std::memory_order_release);
    return false;
  }
  return true;
}

}  // namespace annals::internal
