// Backpressure (Options::max_live_lag): an append waits while a live
// projection is too far behind, so a fast import cannot leave the live
// timelines an unbounded distance behind; projections that answer no query
// (building, rebuilding) or have failed never hold appends up.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using test::Bulk;
using test::FastOptions;
using test::SmallStatement;
using test::TempDir;

// Counts statements, slowly; blocks while `gate` is closed; fails on
// `fail_at` when set.
class SlowCounter : public Projection {
 public:
  SlowCounter(std::string name, absl::Duration per_event,
              std::shared_ptr<std::atomic<bool>> gate = nullptr, uint64_t fail_at = 0)
      : name_(std::move(name)), per_event_(per_event), gate_(std::move(gate)),
        fail_at_(fail_at) {}
  std::string name() const override { return name_; }
  uint32_t version() const override { return 1; }
  absl::Status Apply(const Event& event, ProjectionWriter& out) const override {
    while (gate_ != nullptr && !gate_->load()) absl::SleepFor(absl::Milliseconds(1));
    if (event.seq == fail_at_) return absl::InternalError("refuses this event");
    absl::SleepFor(per_event_);
    out.Add("n", 1);
    return absl::OkStatus();
  }

 private:
  const std::string name_;
  const absl::Duration per_event_;
  const std::shared_ptr<std::atomic<bool>> gate_;
  const uint64_t fail_at_;
};

std::vector<Statement> Batch(int first, int n) {
  std::vector<Statement> out;
  for (int i = first; i < first + n; ++i) out.push_back(SmallStatement(i));
  return out;
}

// A copy: Projections() returns a fresh vector each time.
std::optional<ProjectionInfo> Find(const std::vector<ProjectionInfo>& infos,
                                   const std::string& name) {
  for (const ProjectionInfo& i : infos)
    if (i.name == name) return i;
  return std::nullopt;
}

Options BoundedOptions(uint64_t max_live_lag) {
  Options o = FastOptions();
  o.builtin_projections = false;
  o.max_live_lag = max_live_lag;
  o.live_batch_hold_ms = 0;  // apply at once: only the bound limits the lag
  return o;
}

// A projection ~100x slower than the appends stays within the bound: when
// an Append returns, the lag is at most the bound plus that Append's batch.
TEST(BackpressureTest, AppendsWaitForASlowLiveProjection) {
  TempDir dir;
  constexpr uint64_t kBound = 40;
  constexpr int kBatch = 10;
  auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(kBound));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.AddProjection(std::make_shared<SlowCounter>(
                      "slow", absl::Microseconds(300))).ok());
  uint64_t max_lag = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = engine.Append(Batch(1 + i * kBatch, kBatch), Bulk());
    ASSERT_TRUE(r.ok()) << r.status();
    std::optional<ProjectionInfo> info = Find(engine.Projections(), "slow");
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->state, ProjectionState::kLive);
    max_lag = std::max(max_lag, info->lag);
  }
  EXPECT_LE(max_lag, kBound + kBatch);
  // Without the bound the same appends leave a stuck projection far behind.
  TempDir dir2;
  auto gate = std::make_shared<std::atomic<bool>>(false);
  auto unbounded = Engine::Open(dir2.Sub("store"), BoundedOptions(0));
  ASSERT_TRUE(unbounded.ok()) << unbounded.status();
  ASSERT_TRUE((*unbounded)->AddProjection(std::make_shared<SlowCounter>(
                      "slow", absl::ZeroDuration(), gate)).ok());
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE((*unbounded)->Append(Batch(1 + i * kBatch, kBatch), Bulk()).ok());
  EXPECT_GT(Find((*unbounded)->Projections(), "slow")->lag, kBound + kBatch);
  gate->store(true);
  // Everything appended under backpressure is applied, once.
  ASSERT_TRUE(engine.WaitFor(engine.Head(), absl::Seconds(60)).ok());
  auto n = engine.ReadProjection("slow", "n");
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_TRUE(n->has_value());
  ASSERT_EQ((*n)->size(), 8u);
  uint64_t count = 0;
  for (int b = 7; b >= 0; --b) count = count << 8 | static_cast<uint8_t>((**n)[b]);
  EXPECT_EQ(count, 400u);
}

TEST(BackpressureTest, FailedProjectionDoesNotHoldAppendsUp) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(3));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.AddProjection(std::make_shared<SlowCounter>(
                      "fails", absl::ZeroDuration(), nullptr, /*fail_at=*/2)).ok());
  // Would wait forever if a failed projection counted.
  for (int i = 1; i <= 30; ++i) ASSERT_TRUE(engine.Append(SmallStatement(i), Bulk()).ok());
  EXPECT_EQ(engine.Head(), 30u);
  std::optional<ProjectionInfo> info = Find(engine.Projections(), "fails");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, ProjectionState::kFailed);
  EXPECT_EQ(info->failed_seq, 2u);
}

// A live projection holding on for a fuller batch (live_batch_hold_ms)
// stops holding once appends wait for it, even with no idle rule: the
// appends are not a pause, and nobody else would end the hold.
TEST(BackpressureTest, HeldAppendsEndTheHoldOfTheProjectionTheyWaitFor) {
  TempDir dir;
  Options o = BoundedOptions(50);
  o.live_batch_hold_ms = 10 * 60 * 1000;  // past the test's timeout
  o.live_batch_idle_ms = 0;
  o.live_bulk_min_lag = 1000000;
  auto opened = Engine::Open(dir.Sub("store"), o);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.AddProjection(std::make_shared<SlowCounter>(
                      "holds", absl::ZeroDuration())).ok());
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(engine.Append(Batch(1 + i * 10, 10), Bulk()).ok());
  EXPECT_EQ(engine.Head(), 300u);
  EXPECT_LE(Find(engine.Projections(), "holds")->lag, 60u);
}

// A new projection replaying history answers no query yet: appends go on
// while it is stuck far behind.
TEST(BackpressureTest, BuildingProjectionDoesNotHoldAppendsUp) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(3));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.Append(Batch(1, 20), Bulk()).ok());
  auto gate = std::make_shared<std::atomic<bool>>(false);
  ASSERT_TRUE(engine.AddProjection(std::make_shared<SlowCounter>(
                      "late", absl::ZeroDuration(), gate)).ok());
  for (int i = 21; i <= 40; ++i) ASSERT_TRUE(engine.Append(SmallStatement(i), Bulk()).ok());
  std::optional<ProjectionInfo> info = Find(engine.Projections(), "late");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, ProjectionState::kBuilding);
  EXPECT_EQ(info->checkpoint, 0u);
  gate->store(true);
  ASSERT_TRUE(engine.WaitFor(40, absl::Seconds(60)).ok());
  EXPECT_EQ(Find(engine.Projections(), "late")->state, ProjectionState::kLive);
}

// A projection reopened far behind (here: the store was appended to while
// it was not registered) catches up without holding appends up; once it
// has caught up, the bound applies to it again.
TEST(BackpressureTest, ProjectionReopenedFarBehindDoesNotHoldAppendsUp) {
  TempDir dir;
  {
    auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(0));
    ASSERT_TRUE(opened.ok()) << opened.status();
    ASSERT_TRUE((*opened)->AddProjection(std::make_shared<SlowCounter>(
                        "late", absl::ZeroDuration())).ok());
    ASSERT_TRUE((*opened)->Append(Batch(1, 10), Bulk()).ok());
    ASSERT_TRUE((*opened)->WaitFor(10, absl::Seconds(60)).ok());
  }
  {
    auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(0));  // without "late"
    ASSERT_TRUE(opened.ok()) << opened.status();
    ASSERT_TRUE((*opened)->Append(Batch(11, 200), Bulk()).ok());
  }
  auto gate = std::make_shared<std::atomic<bool>>(false);
  auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(50));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.AddProjection(std::make_shared<SlowCounter>(
                      "late", absl::ZeroDuration(), gate)).ok());
  std::optional<ProjectionInfo> info = Find(engine.Projections(), "late");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, ProjectionState::kLive);  // it answers from what it has
  EXPECT_EQ(info->checkpoint, 10u);
  // The projection cannot move (gate closed): an append that waited for it
  // would never return. Give up after a minute rather than hang.
  std::atomic<bool> returned{false};
  std::thread appender([&] {
    (void)engine.Append(SmallStatement(211), Bulk());
    returned = true;
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!returned.load() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_TRUE(returned.load()) << "an append waited for a projection reopened far behind";
  gate->store(true);
  appender.join();
  ASSERT_TRUE(engine.WaitFor(engine.Head(), absl::Seconds(60)).ok());
}

// An append past the bound waits until the projection moves, however long.
TEST(BackpressureTest, AnAppendWaitsUntilTheProjectionMoves) {
  TempDir dir;
  auto gate = std::make_shared<std::atomic<bool>>(false);
  auto opened = Engine::Open(dir.Sub("store"), BoundedOptions(2));
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ASSERT_TRUE(engine->AddProjection(std::make_shared<SlowCounter>(
                      "stuck", absl::ZeroDuration(), gate)).ok());
  ASSERT_TRUE(engine->Append(Batch(1, 5), Bulk()).ok());  // lag 5 > 2 from here on
  std::atomic<bool> returned{false};
  std::thread appender([&] {
    (void)engine->Append(SmallStatement(6), Bulk());
    returned = true;
  });
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(returned.load());  // held up by "stuck"
  gate->store(true);              // let the worker finish so Close can join it
  appender.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(engine->Head(), 6u);
}

}  // namespace
}  // namespace annals
