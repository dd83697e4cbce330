// Rebuild: a new version replays beside the live one, which keeps answering
// (never with fewer statements than before) until they switch; afterwards
// the timelines equal the model.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"

namespace annals {
namespace {

using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::TempDir;

std::optional<ProjectionInfo> Info(const Engine& e, std::string_view name) {
  for (const auto& p : e.Projections()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

class RebuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }

  // Every spelling of every name, against the model.
  void ExpectAllMatchModel(Generator& gen) {
    int failures = 0;
    auto check = [&](const TimelineQuery& q) {
      if (failures >= 10) return;
      auto r = test::EngineMatchesModel(*engine_, model_, q);
      if (!r) {
        ++failures;
        ADD_FAILURE() << r.message();
      }
    };
    for (const auto& name : gen.AllActorQueries()) {
      for (bool incl : {false, true}) {
        TimelineQuery q;
        q.name = name;
        q.include_retracted = incl;
        q.limit = 0;
        check(q);
        q.role = Role::kTarget;
        q.as_of = model_.head() / 2;
        check(q);
      }
    }
    for (const auto& name : gen.AllTopicQueries()) {
      TimelineQuery q;
      q.kind = TimelineKind::kTopic;
      q.name = name;
      q.include_retracted = true;
      q.limit = 0;
      check(q);
    }
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ModelLog model_;
};

TEST_F(RebuildTest, OldVersionAnswersUntilTheSwitch) {
  test::GenOptions options;
  options.append = test::Bulk();
  Generator gen(31, engine_.get(), &model_, options);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(gen.AppendBatch(500).ok());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(gen.Step().ok());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());

  auto before = Info(*engine_, "actors");
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->state, ProjectionState::kLive);
  EXPECT_EQ(before->checkpoint, engine_->Head());

  // Baselines, then only statements are appended: no answer may shrink.
  std::vector<std::string> names = {"Vladimir Putin", "nato", "UKRAINE",
                                    "Donald Trump", "President Putin"};
  std::map<std::string, size_t> baseline;
  for (const auto& name : names) {
    TimelineQuery q;
    q.name = name;
    q.limit = 0;
    auto page = engine_->Timeline(q);
    ASSERT_TRUE(page.ok()) << page.status();
    baseline[name] = page->entries.size();
  }

  std::atomic<bool> stop{false};
  std::atomic<int> appended{0};
  std::atomic<int> queries{0};
  std::mutex mu;
  std::vector<std::string> problems;
  auto problem = [&](std::string s) {
    std::lock_guard<std::mutex> lock(mu);
    if (problems.size() < 20) problems.push_back(std::move(s));
  };

  std::thread appender([&] {
    test::GenOptions only_statements = options;
    only_statements.p_correct = 0;
    only_statements.p_retract = 0;
    only_statements.p_alias = 0;
    Generator more(32, engine_.get(), &model_, only_statements);
    while (!stop.load()) {
      absl::Status st = more.Step();
      if (!st.ok()) {
        problem("append: " + st.ToString());
        return;
      }
      ++appended;
      // Slower than the replay, so that the rebuild can catch up.
      absl::SleepFor(absl::Milliseconds(2));
    }
  });
  std::thread reader([&] {
    std::map<std::string, size_t> last = baseline;
    size_t i = 0;
    while (!stop.load()) {
      const std::string& name = names[i++ % names.size()];
      TimelineQuery q;
      q.name = name;
      q.limit = 0;
      auto page = engine_->Timeline(q);
      ++queries;
      if (!page.ok()) {
        problem("query " + name + ": " + page.status().ToString());
        continue;
      }
      if (page->entries.size() < last[name]) {
        problem("query " + name + " shrank from " + std::to_string(last[name]) +
                " to " + std::to_string(page->entries.size()) + " as of " +
                std::to_string(page->as_of));
      }
      last[name] = page->entries.size();
      // Also a paged topic query.
      TimelineQuery t;
      t.kind = TimelineKind::kTopic;
      t.name = "sanctions";
      t.limit = 50;
      auto tp = engine_->Timeline(t);
      if (!tp.ok()) problem("topic query: " + tp.status().ToString());
    }
  });

  absl::SleepFor(absl::Milliseconds(20));
  absl::Time rebuild_start = absl::Now();
  ASSERT_TRUE(engine_->Rebuild("actors").ok());
  ASSERT_TRUE(engine_->Rebuild("topics").ok());
  std::set<ProjectionState> seen;
  for (int i = 0; i < 50; ++i) {
    auto info = Info(*engine_, "actors");
    if (!info.has_value()) {
      problem("actors missing from Projections()");
      break;
    }
    seen.insert(info->state);
    if (info->state != ProjectionState::kLive &&
        info->state != ProjectionState::kRebuilding) {
      problem(std::string("actors state during rebuild: ") +
              ProjectionStateName(info->state));
    }
    if (info->state == ProjectionState::kRebuilding &&
        info->rebuild_checkpoint > info->head) {
      problem("rebuild_checkpoint beyond head");
    }
    if (info->state == ProjectionState::kLive) break;
    absl::SleepFor(absl::Milliseconds(2));
  }
  absl::Status st = engine_->WaitForRebuild("actors", absl::Seconds(60));
  EXPECT_TRUE(st.ok()) << st;
  st = engine_->WaitForRebuild("topics", absl::Seconds(60));
  EXPECT_TRUE(st.ok()) << st;
  std::cout << "rebuilds took " << absl::Now() - rebuild_start << "\n";
  // Keep going a little past the switch.
  int q0 = queries.load();
  for (int i = 0; i < 500 && queries.load() < q0 + 20; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  stop = true;
  appender.join();
  reader.join();
  for (const auto& p : problems) ADD_FAILURE() << p;
  std::cout << "appended during rebuild: " << appended.load()
            << ", queries: " << queries.load() << ", states seen:";
  for (auto s : seen) std::cout << " " << ProjectionStateName(s);
  std::cout << "\n";
  EXPECT_GT(queries.load(), 0);

  ASSERT_EQ(engine_->Head(), model_.head());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  for (const char* name : {"actors", "topics"}) {
    auto info = Info(*engine_, name);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->state, ProjectionState::kLive) << name;
    EXPECT_EQ(info->version, before->version) << name;
    EXPECT_EQ(info->checkpoint, engine_->Head()) << name;
    EXPECT_EQ(info->lag, 0u) << name;
  }
  ExpectAllMatchModel(gen);
}

TEST_F(RebuildTest, AnEmptyStoreIsCaughtUp) {
  // Nothing to replay: the built-ins are live and answer without waiting.
  for (const char* name : {"actors", "topics"}) {
    auto info = Info(*engine_, name);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->state, ProjectionState::kLive)
        << name << " is " << ProjectionStateName(info->state);
  }
  TimelineQuery q;
  q.name = "anyone";
  q.wait = false;
  auto page = engine_->Timeline(q);
  EXPECT_TRUE(page.ok()) << page.status();
}

TEST_F(RebuildTest, RebuildOfAnEmptyLogFinishes) {
  ASSERT_TRUE(engine_->Rebuild("actors").ok());
  // Nothing to replay: it should switch at once (5 s is ample).
  absl::Status st = engine_->WaitForRebuild("actors", absl::Seconds(5));
  EXPECT_TRUE(st.ok()) << st;
  auto info = Info(*engine_, "actors");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, ProjectionState::kLive);
}

TEST_F(RebuildTest, RebuildOfUnknownIsNotFoundAndIdleWaitReturns) {
  EXPECT_EQ(engine_->Rebuild("no-such").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->WaitForRebuild("no-such", absl::Seconds(1)).code(),
            absl::StatusCode::kNotFound);
  // No rebuild running: returns at once.
  EXPECT_TRUE(engine_->WaitForRebuild("actors", absl::Seconds(5)).ok());
  Generator gen(33, engine_.get(), &model_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(gen.Step().ok());
  ASSERT_TRUE(engine_->Rebuild("actors").ok());
  EXPECT_TRUE(engine_->WaitForRebuild("actors", absl::Seconds(60)).ok());
  for (int i = 0; i < 80; ++i) ASSERT_TRUE(gen.Step().ok());
  ASSERT_TRUE(engine_->Rebuild("actors").ok());
  EXPECT_TRUE(engine_->WaitForRebuild("actors", absl::Seconds(60)).ok());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  ExpectAllMatchModel(gen);
}

}  // namespace
}  // namespace annals
