// As-of answers are byte-identical however much is appended later (more
// statements, corrections and retractions of old statements, aliases that
// re-point names), across reopen and rebuild; SeqAt maps recorded times to
// seqs.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"

namespace annals {
namespace {

using test::FastOptions;
using test::FetchAll;
using test::Generator;
using test::ModelLog;
using test::TempDir;

struct Snapshot {
  TimelineQuery query;
  std::vector<TimelineEntry> all;                  // limit 0
  std::vector<TimelinePage> pages;                 // limit 3, page by page
};

class AsOfStabilityTest : public ::testing::Test {
 protected:
  void Open() {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }
  void SetUp() override { Open(); }

  std::vector<TimelineQuery> Queries(Generator& gen) {
    std::vector<uint64_t> points;
    for (uint64_t n = 1; n <= model_.head(); n += 9) points.push_back(n);
    points.push_back(model_.head());
    return gen.AsOfQueries(points);
  }

  Snapshot Take(TimelineQuery q) {
    Snapshot s;
    s.query = q;
    q.limit = 0;
    auto all = FetchAll(*engine_, q);
    EXPECT_TRUE(all.ok()) << test::DescribeQuery(q) << ": " << all.status();
    if (all.ok()) s.all = *all;
    q.limit = 3;
    for (int guard = 0; guard < 10000; ++guard) {
      auto page = engine_->Timeline(q);
      EXPECT_TRUE(page.ok()) << test::DescribeQuery(q) << ": " << page.status();
      if (!page.ok()) break;
      EXPECT_EQ(page->as_of, *q.as_of);
      s.pages.push_back(*page);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    return s;
  }

  // Compares a fresh answer with a snapshot; at most `*budget` failures.
  void ExpectSame(const Snapshot& before, int* budget) {
    if (*budget <= 0) return;
    Snapshot now = Take(before.query);
    auto r = test::IdenticalEntries(before.all, now.all);
    if (!r) {
      --*budget;
      ADD_FAILURE() << test::DescribeQuery(before.query) << ": " << r.message();
      return;
    }
    if (now.pages.size() != before.pages.size()) {
      --*budget;
      ADD_FAILURE() << test::DescribeQuery(before.query) << ": "
                    << before.pages.size() << " pages before, "
                    << now.pages.size() << " now";
      return;
    }
    for (size_t i = 0; i < now.pages.size(); ++i) {
      auto p = test::IdenticalEntries(before.pages[i].entries, now.pages[i].entries);
      if (!p || now.pages[i].as_of != before.pages[i].as_of ||
          now.pages[i].next_cursor.empty() != before.pages[i].next_cursor.empty()) {
        --*budget;
        ADD_FAILURE() << test::DescribeQuery(before.query) << ": page " << i
                      << " differs: " << p.message();
        return;
      }
    }
    // A cursor handed out before the appends still continues the same way.
    if (before.pages.size() > 1) {
      TimelineQuery q = before.query;
      q.limit = 3;
      q.cursor = before.pages[0].next_cursor;
      auto page = engine_->Timeline(q);
      if (!page.ok()) {
        --*budget;
        ADD_FAILURE() << test::DescribeQuery(q) << " with an old cursor: "
                      << page.status();
        return;
      }
      auto p = test::IdenticalEntries(before.pages[1].entries, page->entries);
      if (!p) {
        --*budget;
        ADD_FAILURE() << test::DescribeQuery(q) << " with an old cursor: "
                      << p.message();
      }
    }
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ModelLog model_;
};

TEST_F(AsOfStabilityTest, AnswersStayByteIdenticalAfterMoreEvents) {
  test::GenOptions options;
  options.max_actors = 8;
  Generator gen(77, engine_.get(), &model_, options);
  while (model_.head() < 180) {
    absl::Status st = gen.Step();
    ASSERT_TRUE(st.ok()) << st;
  }
  std::vector<Snapshot> snaps;
  int model_failures = 0;
  for (const auto& q : Queries(gen)) {
    snaps.push_back(Take(q));
    // The snapshot is also right, not just stable.
    auto r = test::SameEntries(snaps.back().all, model_.Query(q),
                               q.kind == TimelineKind::kActor);
    if (!r && model_failures++ < 10) {
      ADD_FAILURE() << test::DescribeQuery(q) << ": " << r.message();
    }
  }
  ASSERT_GT(snaps.size(), 100u);

  // Much more history: corrections and retractions of old statements,
  // aliases that join and re-point the queried names.
  test::GenOptions later = options;
  later.p_correct = 30;
  later.p_retract = 15;
  later.p_alias = 20;
  Generator more(78, engine_.get(), &model_, later);
  uint64_t stop = model_.head() + 200;
  while (model_.head() < stop) {
    absl::Status st = more.Step();
    ASSERT_TRUE(st.ok()) << st;
  }

  int budget = 10;
  for (const auto& s : snaps) ExpectSame(s, &budget);

  // From disk, after a reopen.
  engine_.reset();
  Open();
  budget = 10;
  for (const auto& s : snaps) ExpectSame(s, &budget);

  // After rebuilding both projections.
  for (const char* name : {"actors", "topics"}) {
    ASSERT_TRUE(engine_->Rebuild(name).ok());
    absl::Status st = engine_->WaitForRebuild(name, absl::Seconds(60));
    ASSERT_TRUE(st.ok()) << st;
  }
  budget = 10;
  for (const auto& s : snaps) ExpectSame(s, &budget);
}

TEST_F(AsOfStabilityTest, PagingAtAFixedAsOfIgnoresAppendsBetweenPages) {
  Generator gen(5, engine_.get(), &model_);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(gen.Step().ok());
  ASSERT_TRUE(gen.AppendBatch(40).ok());
  uint64_t n = model_.head();
  for (const auto& name : gen.ActorQueries()) {
    TimelineQuery q;
    q.name = name;
    q.as_of = n;
    q.include_retracted = true;
    q.limit = 2;
    std::vector<TimelineEntry> got;
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = engine_->Timeline(q);
      ASSERT_TRUE(page.ok()) << page.status();
      EXPECT_EQ(page->as_of, n);
      for (auto& e : page->entries) got.push_back(e);
      // Something new between every two pages.
      ASSERT_TRUE(gen.Step().ok());
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    EXPECT_TRUE(test::SameEntries(got, model_.Query(q), true))
        << test::DescribeQuery(q);
  }
}

TEST_F(AsOfStabilityTest, SeqAtMapsRecordedTimesToTheLastSeqAtOrBefore) {
  auto empty = engine_->SeqAt(std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, 0u);

  Generator gen(9, engine_.get(), &model_);
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(gen.Step().ok());
    ASSERT_TRUE(gen.AppendBatch(3).ok());  // one batch shares one time
    absl::SleepFor(absl::Milliseconds(2));
  }
  const auto& events = model_.events();
  ASSERT_FALSE(events.empty());
  for (const Event& e : events) {
    for (int64_t t : {e.recorded_at - 1, e.recorded_at, e.recorded_at + 1}) {
      uint64_t want = 0;
      for (const Event& x : events) {
        if (x.recorded_at <= t) want = x.seq;
      }
      auto got = engine_->SeqAt(t);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, want) << "SeqAt(" << t << ")";
    }
  }
  EXPECT_EQ(*engine_->SeqAt(events.front().recorded_at - 1), 0u);
  EXPECT_EQ(*engine_->SeqAt(0), 0u);
  EXPECT_EQ(*engine_->SeqAt(std::numeric_limits<int64_t>::max()),
            model_.head());

  // A time before later events gives the view of that time.
  const Event& mid = events[events.size() / 2];
  uint64_t n = *engine_->SeqAt(mid.recorded_at);
  for (const auto& name : gen.ActorQueries()) {
    TimelineQuery q;
    q.name = name;
    q.as_of = n;
    q.limit = 0;
    EXPECT_TRUE(test::EngineMatchesModel(*engine_, model_, q));
  }
}


// ResolveAsOf reads --as-of / as_of=: digits are a seq, a time is the end of
// the period it names, mapped through SeqAt.
TEST_F(AsOfStabilityTest, ResolveAsOfReadsASeqOrTheEndOfAPeriod) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(engine_->Append(test::SmallStatement(i)).ok());
    absl::SleepFor(absl::Milliseconds(1));  // distinct recorded_at, usually
  }
  std::vector<Event> events;
  auto it = engine_->NewIterator(1);
  for (; it->Valid(); it->Next()) events.push_back(it->event());
  ASSERT_TRUE(it->status().ok()) << it->status();
  ASSERT_EQ(events.size(), 3u);
  auto last_by = [&](int64_t t) {
    uint64_t want = 0;
    for (const Event& e : events)
      if (e.recorded_at <= t) want = e.seq;
    return want;
  };

  EXPECT_EQ(*ResolveAsOf(*engine_, "2"), 2u);
  EXPECT_EQ(*ResolveAsOf(*engine_, "0"), 0u);
  EXPECT_EQ(*ResolveAsOf(*engine_, "999"), 999u);  // checked by the query
  for (const Event& e : events) {
    // recorded_at as `log` prints it (to the microsecond), and its day.
    std::string exact = FormatTime({e.recorded_at, Precision::kSecond});
    auto got = ResolveAsOf(*engine_, exact);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, last_by(EndOfPeriod(test::T(exact)))) << exact;
    EXPECT_GE(*got, e.seq) << exact;
    std::string day = FormatTime({e.recorded_at, Precision::kDay});
    EXPECT_EQ(*ResolveAsOf(*engine_, day), last_by(EndOfPeriod(test::T(day)))) << day;
  }
  EXPECT_EQ(*ResolveAsOf(*engine_, "1999-12-31"), 0u);

  for (const char* bad : {"", "yesterday", "2025-13", "-1", "12a"}) {
    auto r = ResolveAsOf(*engine_, bad);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << bad << ": " << r.status();
    EXPECT_THAT(test::Msg(r.status()), ::testing::HasSubstr("expected a seq or an ISO 8601 time"))
        << bad;
  }
  auto huge = ResolveAsOf(*engine_, "99999999999999999999999");
  EXPECT_TRUE(absl::IsInvalidArgument(huge.status())) << huge.status();
  EXPECT_THAT(test::Msg(huge.status()), ::testing::HasSubstr("seq out of range"));
}

}  // namespace
}  // namespace annals
