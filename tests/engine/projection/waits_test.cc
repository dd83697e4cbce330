// Waiting on projections (Engine::WaitFor, WaitForProjection,
// WaitForRebuild): each returns as soon as what it waits for has happened,
// reports a failure or a timeout as such, and no wake-up is lost when many
// threads append and wait at once. (The waits Await on the event; the
// structure check in tests/structure/ keeps sleep loops out of the engine.)
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "engine/test_util.h"
#include "facade/services.h"
#include "log/log_store.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::FastOptions;
using test::Msg;
using test::SmallStatement;
using test::TempDir;

// Applies events only once `gate` is notified (then fails at `fail_at`).
class GatedProjection : public Projection {
 public:
  GatedProjection(std::string name, std::shared_ptr<absl::Notification> gate,
                  uint32_t version = 1, uint64_t fail_at = 0)
      : name_(std::move(name)), gate_(std::move(gate)), version_(version), fail_at_(fail_at) {}
  std::string name() const override { return name_; }
  uint32_t version() const override { return version_; }
  absl::Status Apply(const Event& event, ProjectionWriter& out) const override {
    gate_->WaitForNotification();
    if (event.seq == fail_at_) return absl::InternalError("refused");
    out.Add("n", 1);
    return absl::OkStatus();
  }

 private:
  std::string name_;
  std::shared_ptr<absl::Notification> gate_;
  uint32_t version_;
  uint64_t fail_at_;
};

Options NoHold() {
  Options o = FastOptions();
  o.builtin_projections = false;
  return o;
}

TEST(WaitsTest, WaitForProjectionTimesOutUntilAppliedThenReturns) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), NoHold());
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto gate = std::make_shared<absl::Notification>();
  ASSERT_TRUE((*engine)->AddProjection(std::make_shared<GatedProjection>("gated", gate)).ok());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*engine)->Append(SmallStatement(i)).ok());

  absl::Status st = (*engine)->WaitForProjection("gated", 3, absl::Milliseconds(20));
  EXPECT_EQ(st.code(), absl::StatusCode::kDeadlineExceeded) << st;
  EXPECT_THAT(Msg(st), HasSubstr("has not reached seq 3"));
  st = (*engine)->WaitFor(3, absl::Milliseconds(20));
  EXPECT_EQ(st.code(), absl::StatusCode::kDeadlineExceeded) << st;

  std::thread opener([&] { gate->Notify(); });
  st = (*engine)->WaitForProjection("gated", 3, absl::InfiniteDuration());
  opener.join();
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_TRUE((*engine)->WaitFor(3, absl::InfiniteDuration()).ok());
  EXPECT_EQ((*engine)->WaitForProjection("missing", 1, absl::Seconds(1)).code(),
            absl::StatusCode::kNotFound);
}

TEST(WaitsTest, WaitForProjectionReportsAFailureBeforeTheSeq) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), NoHold());
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto gate = std::make_shared<absl::Notification>();
  gate->Notify();
  ASSERT_TRUE((*engine)->AddProjection(
      std::make_shared<GatedProjection>("failing", gate, 1, /*fail_at=*/2)).ok());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*engine)->Append(SmallStatement(i)).ok());
  absl::Status st = (*engine)->WaitForProjection("failing", 3, absl::InfiniteDuration());
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_THAT(Msg(st), HasSubstr("failing failed at seq 2: refused"));
  // Up to the failure it has applied everything.
  EXPECT_TRUE((*engine)->WaitForProjection("failing", 1, absl::InfiniteDuration()).ok());
  // WaitFor skips failed projections.
  EXPECT_TRUE((*engine)->WaitFor(3, absl::InfiniteDuration()).ok());
}

TEST(WaitsTest, WaitForRebuildTimesOutUntilTheRebuildEnds) {
  TempDir dir;
  auto gate = std::make_shared<absl::Notification>();
  {
    auto engine = Engine::Open(dir.Sub("store"), NoHold());
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto open_gate = std::make_shared<absl::Notification>();
    open_gate->Notify();
    ASSERT_TRUE((*engine)->AddProjection(std::make_shared<GatedProjection>("p", open_gate)).ok());
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*engine)->Append(SmallStatement(i)).ok());
    ASSERT_TRUE((*engine)->WaitFor(3, absl::InfiniteDuration()).ok());
  }
  auto engine = Engine::Open(dir.Sub("store"), NoHold());
  ASSERT_TRUE(engine.ok()) << engine.status();
  // The same version, so the stored one answers; its rebuild is gated.
  ASSERT_TRUE((*engine)->AddProjection(std::make_shared<GatedProjection>("p", gate)).ok());
  ASSERT_TRUE((*engine)->Rebuild("p").ok());
  absl::Status st = (*engine)->WaitForRebuild("p", absl::Milliseconds(20));
  EXPECT_EQ(st.code(), absl::StatusCode::kDeadlineExceeded) << st;
  std::thread opener([&] { gate->Notify(); });
  st = (*engine)->WaitForRebuild("p", absl::InfiniteDuration());
  opener.join();
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ((*engine)->WaitForRebuild("missing", absl::Seconds(1)).code(),
            absl::StatusCode::kNotFound);
}

// The log store's head wait (log/event_log.h): wakes on the append that
// moves the head past the seq, times out otherwise, and ends at once when
// its stop flag is set.
TEST(WaitsTest, WaitForHeadWakesOnTheAppendOrStops) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), NoHold());
  ASSERT_TRUE(engine.ok()) << engine.status();
  internal::LogStore* store = internal::ServicesOf(**engine)->log_store();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->WaitForHead(0, absl::Now() + absl::Milliseconds(20)));
  std::thread appender([&] { ASSERT_TRUE((*engine)->Append(SmallStatement(1)).ok()); });
  EXPECT_TRUE(store->WaitForHead(0, absl::InfiniteFuture()));
  appender.join();
  EXPECT_EQ(store->Head(), 1u);

  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    stop = true;
    store->WakeHeadWaiters();
  });
  EXPECT_FALSE(store->WaitForHead(1, absl::InfiniteFuture(), &stop));
  stopper.join();
}

// Appenders and waiters at once, with the built-in projections batching
// (their hold is on): every waiter sees its seq applied. A lost wake-up
// would hang here (and fail under ctest's timeout).
TEST(WaitsTest, ManyWaitersBesideAppendersAllWake) {
  TempDir dir;
  Options o = FastOptions();
  o.live_batch_hold_ms = 60 * 1000;  // only waiters and idle appends end it
  o.max_live_lag = 64;               // appends held up often
  auto engine = Engine::Open(dir.Sub("store"), o);
  ASSERT_TRUE(engine.ok()) << engine.status();
  constexpr int kAppenders = 2, kWaiters = 4, kPerAppender = 300;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int a = 0; a < kAppenders; ++a)
    threads.emplace_back([&, a] {
      for (int i = 0; i < kPerAppender; ++i)
        if (!(*engine)->Append(SmallStatement(a * kPerAppender + i)).ok()) ++failures;
    });
  for (int w = 0; w < kWaiters; ++w)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const uint64_t seq = (*engine)->Head();
        if (!(*engine)->WaitFor(seq, absl::InfiniteDuration()).ok()) ++failures;
        for (const ProjectionInfo& p : (*engine)->Projections())
          if (p.checkpoint < seq) ++failures;
        if (!(*engine)->WaitForProjection("actors", seq, absl::InfiniteDuration()).ok())
          ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE((*engine)->WaitFor((*engine)->Head(), absl::InfiniteDuration()).ok());
  EXPECT_EQ((*engine)->Head(), uint64_t{kAppenders * kPerAppender});
}

}  // namespace
}  // namespace annals
