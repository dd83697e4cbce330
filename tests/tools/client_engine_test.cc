// annals::NewClientEngine and Subscription::Wait(timeout) (annals/client.h),
// with a real `annals serve` process: the Engine over a Client answers as
// the store's own Engine, says what has no remote form, and a bounded wait
// tells a running subscription from an ended one.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "annals/client.h"
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
