// Many processes, one store: read-only engines open beside a writer, see
// what it committed before they opened, catch up on Refresh, never write;
// a second writer is refused with an error naming the process that holds
// the store.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <atomic>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/backup.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "engine/test_util.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::FastOptions;
using test::Msg;
using test::SmallStatement;
using test::TempDir;

Options ReadOnly() {
  Options o = FastOptions();
  o.read_only = true;
  o.create_if_missing = false;
  return o;
}

std::set<std::string> Files(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

std::vector<uint64_t> TimelineSeqs(const Engine& engine, const std::string& actor) {
  TimelineQuery q;
  q.name = actor;
  q.limit = 0;
  auto page = engine.Timeline(q);
  EXPECT_TRUE(page.ok()) << page.status();
  std::vector<uint64_t> out;
  if (page.ok())
    for (const TimelineEntry& e : page->entries) out.push_back(e.event.seq);
  return out;
}

TEST(ReaderTest, SecondWriterIsToldWhichProcessHoldsTheStore) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  ASSERT_TRUE(Engine::Open(path, FastOptions()).ok());  // create it, then close

  // The holder is another process: a child that opens the store for
  // writing, reports, and waits to be told to close it.
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = Engine::Open(path, FastOptions());
    char c = held.ok() && (*held)->Append(SmallStatement(1)).ok() ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    (void)!read(release[0], &c, 1);
    held = absl::UnknownError("closed");  // closes the engine
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');

  auto second = Engine::Open(path, FastOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string msg = Msg(second.status());
  EXPECT_THAT(msg, HasSubstr("store " + path + " is in use by another process"));
  EXPECT_THAT(msg, HasSubstr("pid " + std::to_string(child) + " ("));
  EXPECT_THAT(msg, HasSubstr("engine_log_reader_test"));  // its command line
  EXPECT_THAT(msg, HasSubstr("has held it since 20"));

  // A reader opens beside the writer and sees its append.
  auto reader = Engine::Open(path, ReadOnly());
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Head(), 1u);

  ASSERT_EQ(write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // Closing removed the record; the store opens for writing again.
  EXPECT_FALSE(fs::exists(fs::path(path) / "OWNER"));
  auto third = Engine::Open(path, FastOptions());
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ((*third)->Head(), 1u);
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

TEST(ReaderTest, ReaderSeesCommitsUpToOpenAndMoreAfterRefresh) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  auto writer = Engine::Open(path, FastOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  Engine& w = **writer;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(w.Append(SmallStatement(i)).ok());
  ASSERT_TRUE(w.WaitFor(w.Head(), absl::Seconds(60)).ok());

  auto opened = Engine::Open(path, ReadOnly());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& r = **opened;
  EXPECT_EQ(r.Head(), 5u);
  EXPECT_EQ(TimelineSeqs(r, "speaker").size(), 5u);

  // Later commits, aliases and projections stay unseen until Refresh.
  for (int i = 5; i < 8; ++i) ASSERT_TRUE(w.Append(SmallStatement(i)).ok());
  ASSERT_TRUE(w.Alias("Spokesman", "Speaker").ok());
  auto def = ParseProjectionDefinition("by_target", "target", {});
  ASSERT_TRUE(def.ok());
  ASSERT_TRUE(w.CreateProjection(*def).ok());
  ASSERT_TRUE(w.WaitFor(w.Head(), absl::Seconds(60)).ok());
  EXPECT_EQ(r.Head(), 5u);
  EXPECT_EQ(r.Get(6).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(TimelineSeqs(r, "spokesman").size(), 0u);

  ASSERT_TRUE(r.Refresh().ok());
  EXPECT_EQ(r.Head(), 9u);
  auto e = r.Get(8);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->statement, *w.CurrentStatement(8));
  EXPECT_EQ(TimelineSeqs(r, "spokesman").size(), 8u);  // the alias applies
  bool listed = false;
  for (const ProjectionInfo& p : r.Projections())
    if (p.name == "by_target") listed = p.checkpoint == 9;
  EXPECT_TRUE(listed);
  TimelineQuery q;
  q.projection = "by_target";
  q.key = {"target"};
  auto page = r.Timeline(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->entries.size(), 8u);

  // A projection the writer drops disappears on the next Refresh.
  ASSERT_TRUE(w.DropProjection("by_target").ok());
  ASSERT_TRUE(r.Refresh().ok());
  for (const ProjectionInfo& p : r.Projections()) EXPECT_NE(p.name, "by_target");
}

// RocksDB 7.8's TryCatchUpWithPrimary keeps values it replayed from a
// write-ahead log the writer has since flushed (facebook/rocksdb#15051):
// keys the writer overwrites (the head marker, checkpoints) then read
// stale. A refresh must see the writer's latest values after any flush.
TEST(ReaderTest, RefreshSeesValuesTheWriterOverwroteAndFlushed) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  auto writer = Engine::Open(path, FastOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  Engine& w = **writer;
  ASSERT_TRUE(w.Append(SmallStatement(0)).ok());
  ASSERT_TRUE(w.WaitFor(w.Head(), absl::Seconds(60)).ok());
  auto opened = Engine::Open(path, ReadOnly());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& r = **opened;
  ASSERT_EQ(r.Head(), 1u);

  for (int round = 1; round <= 3; ++round) {
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(w.Append(SmallStatement(round * 10 + i)).ok());
    ASSERT_TRUE(w.WaitFor(w.Head(), absl::Seconds(60)).ok());
    // A backup flushes every family, so the writer moves to a new
    // write-ahead log and drops the one the reader replayed.
    ASSERT_TRUE(Backup(w, dir.Sub("flush" + std::to_string(round))).ok());
    ASSERT_TRUE(r.Refresh().ok()) << "round " << round;
    EXPECT_EQ(r.Head(), w.Head()) << "round " << round;
    for (const ProjectionInfo& p : r.Projections())
      EXPECT_EQ(p.checkpoint, w.Head()) << p.name << " round " << round;
    EXPECT_EQ(TimelineSeqs(r, "speaker").size(), w.Head()) << "round " << round;
  }
}

// A projection the embedding program registered on a reader: answers from
// its writer-side output (here: none, so the version record is fresh).
class Registered : public Projection {
 public:
  std::string name() const override { return "registered"; }
  uint32_t version() const override { return 1; }
  absl::Status Apply(const Event&, ProjectionWriter&) const override {
    return absl::OkStatus();
  }
};

TEST(ReaderTest, IteratorsAndRegisteredProjectionsOutliveARefresh) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  auto writer = Engine::Open(path, FastOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  Engine& w = **writer;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(w.Append(SmallStatement(i)).ok());
  auto opened = Engine::Open(path, ReadOnly());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& r = **opened;
  ASSERT_TRUE(r.AddProjection(std::make_shared<Registered>()).ok());

  std::unique_ptr<LogIterator> it = r.NewIterator(1);
  ASSERT_TRUE(it->Valid()) << it->status();
  for (int i = 3; i < 6; ++i) ASSERT_TRUE(w.Append(SmallStatement(i)).ok());
  ASSERT_TRUE(Backup(w, dir.Sub("flush")).ok());
  ASSERT_TRUE(r.Refresh().ok());
  ASSERT_EQ(r.Head(), 6u);

  // The iterator reads the state it started from: events 1..3, whole.
  std::vector<uint64_t> seqs;
  for (; it->Valid(); it->Next()) {
    EXPECT_EQ(it->event().statement, *w.CurrentStatement(it->event().seq));
    seqs.push_back(it->event().seq);
  }
  EXPECT_TRUE(it->status().ok()) << it->status();
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 3}));
  it.reset();

  bool listed = false;
  for (const ProjectionInfo& p : r.Projections()) listed |= p.name == "registered";
  EXPECT_TRUE(listed);
  // A second registration is still refused: the reader remembers it.
  EXPECT_FALSE(r.AddProjection(std::make_shared<Registered>()).ok());
}

// Queries and log scans on other threads go on while Refresh swaps in a
// new view: each answers from one whole state, and what they see only
// grows. (Run under ThreadSanitizer in CI.)
TEST(ReaderTest, QueriesBesideRefreshesSeeWholeGrowingStates) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  auto writer = Engine::Open(path, FastOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  Engine& w = **writer;
  ASSERT_TRUE(w.Append(SmallStatement(0)).ok());
  auto opened = Engine::Open(path, ReadOnly());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& r = **opened;

  std::atomic<bool> done{false};
  std::atomic<int> problems{0};
  auto reader = [&](bool scan) {
    uint64_t last = 0;
    while (!done.load()) {
      uint64_t head = r.Head();
      uint64_t n = 0;
      if (scan) {
        for (auto it = r.NewIterator(1); it->Valid(); it->Next()) n = it->event().seq;
      } else {
        TimelineQuery q;
        q.name = "speaker";
        q.limit = 0;
        auto page = r.Timeline(q);
        if (!page.ok()) { ++problems; continue; }
        n = page->entries.size();
      }
      if (head < last || (scan && n < head)) ++problems;
      last = head;
    }
  };
  std::thread scanner(reader, true), querier(reader, false);
  for (int i = 1; i <= 40; ++i) {
    ASSERT_TRUE(w.Append(SmallStatement(i)).ok());
    if (i % 10 == 0) ASSERT_TRUE(Backup(w, dir.Sub("b" + std::to_string(i))).ok());
    absl::Status st = r.Refresh();
    EXPECT_TRUE(st.ok() || absl::IsUnavailable(st)) << st;
  }
  done = true;
  scanner.join();
  querier.join();
  EXPECT_EQ(problems.load(), 0);
  ASSERT_TRUE(r.Refresh().ok());
  EXPECT_EQ(r.Head(), 41u);
}

TEST(ReaderTest, ReaderWritesNothingAndStartsNoBuild) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    // A bare log: nothing has built the timelines.
    Options o = FastOptions();
    o.builtin_projections = false;
    auto writer = Engine::Open(path, o);
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*writer)->Append(SmallStatement(i)).ok());
  }
  const std::set<std::string> before = Files(path);
  {
    auto opened = Engine::Open(path, ReadOnly());
    ASSERT_TRUE(opened.ok()) << opened.status();
    Engine& r = **opened;
    EXPECT_EQ(r.Head(), 3u);
    EXPECT_EQ(r.Append(SmallStatement(9)).status().code(),
              absl::StatusCode::kFailedPrecondition);
    auto def = ParseProjectionDefinition("p", "speaker", {});
    EXPECT_EQ(r.CreateProjection(*def).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.Rebuild("actors").code(), absl::StatusCode::kFailedPrecondition);
    // Waiting for a build no process is doing answers at once.
    EXPECT_TRUE(r.WaitFor(3, absl::Hours(1)).ok());
    TimelineQuery q;
    q.name = "speaker";
    auto page = r.Timeline(q);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), absl::StatusCode::kUnavailable) << page.status();
    EXPECT_TRUE(r.Refresh().ok());
  }
  EXPECT_EQ(Files(path), before);  // no file added, none removed
}

TEST(ReaderTest, RefreshOnAWriterDoesNothing) {
  TempDir dir;
  auto writer = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(SmallStatement(1)).ok());
  EXPECT_TRUE((*writer)->Refresh().ok());
  EXPECT_EQ((*writer)->Head(), 1u);
}

}  // namespace
}  // namespace annals
