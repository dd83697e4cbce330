// annals::NewClientEngine and Subscription::Wait(timeout) (annals/client.h),
// with a real `annals serve` process: the Engine over a Client answers as
// the store's own Engine, says what has no remote form, and a bounded wait
// tells a running subscription from an ended one.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/time.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

class ClientEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-client-engine-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_, db_;
};

Statement Said(int i) {
  Statement s;
  s.id = "s-" + std::to_string(i);
  s.speaker = i % 2 ? "Ada" : "Bob";
  s.verb = "said";
  s.content = "statement " + std::to_string(i);
  s.occurred_at = *ParseTime("2024-06-01");
  return s;
}

TEST_F(ClientEngineTest, AnswersAsTheStoresOwnEngineAndSaysWhatHasNoRemoteForm) {
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  std::shared_ptr<Client> shared = std::move(*client);
  std::unique_ptr<Engine> remote = NewClientEngine(shared);
  std::vector<Statement> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(Said(i));
  AppendOptions sync;
  sync.durability = AppendOptions::Durability::kSync;
  auto appended = remote->Append(std::span<const Statement>(batch), sync);
  ASSERT_TRUE(appended.ok()) << appended.status();
  EXPECT_EQ(remote->Head(), 50u);
  std::vector<uint64_t> seqs;
  for (auto it = remote->NewIterator(1); it->Valid(); it->Next()) seqs.push_back(it->event().seq);
  EXPECT_EQ(seqs.size(), 50u);
  EXPECT_TRUE(absl::IsFailedPrecondition(remote->AddProjection(nullptr)));
  EXPECT_TRUE(remote->Refresh().ok());
  TimelineQuery q;
  q.name = "Ada";
  auto served = remote->Timeline(q);
  ASSERT_TRUE(served.ok()) << served.status();

  // The server gone: the infallible Head answers 0, the client says why.
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
  EXPECT_EQ(remote->Head(), 0u);
  EXPECT_TRUE(absl::IsUnavailable(shared->Head().status()));
  EXPECT_TRUE(absl::IsUnavailable(remote->Stats().status()));
  EXPECT_TRUE(absl::IsUnavailable(remote->WaitFor(50, absl::Seconds(1))));  // never OK
  remote.reset();
  shared.reset();

  Options ro;
  ro.read_only = true;
  auto local = Engine::Open(db_.string(), ro);
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ((*local)->Head(), 50u);
  auto own = (*local)->Timeline(q);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->entries.size(), served->entries.size());
  ASSERT_EQ(own->entries.size(), 25u);
  for (size_t i = 0; i < own->entries.size(); ++i)
    EXPECT_EQ(own->entries[i].event.seq, served->entries[i].event.seq);
}

// The pages a query set gets, every page of each, following next_cursor.
std::vector<TimelinePage> AllPages(Engine& engine, const std::vector<TimelineQuery>& qs) {
  std::vector<TimelinePage> pages;
  for (TimelineQuery q : qs)
    for (;;) {
      auto page = engine.Timeline(q);
      EXPECT_TRUE(page.ok()) << q.name << ": " << page.status();
      if (!page.ok()) break;
      pages.push_back(*page);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
  return pages;
}

// The server sends the events of a page as the log stores them where the
// page shows them unchanged (serve/store_service.cc, StoredPageOf), and
// encodes the others again: corrected rows (the original's id and seq with
// the correction's values), retracted ones, actors an alias renames, as of
// points before and after each.
TEST_F(ClientEngineTest, PagesAreTheStoresOwnWithCorrectionsRetractionsAndAliases) {
  {
    auto engine = Engine::Open(db_.string(), Options{});
    ASSERT_TRUE(engine.ok()) << engine.status();
    Engine& e = **engine;
    const char* speakers[] = {"Ada", "Bob", "Cy"};
    for (int i = 0; i < 40; ++i) {
      Statement s = Said(i);
      s.speaker = speakers[i % 3];
      s.targets = {speakers[(i + 1) % 3]};
      s.topics = {i % 2 ? "trade" : "rare earth"};
      s.occurred_at = *ParseTime(absl::StrFormat("2024-06-%02d", 1 + i % 28));
      ASSERT_TRUE(e.Append(s).ok());
    }
    Statement moved = Said(3);
    moved.speaker = "Cy";
    moved.content = "statement 3, as corrected";
    moved.topics = {"trade"};
    ASSERT_TRUE(e.Correct(4, moved, "misattributed").ok());   // seq 41
    ASSERT_TRUE(e.Retract(6, "never said").ok());               // seq 42
    ASSERT_TRUE(e.Alias("Bob", "Robert Roe").ok());             // seq 43
    ASSERT_TRUE(e.Append(Said(100)).ok());                      // seq 44
    auto def = ParseProjectionDefinition("by_speaker", "speaker", {});
    ASSERT_TRUE(def.ok()) << def.status();
    ASSERT_TRUE(e.CreateProjection(*def).ok());
    ASSERT_TRUE(e.WaitForProjection("by_speaker", e.Head(), absl::Seconds(30)).ok());
  }
  std::vector<TimelineQuery> qs;
  for (std::optional<uint64_t> as_of : {std::optional<uint64_t>(), std::optional<uint64_t>(40),
                                        std::optional<uint64_t>(42)}) {
    for (const char* name : {"Ada", "Bob", "Robert Roe", "Cy"}) {
      TimelineQuery q;
      q.name = name;
      q.as_of = as_of;
      q.limit = 7;
      qs.push_back(q);
      q.include_retracted = true;
      q.reverse = true;
      qs.push_back(q);
    }
    TimelineQuery topic;
    topic.kind = TimelineKind::kTopic;
    topic.name = "trade";
    topic.as_of = as_of;
    topic.include_retracted = true;
    qs.push_back(topic);
    TimelineQuery keyed;
    keyed.projection = "by_speaker";
    keyed.key = {"Robert Roe"};
    keyed.as_of = as_of;
    qs.push_back(keyed);
  }
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  std::unique_ptr<Engine> remote = NewClientEngine(std::move(*client));
  const std::vector<TimelinePage> served = AllPages(*remote, qs);
  remote.reset();
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);

  Options ro;
  ro.read_only = true;
  auto local = Engine::Open(db_.string(), ro);
  ASSERT_TRUE(local.ok()) << local.status();
  const std::vector<TimelinePage> own = AllPages(**local, qs);
  ASSERT_EQ(served.size(), own.size());
  size_t corrected = 0, retracted = 0, renamed = 0;
  for (size_t p = 0; p < own.size(); ++p) {
    EXPECT_EQ(served[p].as_of, own[p].as_of);
    EXPECT_EQ(served[p].next_cursor, own[p].next_cursor);
    ASSERT_EQ(served[p].entries.size(), own[p].entries.size()) << "page " << p;
    for (size_t i = 0; i < own[p].entries.size(); ++i) {
      const TimelineEntry& a = served[p].entries[i];
      const TimelineEntry& b = own[p].entries[i];
      EXPECT_EQ(a.event, b.event) << "page " << p << ", row " << i << ", seq " << b.event.seq;
      EXPECT_EQ(a.status, b.status);
      EXPECT_EQ(a.version_seq, b.version_seq);
      EXPECT_EQ(a.role, b.role);
      corrected += b.status == EntryStatus::kCorrected;
      retracted += b.status == EntryStatus::kRetracted;
      renamed += b.event.statement.speaker == "Robert Roe";
    }
  }
  // The query set reaches each kind of row the server must encode again.
  EXPECT_GT(corrected, 0u);
  EXPECT_GT(retracted, 0u);
  EXPECT_GT(renamed, 0u);
}

TEST_F(ClientEngineTest, BoundedWaitTellsARunningSubscriptionFromAnEndedOne) {
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*client)->Append(std::vector<Statement>{Said(i)}).ok());
  absl::Mutex mu;
  std::vector<uint64_t> seen;
  auto sub = (*client)->Subscribe(1, {}, [&](const Event& e) {
    absl::MutexLock lock(&mu);
    seen.push_back(e.seq);
  });
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_FALSE((*sub)->Wait(absl::ZeroDuration()).has_value());
  EXPECT_FALSE((*sub)->Wait(absl::Milliseconds(1)).has_value());
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(+[](std::vector<uint64_t>* v) { return v->size() >= 20; }, &seen));
  }
  EXPECT_FALSE((*sub)->Wait(absl::ZeroDuration()).has_value());
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
  std::optional<absl::Status> end;
  while (!end.has_value()) end = (*sub)->Wait(absl::Seconds(1));
  EXPECT_TRUE(absl::IsUnavailable(*end)) << *end;
  EXPECT_EQ(*(*sub)->Wait(absl::ZeroDuration()), *end);
  EXPECT_EQ((*sub)->Wait(), *end);
  EXPECT_EQ((*sub)->resume_from(), 21u);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(seen.size(), 20u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

}  // namespace
}  // namespace annals::test
