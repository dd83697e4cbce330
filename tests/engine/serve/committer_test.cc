// Group commit (serve/committer.h) through the server's connections.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "annals/status.h"
#include "engine/serve/harness.h"

namespace annals::test {
namespace {

// Appends of several connections queued while the committer is busy are
// committed as one group, with one Engine::Append (one WriteBatch, one
// write-ahead-log write); an invalid batch among them is refused alone,
// with its own index, and the others land.
TEST(CommitterTest, QueuedAppendsOfManyConnectionsCommitAsOneGroupAndABadBatchFailsAlone) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  const int connections = 6, bad = 3;
  std::vector<rpc::Store::Client*> stores;
  for (int c = 0; c < connections; ++c) stores.push_back(&server.Connect());
  server.committer().HoldForTest(true);  // "busy": takes nothing meanwhile

  std::vector<kj::Promise<capnp::Response<rpc::Store::AppendResults>>> replies;
  size_t statements = 0;
  for (int c = 0; c < connections; ++c) {
    std::vector<Statement> batch;
    for (int i = 0; i <= c; ++i) batch.push_back(SmallStatement(100 * c + i));
    if (c == bad) batch[1].verb.clear(), batch[1].code.clear();  // no verb nor code
    statements += batch.size();
    replies.push_back(AppendRequest(*stores[c], batch).send());
  }
  server.loop().poll();  // in-memory pipes: every request has reached the committer
  ASSERT_EQ(server.committer().queued(), statements);
  const size_t groups = server.committer().groups(), commits = server.committer().commits();
  server.committer().HoldForTest(false);

  uint64_t next = 1;
  for (int c = 0; c < connections; ++c) {
    SCOPED_TRACE(c);
    auto r = replies[c].wait(server.loop());
    absl::Status status = internal::StatusFromWire(r.getStatus());
    if (c == bad) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_EQ(BadStatementIndex(status), 1u) << status;
      EXPECT_EQ(r.getResults().size(), 0u);
      continue;
    }
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_EQ(r.getResults().size(), size_t(c + 1));
    for (auto a : r.getResults()) EXPECT_EQ(a.getSeq(), next++);  // queue order, gapless
  }
  EXPECT_EQ(server.committer().groups() - groups, 1u);
  EXPECT_EQ(server.committer().commits() - commits, 1u) << "not one Engine::Append";
  EXPECT_EQ(server.engine().Head(), statements - (bad + 1));
}

// A group takes queued batches only while they fit in max_group (1,000 by
// default): a full batch queued behind small ones is the next group, so
// that the clients of the ones left queued prepare their next batches while
// a group commits.
TEST(CommitterTest, AFullBatchIsCommittedWithoutWaitingForOthers) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  std::vector<rpc::Store::Client*> stores;
  for (int c = 0; c < 3; ++c) stores.push_back(&server.Connect());
  server.committer().HoldForTest(true);
  std::vector<kj::Promise<capnp::Response<rpc::Store::AppendResults>>> replies;
  const size_t sizes[] = {2, 3, 1000};
  size_t queued = 0;
  int n = 0;
  for (int c = 0; c < 3; ++c) {  // one at a time: queued in this order
    std::vector<Statement> batch;
    for (size_t i = 0; i < sizes[c]; ++i) batch.push_back(SmallStatement(n++));
    replies.push_back(AppendRequest(*stores[c], batch).send());
    server.loop().poll();
    queued += sizes[c];
    ASSERT_EQ(server.committer().queued(), queued);
  }
  const size_t groups = server.committer().groups();
  server.committer().HoldForTest(false);
  uint64_t next = 1;
  for (int c = 0; c < 3; ++c) {
    auto r = replies[c].wait(server.loop());
    ASSERT_TRUE(internal::StatusFromWire(r.getStatus()).ok());
    ASSERT_EQ(r.getResults().size(), sizes[c]);
    for (auto a : r.getResults()) EXPECT_EQ(a.getSeq(), next++);  // queue order, gapless
  }
  EXPECT_EQ(server.committer().groups() - groups, 2u) << "the two small, then the full batch";
}

// A batch alone in its group gets the engine's own answer: an invalid one
// is refused with its statement's index, and nothing is appended.
TEST(CommitterTest, ABadBatchAloneIsRefusedWithItsIndex) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  rpc::Store::Client& store = server.Connect();
  std::vector<Statement> batch;
  for (int i = 0; i < 3; ++i) batch.push_back(SmallStatement(i));
  batch[2].verb.clear(), batch[2].code.clear();  // no verb nor code
  auto r = AppendRequest(store, batch).send().wait(server.loop());
  absl::Status status = internal::StatusFromWire(r.getStatus());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(BadStatementIndex(status), 2u) << status;
  EXPECT_EQ(server.engine().Head(), 0u);
}

}  // namespace
}  // namespace annals::test
