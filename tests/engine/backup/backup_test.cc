// Backup and restore: a backup taken while other threads append and query
// verifies clean, and it (and a store restored from it) answers every
// timeline exactly like the original does as of the backup's head.
#include "annals/backup.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
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

// Restores backup `b` into new directory `to` and checks the head.
std::string Restored(const BackupInfo& b, const std::string& to) {
  auto r = RestoreStore(b.path, to);
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok()) EXPECT_EQ(r->head, b.head);
  return to;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The names in `dir`, to show that a command left nothing behind.
std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.insert(e.path().filename().string());
  return out;
}

// Flips one byte in the middle of every SST file in `dir` (not below).
int DamageSsts(const std::string& dir) {
  int damaged = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".sst") continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    const auto size = std::filesystem::file_size(e.path());
    f.seekg(size / 3);
    char c = 0;
    f.read(&c, 1);
    c ^= 0x5a;
    f.seekp(size / 3);
    f.write(&c, 1);
    damaged += f.good();
  }
  return damaged;
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
  // Restored into a new place, each answers the same (and the backup stays).
  for (const BackupInfo& b : backups) {
    SCOPED_TRACE(b.path);
    const std::string r = Restored(b, b.path + "-restored");
    ExpectVerifiesClean(r);
    ExpectSameAnswers(engine, r, names);
  }
  const std::string again = Restored(backups[1], dir.Sub("restored-again"));
  ExpectVerifiesClean(again);
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
  EXPECT_EQ(b->backup_id, 1u);
  ExpectVerifiesClean(Restored(*b, dir.Sub("r")));

  // Into an annals backup again: one more copy, restored as the newest.
  {
    auto opened = Engine::Open(dir.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->Append(test::SmallStatement(20)).ok());
  }
  auto b2 = BackupStore(dir.Sub("store"), dir.Sub("b"));
  ASSERT_TRUE(b2.ok()) << b2.status();
  EXPECT_EQ(b2->backup_id, 2u);
  EXPECT_EQ(b2->head, 21u);
  ExpectVerifiesClean(Restored(*b2, dir.Sub("r2")));

  std::filesystem::create_directory(dir.Sub("taken"));
  test::WriteFile(dir.Sub("taken") + "/thesis.txt", "mine");
  EXPECT_EQ(BackupStore(dir.Sub("store"), dir.Sub("taken")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Names(dir.Sub("taken")), std::set<std::string>{"thesis.txt"});
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
  EXPECT_EQ(Names(dir.path()), (std::set<std::string>{"b", "store"}));  // no scratch left
  const std::string r = Restored(*b, dir.Sub("r"));
  ExpectVerifiesClean(r);
  test::ModelLog unused;
  test::Generator names(0, writer->get(), &unused);
  ExpectSameAnswers(**writer, r, names);
  auto again = Backup(**reader, dir.Sub("b"));  // one more copy of the same view
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->backup_id, 2u);
  EXPECT_EQ(again->head, seen);
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


// A store of `n` statements at `path`, closed (its data flushed to SSTs by
// a backup, which flushes every family).
void MakeStore(const std::string& path, int n, const std::string& flush_backup) {
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  for (int i = 0; i < n; ++i) ASSERT_TRUE((*opened)->Append(test::SmallStatement(i)).ok());
  auto b = Backup(**opened, flush_backup);
  ASSERT_TRUE(b.ok()) << b.status();
}

// Issue 16.8: a backup shares no file with the store, so damage to the
// store's SSTs leaves it whole (hard-linked checkpoints shared them).
TEST(BackupTest, BackupSurvivesDamageToTheStore) {
  TempDir dir;
  MakeStore(dir.Sub("store"), 200, dir.Sub("b"));
  ASSERT_GT(DamageSsts(dir.Sub("store")), 0);
  auto restored = RestoreStore(dir.Sub("b"), dir.Sub("r"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->head, 200u);
  ExpectVerifiesClean(dir.Sub("r"));
}

// Issue 16.8: BackupEngine copies SSTs as they are, so the store's
// checksums are checked first; a damaged store is refused, naming the file,
// and nothing is left behind.
TEST(BackupTest, RefusesToBackUpADamagedStoreNamingTheFile) {
  TempDir dir;
  MakeStore(dir.Sub("store"), 200, dir.Sub("first"));
  ASSERT_GT(DamageSsts(dir.Sub("store")), 0);
  const auto before = Names(dir.path());
  auto b = BackupStore(dir.Sub("store"), dir.Sub("b"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kDataLoss) << b.status();
  EXPECT_THAT(test::Msg(b.status()), ::testing::ContainsRegex("[0-9]+\\.sst"));
  EXPECT_EQ(Names(dir.path()), before);
}

// Issue 16.8: restore checks the backup's checksums first: a damaged backup
// is kDataLoss and nothing is restored.
TEST(RestoreTest, ADamagedBackupIsRefused) {
  TempDir dir;
  MakeStore(dir.Sub("store"), 200, dir.Sub("b"));
  ASSERT_GT(DamageSsts(dir.Sub("b") + "/shared_checksum"), 0);
  const auto before = Names(dir.path());
  auto r = RestoreStore(dir.Sub("b"), dir.Sub("r"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_EQ(Names(dir.path()), before);
}

// Issue 16.7: whatever the user has beside the target (RocksDB's checkpoint
// staging name DIR.tmp, the old DIR.partial) is left alone.
TEST(BackupTest, NeverRemovesWhatItDidNotCreate) {
  TempDir dir;
  for (const char* name : {"b.tmp", "b.partial", "c.tmp", "c.partial"}) {
    std::filesystem::create_directories(dir.Sub(name) + "/sub");
    test::WriteFile(dir.Sub(name) + "/sub/thesis.txt", "mine");
  }
  auto writer = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*writer)->Append(test::SmallStatement(i)).ok());
  ASSERT_TRUE(Backup(**writer, dir.Sub("b")).ok());
  Options ro = FastOptions();
  ro.read_only = true;
  auto reader = Engine::Open(dir.Sub("store"), ro);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE(Backup(**reader, dir.Sub("c")).ok());
  for (const char* name : {"b.tmp", "b.partial", "c.tmp", "c.partial"})
    EXPECT_EQ(ReadAll(dir.Sub(name) + "/sub/thesis.txt"), "mine") << name;
  EXPECT_EQ(Names(dir.path()), (std::set<std::string>{"b", "b.partial", "b.tmp", "c",
                                                      "c.partial", "c.tmp", "store"}));
}

// Issue 16.6: even with overwrite, restore replaces only an annals store or
// an empty directory: never a file, a directory holding anything else, or
// the backup it restores from (or a directory holding it).
TEST(RestoreTest, OverwriteReplacesOnlyAStore) {
  TempDir dir;
  MakeStore(dir.Sub("store"), 5, dir.Sub("b"));
  RestoreOptions force;
  force.overwrite = true;

  std::filesystem::create_directory(dir.Sub("thesis"));
  test::WriteFile(dir.Sub("thesis") + "/thesis.txt", "chapter 1");
  auto r = RestoreStore(dir.Sub("b"), dir.Sub("thesis"), force);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists) << r.status();
  EXPECT_THAT(test::Msg(r.status()), HasSubstr("thesis.txt"));
  EXPECT_EQ(ReadAll(dir.Sub("thesis") + "/thesis.txt"), "chapter 1");

  test::WriteFile(dir.Sub("file"), "a file");
  r = RestoreStore(dir.Sub("b"), dir.Sub("file"), force);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists) << r.status();
  EXPECT_EQ(ReadAll(dir.Sub("file")), "a file");

  // p holds a store, the user's notes and a backup of p: `restore p/bk2
  // --db p --force` must keep all three.
  MakeStore(dir.Sub("p"), 7, dir.Sub("p") + "/bk2");
  test::WriteFile(dir.Sub("p") + "/notes.txt", "notes");
  r = RestoreStore(dir.Sub("p") + "/bk2", dir.Sub("p"), force);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_EQ(ReadAll(dir.Sub("p") + "/notes.txt"), "notes");
  std::filesystem::remove(dir.Sub("p") + "/notes.txt");
  r = RestoreStore(dir.Sub("p") + "/bk2", dir.Sub("p"), force);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  ExpectVerifiesClean(Restored(*BackupStore(dir.Sub("p"), dir.Sub("p2")), dir.Sub("p3")));
  auto from_inner = RestoreStore(dir.Sub("p") + "/bk2", dir.Sub("q"));
  ASSERT_TRUE(from_inner.ok()) << from_inner.status();
  EXPECT_EQ(from_inner->head, 7u);

  // A store and nothing else is replaced, and nothing is left beside it.
  auto replaced = RestoreStore(dir.Sub("b"), dir.Sub("q"), force);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->head, 5u);
  EXPECT_EQ(Names(dir.path()), (std::set<std::string>{"b", "file", "p", "p2", "p3", "q",
                                                      "store", "thesis"}));
}

}  // namespace
}  // namespace annals
