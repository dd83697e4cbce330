// Backup and restore: a backup taken while other threads append and query
// verifies clean, and it (and a store restored from it) answers every
// timeline exactly like the original does as of the backup's head.
#include "annals/backup.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/cleanup/cleanup.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/verify.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"

namespace annals {
namespace {

using test::FastOptions;
using test::TempDir;
using ::testing::HasSubstr;

std::vector<TimelineQuery> Queries(const test::Generator& names, uint64_t as_of) {
  std::vector<TimelineQuery> out;
  for (bool actor : {true, false}) {
    for (const auto& name : actor ? names.ActorQueries() : names.TopicQueries()) {
      TimelineQuery q;
      q.kind = actor ? TimelineKind::kActor : TimelineKind::kTopic;
      q.name = name;
      q.as_of = as_of;
      q.include_retracted = true;
      q.limit = 0;
      out.push_back(q);
    }
  }
  return out;
}

// Every timeline of `copy` (at its head) against `original` as of that head.
void ExpectSameAnswers(const Engine& original, const std::string& copy_path,
                       const test::Generator& names) {
  auto copy = Engine::Open(copy_path, FastOptions());
  ASSERT_TRUE(copy.ok()) << copy.status();
  const uint64_t head = (*copy)->Head();
  ASSERT_LE(head, original.Head());
  ASSERT_TRUE((*copy)->WaitFor(head, absl::Seconds(60)).ok());
  int compared = 0;
  for (const TimelineQuery& q : Queries(names, head)) {
    auto want = original.Timeline(q);
    auto got = (*copy)->Timeline(q);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(test::IdenticalEntries(want->entries, got->entries)) << q.name;
    compared += !want->entries.empty();
  }
  EXPECT_GT(compared, 5);
  for (uint64_t seq : {uint64_t{1}, head}) {
    auto a = original.Get(seq);
    auto b = (*copy)->Get(seq);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
  }
}

void ExpectVerifiesClean(const std::string& path) {
  auto report = VerifyStore(path);
  ASSERT_TRUE(report.ok()) << report.status();
  std::string problems;
  for (const auto& p : report->problems) problems += p.detail + "\n";
  EXPECT_TRUE(report->ok()) << problems;
  EXPECT_EQ(report->projections_checked.size(), 2u);
}

TEST(BackupTest, BackupWhileAppendingAndQueryingIsConsistent) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  test::ModelLog model;
  test::GenOptions gen_options;
  gen_options.append = test::Bulk();
  test::Generator gen(11, &engine, &model, gen_options);
  ASSERT_TRUE(gen.AppendBatch(300).ok());

  // Appends (statements, corrections, retractions, aliases) and queries
  // keep running while the backups are taken.
  std::atomic<bool> stop{false};
  std::atomic<int> steps{0};
  // The writer runs up to `allowed` steps, then idles: the main thread
  // raises it around each backup, so appends happen before and after every
  // backup however the threads are scheduled, and the store stays bounded.
  std::atomic<int> allowed{0};
  std::atomic<bool> writer_failed{false};
  std::thread writer([&] {
    absl::Cleanup done = [&] { if (!stop.load()) writer_failed = true; };
    while (!stop.load()) {
      if (steps.load() >= allowed.load()) {
        absl::SleepFor(absl::Milliseconds(1));
        continue;
      }
      if (!gen.Step().ok()) break;
      if (steps.fetch_add(1) % 50 == 0 && !gen.AppendBatch(100).ok()) break;
    }
  });
  std::thread reader([&] {
    test::ModelLog unused;
    test::Generator names(0, &engine, &unused);
    while (!stop.load()) {
      for (const auto& q : Queries(names, 0)) {
        TimelineQuery now = q;
        now.as_of.reset();
        now.wait = false;
        now.limit = 20;
        (void)engine.Timeline(now);
      }
    }
  });
  auto run_until = [&](int n) {
    allowed = n + 200;  // keep appending while the backup runs
    while (steps.load() < n && !writer_failed.load()) absl::SleepFor(absl::Milliseconds(1));
  };
  std::vector<BackupInfo> backups;
  for (int i = 0; i < 3; ++i) {
    run_until(50 * (i + 1));
    auto b = Backup(engine, dir.Sub("backup" + std::to_string(i)));
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_GT(b->head, 300u);
    EXPECT_GT(b->bytes, 0u);
    backups.push_back(*b);
  }
  run_until(steps.load() + 20);  // appends after the last backup too
  stop = true;
  writer.join();
  reader.join();
  ASSERT_FALSE(writer_failed.load()) << "the appending thread failed";
  ASSERT_LT(backups[0].head, engine.Head()) << "the appends did not overlap the backups";

  test::ModelLog unused;
  test::Generator names(0, &engine, &unused);
  for (const BackupInfo& b : backups) {
    SCOPED_TRACE(b.path);
    ExpectVerifiesClean(b.path);
    ExpectSameAnswers(engine, b.path, names);
  }
  // Restored into a new place, it answers the same (and the backup stays).
  auto restored = RestoreStore(backups[1].path, dir.Sub("restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->head, backups[1].head);
  ExpectVerifiesClean(dir.Sub("restored"));
  ExpectSameAnswers(engine, dir.Sub("restored"), names);
  ExpectVerifiesClean(backups[1].path);
}

TEST(BackupTest, BackupStoreOfAClosedStore) {
  TempDir dir;
  {
    auto opened = Engine::Open(dir.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok());
    for (int i = 0; i < 20; ++i) ASSERT_TRUE((*opened)->Append(test::SmallStatement(i)).ok());
  }
  auto b = BackupStore(dir.Sub("store"), dir.Sub("b"));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->head, 20u);
  ExpectVerifiesClean(dir.Sub("b"));

  EXPECT_EQ(BackupStore(dir.Sub("store"), dir.Sub("b")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(BackupStore(dir.Sub("nothing"), dir.Sub("c")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(BackupStore(dir.Sub("store"), dir.Sub("no/such/parent")).status().code(),
            absl::StatusCode::kNotFound);
}

// A read-only engine (here beside the writer that holds the store) backs
// up what it sees: the log up to its head, with the projections, which
// verify clean and answer like the writer as of that head.
TEST(BackupTest, BackupOfAReadOnlyEngineHoldsItsView) {
  TempDir dir;
  auto writer = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  test::ModelLog model;
  test::Generator gen(5, writer->get(), &model);
  ASSERT_TRUE(gen.AppendBatch(200).ok());
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(gen.Step().ok());
  ASSERT_TRUE((*writer)->WaitFor((*writer)->Head(), absl::Seconds(60)).ok());
  const uint64_t seen = (*writer)->Head();

  Options ro = FastOptions();
  ro.read_only = true;
  auto reader = Engine::Open(dir.Sub("store"), ro);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE(gen.AppendBatch(50).ok());  // after the reader's view
  auto b = Backup(**reader, dir.Sub("b"));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->head, seen);
  EXPECT_EQ(b->path, dir.Sub("b"));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("b.partial")));
  ExpectVerifiesClean(b->path);
  test::ModelLog unused;
  test::Generator names(0, writer->get(), &unused);
  ExpectSameAnswers(**writer, b->path, names);
  EXPECT_EQ(Backup(**reader, dir.Sub("b")).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(RestoreTest, RefusesToReplaceUnlessAskedAndRejectsNonBackups) {
  TempDir dir;
  {
    auto opened = Engine::Open(dir.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*opened)->Append(test::SmallStatement(i)).ok());
    ASSERT_TRUE(Backup(**opened, dir.Sub("b")).ok());
    ASSERT_TRUE((*opened)->Append(test::SmallStatement(99)).ok());
  }
  auto refused = RestoreStore(dir.Sub("b"), dir.Sub("store"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(test::Msg(refused.status()), HasSubstr("--force"));
  {  // untouched
    auto e = Engine::Open(dir.Sub("store"), FastOptions());
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)->Head(), 6u);
  }
  RestoreOptions force;
  force.overwrite = true;
  auto replaced = RestoreStore(dir.Sub("b"), dir.Sub("store"), force);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->head, 5u);
  {
    auto e = Engine::Open(dir.Sub("store"), FastOptions());
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)->Head(), 5u);
  }
  // An empty directory is not a store to protect.
  std::filesystem::create_directory(dir.Sub("empty"));
  EXPECT_TRUE(RestoreStore(dir.Sub("b"), dir.Sub("empty")).ok());

  std::filesystem::create_directory(dir.Sub("junk"));
  test::WriteFile(dir.Sub("junk") + "/file", "not a store");
  EXPECT_EQ(RestoreStore(dir.Sub("junk"), dir.Sub("x")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("x")));
}

}  // namespace
}  // namespace annals
