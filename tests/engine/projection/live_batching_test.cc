// Live projections batch a sustained import (Options::live_batch_hold_ms,
// live_bulk_*): a worker with little to apply holds on for more. Nobody may
// be kept waiting by that: a caller waiting on the projections and closing
// the engine both end the hold. (That live bulk batches produce the same
// timelines as ordinary ones is checked against the brute-force model in
// timeline/timeline_model_test.cc.)
#include <memory>

#include <gtest/gtest.h>

#include "annals/engine.h"
#include "annals/timeline.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using test::FastOptions;
using test::SmallStatement;
using test::TempDir;

// A hold far longer than any timeout below: only the rules above can end it.
Options HoldingOptions() {
  Options o = FastOptions();
  o.live_batch_hold_ms = 10 * 60 * 1000;
  o.live_batch_idle_ms = 0;
  o.live_bulk_min_lag = 1000000;
  return o;
}

TEST(LiveBatchingTest, WaitingCallersEndTheHold) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), HoldingOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(engine.Append(SmallStatement(i)).ok());
  absl::Status st = engine.WaitFor(engine.Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;

  // A timeline query that waits sees a statement appended just before it.
  auto r = engine.Append(SmallStatement(4));
  ASSERT_TRUE(r.ok()) << r.status();
  TimelineQuery q;
  q.kind = TimelineKind::kActor;
  q.name = "speaker";
  auto page = engine.Timeline(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 4u);
  EXPECT_EQ(page->entries.back().event.seq, r->seq);
}

TEST(LiveBatchingTest, ClosingEndsTheHoldAndReopeningCatchesUp) {
  TempDir dir;
  {
    auto opened = Engine::Open(dir.Sub("store"), HoldingOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*opened)->Append(SmallStatement(i)).ok());
  }  // must not wait out the hold
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_TRUE((*opened)->WaitFor(3, absl::Seconds(60)).ok());
  TimelineQuery q;
  q.kind = TimelineKind::kActor;
  q.name = "Target";
  auto page = (*opened)->Timeline(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->entries.size(), 3u);
}

// Appends that stop end the hold: the tail of an import is applied soon,
// with nobody waiting for it (Projections() does not wait).
TEST(LiveBatchingTest, AppendsThatStopEndTheHold) {
  TempDir dir;
  Options o = HoldingOptions();
  o.live_batch_idle_ms = 20;
  auto opened = Engine::Open(dir.Sub("store"), o);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(engine.Append(SmallStatement(i)).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  bool applied = false;
  while (!applied && absl::Now() < deadline) {
    applied = true;
    for (const ProjectionInfo& p : engine.Projections()) applied &= p.checkpoint == 3;
    if (!applied) absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(applied) << "the projections still hold the 3 appends after 60 s";
}

}  // namespace
}  // namespace annals
