// A store whose grouped timelines were written by layout 2 (entries without
// the event they show: main before issue 19) still answers, byte for byte
// the same, from a read-only open (entries completed from the log); a
// writable open rebuilds them in the current layout (entries carry the
// event; written-form counts), and the answers stay the same: counts too,
// shown as of the point once rebuilt. The log is never touched.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "annals/verify.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "log/keys.h"
#include "log/records.h"
#include "projection/entry_keys.h"
#include "rocksdb/write_batch.h"

namespace annals {
namespace {

using test::FastOptions;
using test::RawDb;

struct Answer {
  TimelineQuery query;
  std::vector<TimelineEntry> entries;
};

std::vector<Answer> AnswerAll(Engine& engine, const std::vector<TimelineQuery>& queries) {
  std::vector<Answer> out;
  for (const TimelineQuery& q : queries) {
    auto all = test::FetchAll(engine, q);
    EXPECT_TRUE(all.ok()) << test::DescribeQuery(q) << ": " << all.status();
    out.push_back({q, all.ok() ? *all : std::vector<TimelineEntry>{}});
  }
  return out;
}

void ExpectSameAnswers(Engine& engine, const std::vector<Answer>& before) {
  int budget = 5;
  for (const Answer& a : before) {
    auto now = test::FetchAll(engine, a.query);
    ASSERT_TRUE(now.ok()) << test::DescribeQuery(a.query) << ": " << now.status();
    auto r = test::IdenticalEntries(a.entries, *now);
    if (!r && --budget >= 0) ADD_FAILURE() << test::DescribeQuery(a.query) << ": " << r.message();
  }
}

// Entries of `name`'s answering generation: {with the event, without}.
std::pair<size_t, size_t> CountEntries(const RawDb& raw, const std::string& name) {
  std::string v;
  EXPECT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.meta, internal::ActiveKey(name), &v).ok());
  const std::string prefix =
      internal::ProjectionPrefix(name, internal::DecodeActiveRecord(v).value_or(0));
  std::pair<size_t, size_t> n{0, 0};
  std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.proj));
  const std::string entries = prefix + internal::kEntryTag;
  for (it->Seek(entries); it->Valid() && it->key().starts_with(entries); it->Next())
    (it->value().size() > internal::kEntryHead ? n.first : n.second)++;
  EXPECT_TRUE(it->status().ok());
  return n;
}

// Counts of actors and topics as of each point: (key, count) rows, the
// keys normalised when `normalised` (a layout before written forms shows a
// group as last written, not as of the point).
using CountRows = std::vector<std::pair<std::vector<std::string>, uint64_t>>;
std::vector<CountRows> CountAll(Engine& engine, const std::vector<uint64_t>& points,
                                bool normalised) {
  std::vector<CountRows> out;
  for (uint64_t as_of : points)
    for (const char* name : {"actors", "topics"}) {
      CountsQuery q;
      q.projection = name;
      q.as_of = as_of;
      auto got = engine.Counts(q);
      EXPECT_TRUE(got.ok()) << name << " as of " << as_of << ": " << got.status();
      CountRows rows;
      for (const GroupCount& g : got.ok() ? *got : std::vector<GroupCount>{}) {
        std::vector<std::string> key = g.key;
        if (normalised)
          for (std::string& v : key) v = test::Norm(v);
        rows.emplace_back(std::move(key), g.count);
      }
      if (normalised) std::sort(rows.begin(), rows.end());
      out.push_back(std::move(rows));
    }
  return out;
}

// Rewrites `name`'s answering generation as layout 2 wrote it: entries end
// after the role byte, each group's display is its last written form ('d')
// with no written-form counts or closures ('f', 'x'), and the generation
// record says version 2.
void MakeLayout2(const RawDb& raw, const std::string& name) {
  std::string v;
  ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.meta, internal::ActiveKey(name), &v).ok());
  const uint32_t gen = internal::DecodeActiveRecord(v).value_or(0);
  const std::string prefix = internal::ProjectionPrefix(name, gen);
  rocksdb::WriteBatch b;
  std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.proj));
  const std::string entries = prefix + internal::kEntryTag;
  for (it->Seek(entries); it->Valid() && it->key().starts_with(entries); it->Next())
    b.Put(raw.proj, it->key(), it->value().ToString().substr(0, internal::kEntryHead));
  ASSERT_TRUE(it->status().ok());
  const std::string forms = prefix + internal::kFormTag;
  for (it->Seek(forms); it->Valid() && it->key().starts_with(forms); it->Next()) {
    // 'f' group form: one value per group here, so the group is its first.
    std::string_view rest(it->key().data() + forms.size(), it->key().size() - forms.size());
    const size_t n = 2 + ((static_cast<uint8_t>(rest[0]) << 8) | static_cast<uint8_t>(rest[1]));
    b.Put(raw.proj, prefix + internal::kDisplayTag + std::string(rest.substr(0, n)),
          rest.substr(n));
    b.Delete(raw.proj, it->key());
  }
  ASSERT_TRUE(it->status().ok());
  const std::string closed = prefix + internal::kClosedTag;
  size_t closures = 0;
  for (it->Seek(closed); it->Valid() && it->key().starts_with(closed); it->Next(), ++closures)
    b.Delete(raw.proj, it->key());
  ASSERT_TRUE(it->status().ok());
  EXPECT_GT(closures, 0u) << name << ": the log has corrections and retractions";
  std::string rec;
  ASSERT_TRUE(
      raw.db->Get(rocksdb::ReadOptions(), raw.meta, internal::GenerationKey(name, gen), &rec)
          .ok());
  auto record = internal::DecodeGeneration(rec);
  ASSERT_TRUE(record.has_value());
  b.Put(raw.meta, internal::GenerationKey(name, gen),
        internal::EncodeGeneration(2, record->checkpoint));
  ASSERT_TRUE(raw.db->Write(rocksdb::WriteOptions(), &b).ok());
}

TEST(LayoutUpgradeTest, Layout2TimelinesAnswerTheSameAndAreRebuiltOnAWritableOpen) {
  test::TempDir dir;
  const std::string path = dir.Sub("store");
  std::vector<TimelineQuery> queries;
  std::vector<Answer> reference;
  std::vector<uint64_t> points;
  std::vector<CountRows> counts, normalised_counts;
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    Engine& engine = **opened;
    test::ModelLog model;
    test::Generator gen(11, &engine, &model);
    ASSERT_TRUE(gen.AppendBatch(80).ok());
    for (int i = 0; i < 80; ++i) ASSERT_TRUE(gen.Step().ok());  // corrections, retractions, aliases
    ASSERT_TRUE(engine.WaitFor(engine.Head(), absl::Seconds(60)).ok());
    queries = gen.AsOfQueries({engine.Head() / 2, engine.Head()});
    reference = AnswerAll(engine, queries);
    points = {1, engine.Head() / 3, engine.Head() / 2, engine.Head() - 1, engine.Head()};
    counts = CountAll(engine, points, false);
    normalised_counts = CountAll(engine, points, true);
  }
  test::WithRawDb(path, [&](const RawDb& raw) {
    ASSERT_NE(raw.proj, nullptr);
    for (const char* name : {"actors", "topics"}) {
      auto [with, without] = CountEntries(raw, name);
      EXPECT_GT(with, 0u) << name;
      EXPECT_EQ(without, 0u) << name << ": every entry carries its event";
      MakeLayout2(raw, name);
      EXPECT_EQ(CountEntries(raw, name).first, 0u);
    }
  });
  {  // Read-only: nothing is rebuilt; entries are completed from the log.
    Options ro = FastOptions();
    ro.read_only = true;
    auto opened = Engine::Open(path, ro);
    ASSERT_TRUE(opened.ok()) << opened.status();
    ExpectSameAnswers(**opened, reference);
    EXPECT_EQ(CountAll(**opened, points, true), normalised_counts);
  }
  {  // Writable: version 2 is rebuilt as the current layout.
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    Engine& engine = **opened;
    for (const char* name : {"actors", "topics"})
      ASSERT_TRUE(engine.WaitForRebuild(name, absl::Seconds(60)).ok()) << name;
    for (const ProjectionInfo& p : engine.Projections())
      if (p.name == "actors" || p.name == "topics") EXPECT_EQ(p.version, 4u) << p.name;
    ExpectSameAnswers(engine, reference);
    EXPECT_EQ(CountAll(engine, points, false), counts);
  }
  test::WithRawDb(path, [&](const RawDb& raw) {
    for (const char* name : {"actors", "topics"}) {
      auto [with, without] = CountEntries(raw, name);
      EXPECT_GT(with, 0u) << name;
      EXPECT_EQ(without, 0u) << name;
    }
  });
  auto report = VerifyStore(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok());
}

}  // namespace
}  // namespace annals
