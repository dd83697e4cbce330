// Counts (Engine::Counts with CountsQuery) against the brute-force model
// (model.h): as of any point, within a date range, with corrections,
// retractions and aliases, each count is the number of statements the
// group's timeline lists with the same query; aliased actors are one group
// shown by the canonical name. Hand-written cases first, then random logs.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "engine/timeline/random_log.h"
#include "log/records.h"
#include "projection/entry_keys.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace annals {
namespace {

using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::T;
using test::TempDir;

// name as shown -> count
std::map<std::string, uint64_t> Shown(const std::vector<GroupCount>& counts) {
  std::map<std::string, uint64_t> out;
  for (const GroupCount& c : counts) {
    EXPECT_EQ(c.key.size(), 1u);
    out[c.key.empty() ? "" : c.key[0]] += c.count;
  }
  return out;
}

class CountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }
  uint64_t Add(std::string speaker, std::vector<std::string> targets, std::string when,
               std::vector<std::string> topics = {}) {
    Statement s;
    s.speaker = std::move(speaker);
    s.targets = std::move(targets);
    s.topics = std::move(topics);
    s.verb = "said";
    s.code = "112";
    s.content = "statement " + std::to_string(++n_);
    s.occurred_at = T(when);
    auto r = engine_->Append(s);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->seq : 0;
  }
  std::map<std::string, uint64_t> Counts(CountsQuery q) {
    auto r = engine_->Counts(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? Shown(*r) : std::map<std::string, uint64_t>{};
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

// 17.2: counts as of a point and in a date range, as the timelines list.
TEST_F(CountsTest, RespectAsOfFromAndTo) {
  const uint64_t a = Add("Donald Trump", {"North Korea"}, "2018-06-01");
  Add("Donald Trump", {"North Korea"}, "2018-06-12");
  const uint64_t c = Add("Donald Trump", {"North Korea"}, "2018-07-03");
  const uint64_t before = engine_->Head();
  ASSERT_TRUE(engine_->Retract(a, "duplicate report").ok());
  Statement moved = *engine_->CurrentStatement(c);
  moved.speaker = "Mike Pompeo";
  ASSERT_TRUE(engine_->Correct(c, moved, "wrong speaker").ok());

  CountsQuery q;
  q.projection = "actors";
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{
                           {"Donald Trump", 1}, {"North Korea", 2}, {"Mike Pompeo", 1}}));
  q.as_of = before;
  EXPECT_EQ(Counts(q),
            (std::map<std::string, uint64_t>{{"Donald Trump", 3}, {"North Korea", 3}}));
  q.as_of.reset();
  q.from = T("2018-06");
  q.to = T("2018-06");
  EXPECT_EQ(Counts(q),
            (std::map<std::string, uint64_t>{{"Donald Trump", 1}, {"North Korea", 1}}));
  q.as_of = before;
  EXPECT_EQ(Counts(q),
            (std::map<std::string, uint64_t>{{"Donald Trump", 2}, {"North Korea", 2}}));
  q.as_of = 0;
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{}));
  q.as_of = engine_->Head() + 1;
  EXPECT_EQ(engine_->Counts(q).status().code(), absl::StatusCode::kOutOfRange);
}

// 17.3: the names of an alias pair are one actor, shown by the canonical
// name, as of the query point; a statement naming both counts once.
TEST_F(CountsTest, MergeAliasesAsOfTheQueryPoint) {
  Add("UNITED STATES", {"Iran"}, "2018-01-01");
  Add("United States", {"Iran"}, "2018-01-02");
  Add("UNITED STATES OF AMERICA", {"United States"}, "2018-01-03");
  const uint64_t before = engine_->Head();
  ASSERT_TRUE(engine_->Alias("UNITED STATES OF AMERICA", "United States").ok());

  CountsQuery q;
  q.projection = "actors";
  EXPECT_EQ(Counts(q),
            (std::map<std::string, uint64_t>{{"United States", 3}, {"Iran", 2}}));
  q.prefix = "united states of";
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"United States", 3}}));
  q.prefix.clear();
  q.from = T("2018-01-02");
  EXPECT_EQ(Counts(q),
            (std::map<std::string, uint64_t>{{"United States", 2}, {"Iran", 1}}));
  q.from = {};
  q.as_of = before;
  auto old = engine_->Counts(q);
  ASSERT_TRUE(old.ok()) << old.status();
  std::map<std::string, uint64_t> by_norm;
  for (const GroupCount& g : *old) by_norm[test::Norm(g.key[0])] += g.count;
  EXPECT_EQ(by_norm, (std::map<std::string, uint64_t>{
                         {"united states", 3}, {"united states of america", 1}, {"iran", 2}}));
}

// Declarative projections' counts respect as-of and ranges too.
TEST_F(CountsTest, DeclarativeCountsRespectAsOf) {
  ProjectionDefinition def;
  def.name = "spk";
  def.key = {"speaker"};
  ASSERT_TRUE(engine_->CreateProjection(def).ok());
  const uint64_t a = Add("Ada", {"Bob"}, "2018-06-01");
  Add("Ada", {"Bob"}, "2019-06-01");
  const uint64_t before = engine_->Head();
  ASSERT_TRUE(engine_->Retract(a, "not said").ok());
  CountsQuery q;
  q.projection = "spk";
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"Ada", 1}}));
  q.as_of = before;
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"Ada", 2}}));
  q.to = T("2018");
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"Ada", 1}}));
}

// Issue 17.5: a month key keeps a statement dated only to a year, in a
// bucket named "2018" that counts and listings show (5 statements, 5
// counted).
TEST_F(CountsTest, MonthKeyKeepsYearDatedStatements) {
  ProjectionDefinition def;
  def.name = "by_month";
  def.key = {"month"};
  ASSERT_TRUE(engine_->CreateProjection(def).ok());
  for (const char* when : {"2018-06-01", "2018-06-12", "2018-07", "2018-07-03T10:00:00Z", "2018"})
    Add("Ada", {"Bob"}, when);
  CountsQuery q;
  q.projection = "by_month";
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{
                           {"2018-06", 2}, {"2018-07", 2}, {"2018", 1}}));
  TimelineQuery t;
  t.projection = "by_month";
  t.key = {"2018"};
  auto page = engine_->Timeline(t);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].event.seq, 5u);
}

// Counts as of a point with no date range are the stored totals less the
// tail after the point (the log's events and the closures after it): they
// read no timeline entry. Entries damaged on disk, which a walk over every
// entry reports as data loss, therefore do not change the answer.
TEST_F(CountsTest, AsOfCountsReadTheTailNotEveryEntry) {
  for (int i = 0; i < 4; ++i) Add("Ada", {"Bob"}, "2024-01", {"trade"});
  const uint64_t c = Add("Ada", {"Bob"}, "2024-02", {"trade"});
  const uint64_t point = engine_->Head();
  Add("Ada", {}, "2024-03");
  Statement moved = *engine_->CurrentStatement(c);
  moved.speaker = "Cy";
  ASSERT_TRUE(engine_->Correct(c, moved, "wrong speaker").ok());
  ASSERT_TRUE(engine_->Retract(1, "not said").ok());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  engine_.reset();
  size_t damaged = 0;
  test::WithRawDb(dir_.Sub("store"), [&](const test::RawDb& raw) {
    ASSERT_NE(raw.proj, nullptr);
    rocksdb::WriteBatch b;
    for (const char* name : {"actors", "topics"}) {
      std::string v;
      ASSERT_TRUE(
          raw.db->Get(rocksdb::ReadOptions(), raw.meta, internal::ActiveKey(name), &v).ok());
      const std::string entries =
          internal::ProjectionPrefix(name, internal::DecodeActiveRecord(v).value_or(0)) +
          internal::kEntryTag;
      std::unique_ptr<rocksdb::Iterator> it(
          raw.db->NewIterator(rocksdb::ReadOptions(), raw.proj));
      for (it->Seek(entries); it->Valid() && it->key().starts_with(entries); it->Next(), ++damaged)
        b.Put(raw.proj, it->key(), "?");  // shorter than any entry's head
      ASSERT_TRUE(it->status().ok());
    }
    ASSERT_TRUE(raw.db->Write(rocksdb::WriteOptions(), &b).ok());
  });
  ASSERT_GT(damaged, 0u);
  Options ro = FastOptions();
  ro.read_only = true;
  auto opened = Engine::Open(dir_.Sub("store"), ro);
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine_ = *std::move(opened);
  CountsQuery q;
  q.projection = "actors";
  q.as_of = point;
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"Ada", 5}, {"Bob", 5}}));
  q.as_of = point + 2;  // the correction of c
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"Ada", 5}, {"Bob", 5}, {"Cy", 1}}));
  q.as_of.reset();
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"Ada", 4}, {"Bob", 4}, {"Cy", 1}}));
  q.projection = "topics";
  q.as_of = point;
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{{"trade", 5}}));
  q.as_of = 0;
  EXPECT_EQ(Counts(q), (std::map<std::string, uint64_t>{}));
}

// Random logs: for every as-of point sampled and every range, counts of
// actors and topics equal the model's, keyed by alias root.
class CountsModelTest : public ::testing::TestWithParam<uint64_t> {};

// `projection`: "actors", "topics" or "spk" (declarative, keyed by speaker).
::testing::AssertionResult SameCounts(const Engine& engine, const ModelLog& model,
                                      const std::string& projection,
                                      std::optional<uint64_t> as_of, const char* from,
                                      const char* to) {
  const bool speakers = projection == "spk";
  const bool actors = projection != "topics";
  CountsQuery q;
  q.projection = projection;
  q.as_of = as_of;
  if (from) q.from = T(from);
  if (to) q.to = T(to);
  auto got = engine.Counts(q);
  if (!got.ok()) return ::testing::AssertionFailure() << got.status();
  q.top = 3;  // the first rows of the whole answer, names and order too
  auto top = engine.Counts(q);
  if (!top.ok()) return ::testing::AssertionFailure() << top.status();
  for (size_t i = 0; i < top->size() || (i < 3 && i < got->size()); ++i)
    if (i >= top->size() || i >= got->size() || (*top)[i].key != (*got)[i].key ||
        (*top)[i].count != (*got)[i].count)
      return ::testing::AssertionFailure() << "--top 3 differs from the whole answer at row " << i;
  const ModelLog::View v = model.ViewAt(as_of.value_or(model.head()));
  const std::map<std::string, std::string> shown = v.ShownNames(actors, speakers);
  std::map<std::string, uint64_t> by_root;
  for (const GroupCount& g : *got) {
    const std::string& n = test::Norm(g.key[0]);
    const std::string root = actors ? v.Root(n) : n;
    if (!shown.count(root) || g.key[0] != shown.at(root))
      return ::testing::AssertionFailure()
             << "as of " << v.as_of << " shown as " << g.key[0] << ", not as "
             << (shown.count(root) ? shown.at(root) : "(no current statement)");
    if (by_root.count(root))
      return ::testing::AssertionFailure() << "two groups for " << root;
    by_root[root] = g.count;
  }
  const auto want = v.Counts(actors, q.from, q.to, speakers);
  if (by_root == want) return ::testing::AssertionSuccess();
  auto f = ::testing::AssertionFailure();
  f << projection << " as of " << v.as_of << " from "
    << (from ? from : "-") << " to " << (to ? to : "-") << ":";
  for (const auto& [k, n] : want)
    if (!by_root.count(k) || by_root[k] != n)
      f << "\n  " << k << ": got " << (by_root.count(k) ? by_root[k] : 0) << ", want " << n;
  for (const auto& [k, n] : by_root)
    if (!want.count(k)) f << "\n  " << k << ": got " << n << ", want none";
  return f;
}

TEST_P(CountsModelTest, RandomLogMatchesModel) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ProjectionDefinition def;
  def.name = "spk";
  def.key = {"speaker"};
  ASSERT_TRUE(engine->CreateProjection(def).ok());
  ModelLog model;
  Generator gen(GetParam(), engine.get(), &model);
  const uint64_t events = test::RandomLogSize(GetParam());
  ASSERT_TRUE(test::GrowLog(gen, model, events));
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());
  const std::vector<std::pair<const char*, const char*>> ranges = {
      {nullptr, nullptr}, {"2024", nullptr}, {nullptr, "2024"}, {"2024-02", "2024-06"},
      {"2024-06-15T12:30:00Z", "2024-06-15T12:30:00Z"}};
  std::vector<std::optional<uint64_t>> points = {std::nullopt, model.head()};
  for (int i = 0; i < 6; ++i)
    points.push_back(static_cast<uint64_t>(gen.Uniform(0, static_cast<int>(model.head()))));
  for (const auto& as_of : points)
    for (const auto& [from, to] : ranges)
      for (const char* projection : {"actors", "topics", "spk"})
        EXPECT_TRUE(SameCounts(*engine, model, projection, as_of, from, to));
}

INSTANTIATE_TEST_SUITE_P(Seeds, CountsModelTest, ::testing::Values(11, 202, 3003, 40004));

}  // namespace
}  // namespace annals
