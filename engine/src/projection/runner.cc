#include "projection/runner.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "model/thread_name.h"
#include "projection/batch_writer.h"
#include "projection/bulk_writer.h"
#include "projection/manager.h"

namespace annals::internal {
namespace {

// Events applied per WriteBatch: large enough to amortise the commit and
// to collapse the repeated count and display writes of popular groups
// (16384 cut rebuild CPU by about a third against 2048),
// small enough that a failure or shutdown is noticed quickly.
constexpr size_t kBatchEvents = 16384;

// A bulk writer reserves its byte limit and a little more, for the event
// that crosses it: timeline entries carry the statement (about 3 KiB of
// output per event for the actors timeline), and an arena grown by
// doubling held up to three times a batch's bytes while it copied
// (issue 19: RSS at 10M). Limits above kMaxReserve grow past it as before.
constexpr uint64_t kMaxReserve = uint64_t{512} << 20;

size_t BulkReserveBytes(uint64_t max_bytes) {
  const uint64_t m = std::min(max_bytes, kMaxReserve);
  return static_cast<size_t>(m + m / 16);
}

}  // namespace

ProjectionRunner::ProjectionRunner(ProjectionManager& manager, std::string name,
                                   std::shared_ptr<const Projection> projection,
                                   const TimelineLayout* timeline, uint32_t gen,
                                   uint64_t checkpoint, Mode mode)
    : manager_(manager),
      name_(std::move(name)),
      projection_(std::move(projection)),
      gen_(gen),
      version_(projection_->version()),
      prefix_(ProjectionPrefix(name_, gen)),
      checkpoint_(checkpoint),
      mode_(mode),
      timeline_(timeline),
      // A projection declares how much of an event it reads through its
      // TimelineLayout; others get events whole.
      depth_(timeline != nullptr ? timeline->decode_depth() : DecodeDepth::kFull) {
  NoteCatchUp(checkpoint);
}

void ProjectionRunner::NoteCatchUp(uint64_t checkpoint) {
  const uint64_t bound = manager_.options().max_live_lag;
  if (bound != 0 && manager_.log().Head() <= checkpoint + bound)
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
    absl::MutexLock lock(&manager_.progress_mu());  // ends a hold
    stop_.store(true);
  }
  manager_.log().WakeHeadWaiters();  // ends the wait for appends
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void ProjectionRunner::Loop() {
  const Options& o = manager_.options();
  for (;;) {
    // A rebuild that starts (or is) caught up switches without a batch.
    if (mode() == Mode::kRebuild) manager_.OnRebuildProgress(name_, this);
    if (!manager_.log().WaitForHead(checkpoint(), absl::InfiniteFuture(), &stop_) ||
        stop_.load())
      return;
    if (mode() == Mode::kLive && o.live_batch_hold_ms > 0 && o.live_bulk_min_lag > 0) {
      HoldForMore();
      if (stop_.load()) return;
    }
    if (!RunBatch()) {
      if (mode() == Mode::kRebuild) manager_.OnRebuildProgress(name_, this);
      return;
    }
  }
}

void ProjectionRunner::HoldForMore() {
  const Options& o = manager_.options();
  const EventLog& log = manager_.log();
  const absl::Duration idle = absl::Milliseconds(o.live_batch_idle_ms);
  absl::Mutex& mu = manager_.progress_mu();
  absl::MutexLock lock(&mu);
  const absl::Time until = absl::Now() + absl::Milliseconds(o.live_batch_hold_ms);
  // What ends the hold at once: stopping, a caller waiting on the
  // projections, enough events for a bulk batch, or appends held up by
  // max_live_lag for this projection (they are no pause in the appends,
  // and end only the hold of the projection they wait for).
  auto over = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    const uint64_t lag = log.Head() - checkpoint();
    return stop_.load() || manager_.waiting_on_projections() > 0 ||
           lag >= o.live_bulk_min_lag || (manager_.appends_held() > 0 && lag > o.max_live_lag);
  };
  // Appends held up elsewhere are no pause either: while any is, only the
  // hold's end ends it; wake when that changes to restart the idle clock.
  int held = manager_.appends_held();
  absl::Time active = absl::Now();  // appends last moved, or stopped being held
  auto woken = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return over() || (manager_.appends_held() > 0) != (held > 0);
  };
  for (;;) {
    absl::Time deadline = until;
    if (idle > absl::ZeroDuration() && held == 0)
      deadline = std::min(deadline, std::max(active, log.LastAppendTime()) + idle);
    mu.AwaitWithDeadline(absl::Condition(&woken), deadline);
    if (over()) return;
    const absl::Time now = absl::Now();
    if (now >= until) return;
    if ((manager_.appends_held() > 0) != (held > 0)) {
      held = manager_.appends_held();
      active = now;
      continue;
    }
    // Appends that stop for live_batch_idle_ms end the hold too: the
    // import is over, so its tail is applied at once.
    if (idle > absl::ZeroDuration() && held == 0 &&
        now - std::max(active, log.LastAppendTime()) >= idle)
      return;
  }
}

ProjectionRunner::Plan ProjectionRunner::PlanBatch() const {
  // Far enough behind, a batch is written as an ingested file
  // (Options::bulk_rebuild_* while no query reads the generation,
  // live_bulk_* once queries do); else as one WriteBatch.
  const Options& options = manager_.options();
  Plan plan;
  plan.from = checkpoint() + 1;
  const uint64_t head = manager_.log().Head();
  const bool live = mode() == Mode::kLive;
  const uint64_t min_lag = live ? options.live_bulk_min_lag : options.bulk_rebuild_min_lag;
  plan.bulk = min_lag != 0 && head >= plan.from && head - plan.from + 1 >= min_lag;
  plan.limit = plan.bulk ? std::max<uint64_t>(1, live ? options.live_bulk_batch_events
                                                      : options.bulk_rebuild_batch_events)
                         : kBatchEvents;
  if (plan.bulk) plan.max_bytes = options.bulk_batch_max_bytes;
  return plan;
}

ProjectionWriter& ProjectionRunner::FreshWriter(const Plan& plan,
                                                std::unique_ptr<BatchWriter>* batch) {
  if (plan.bulk) {
    if (bulk_writer_ == nullptr)
      bulk_writer_ = std::make_unique<BulkWriter>(manager_.log(), manager_.storage(), prefix_,
                                                  BulkReserveBytes(plan.max_bytes));
    bulk_writer_->Clear();
    return *bulk_writer_;
  }
  *batch = std::make_unique<BatchWriter>(manager_.log(), manager_.storage(), prefix_);
  return **batch;
}

uint64_t ProjectionRunner::Apply(const Plan& plan, ProjectionWriter& writer, uint64_t until,
                                 Failure* failure) {
  const EventLog& log = manager_.log();
  uint64_t last = plan.from - 1;
  // A bulk batch is long: read and decode it ahead, beside the Apply calls.
  const uint64_t count =
      until != 0 ? std::min<uint64_t>(plan.limit, until - plan.from + 1) : plan.limit;
  auto it = plan.bulk ? log.NewPrefetchingIterator(plan.from, count, depth_)
                      : log.NewIterator(plan.from, depth_);
  for (size_t n = 0; it->Valid() && n < plan.limit && !stop_.load(); it->Next(), ++n) {
    if (plan.bulk && plan.max_bytes != 0 && bulk_writer_->bytes() >= plan.max_bytes) break;
    const Event& e = it->event();
    if (until != 0 && e.seq > until) break;
    // A timeline copies each event's stored bytes into its entries.
    absl::Status st = timeline_ != nullptr ? timeline_->ApplyStored(e, it->stored(), writer)
                                           : projection_->Apply(e, writer);
    if (!st.ok()) {
      *failure = {st, e.seq};
      return last;
    }
    last = e.seq;
  }
  if (!it->status().ok()) *failure = {it->status(), last + 1};
  return last;
}

absl::Status ProjectionRunner::Commit(const Plan& plan, const BatchWriter* batch,
                                      uint64_t last) {
  ProjectionStorage& storage = manager_.storage();
  if (plan.bulk) {
    return storage.IngestBatch(
        absl::StrCat(name_, "-", gen_, "-", last),
        [this](ProjectionFile& file) { return bulk_writer_->WriteTo(file); }, name_, gen_,
        {version_, last});
  }
  ProjectionBatch out = storage.NewBatch();
  batch->WriteTo(&out);
  out.PutGeneration(name_, gen_, {version_, last});
  // Not synced: the log is the durable truth, and a replay redoes the rest.
  return storage.Commit(out, false, "writing projection output");
}

bool ProjectionRunner::RunBatch() {
  const Plan plan = PlanBatch();
  Failure failure;
  std::unique_ptr<BatchWriter> batch;
  uint64_t last = Apply(plan, FreshWriter(plan, &batch), 0, &failure);
  if (!failure.status.ok() && last >= plan.from) {
    // The failing event may have written part of its output: redo the
    // events before it in a clean batch, so only whole events commit.
    const Failure kept = failure;
    failure = {};
    last = Apply(plan, FreshWriter(plan, &batch), kept.seq - 1, &failure);
    if (failure.status.ok()) failure = kept;
  }
  if (last >= plan.from) {
    if (absl::Status st = Commit(plan, batch.get(), last); !st.ok()) {
      failure = {st, plan.from};
      last = plan.from - 1;
    }
  }
  // A bulk batch's memory is kept for the next one, but not once caught up.
  if (!plan.bulk || last >= manager_.log().Head()) bulk_writer_.reset();
  if (!caught_up()) NoteCatchUp(last);
  Publish(last, failure);
  return failure.status.ok();
}

void ProjectionRunner::Publish(uint64_t last, const Failure& failure) {
  absl::MutexLock lock(&manager_.progress_mu());
  checkpoint_.store(last, std::memory_order_release);
  if (mode() == Mode::kBuilding && last >= manager_.log().Head()) set_mode(Mode::kLive);
  if (!failure.status.ok()) {
    failed_seq_ = failure.seq;
    error_ = std::string(failure.status.message());
    if (error_.empty()) error_ = failure.status.ToString();
    failed_.store(true, std::memory_order_release);
  }
}

}  // namespace annals::internal
