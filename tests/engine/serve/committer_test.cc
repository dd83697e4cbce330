// Group commit (serve/committer.h) through the server's connections.
#include <algorithm>
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

// A group that has reached a full batch (1,000 statements) takes no more:
// the batches queued behind it are the next group, so that their clients
// prepare their next batches while the first commits.
TEST(CommitterTest, AFullBatchIsCommittedWithoutWaitingForOthers) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  std::vector<rpc::Store::Client*> stores;
  for (int c = 0; c < 3; ++c) stores.push_back(&server.Connect());
  server.committer().HoldForTest(true);
  std::vector<kj::Promise<capnp::Response<rpc::Store::AppendResults>>> replies;
  const size_t sizes[] = {1000, 2, 3};
  int n = 0;
  for (int c = 0; c < 3; ++c) {
    std::vector<Statement> batch;
    for (size_t i = 0; i < sizes[c]; ++i) batch.push_back(SmallStatement(n++));
    replies.push_back(AppendRequest(*stores[c], batch).send());
  }
  server.loop().poll();
  ASSERT_EQ(server.committer().queued(), 1005u);
  const size_t groups = server.committer().groups();
  server.committer().HoldForTest(false);
  std::vector<uint64_t> seqs;  // the connections' requests reach the queue in any order
  for (int c = 0; c < 3; ++c) {
    auto r = replies[c].wait(server.loop());
    ASSERT_TRUE(internal::StatusFromWire(r.getStatus()).ok());
    ASSERT_EQ(r.getResults().size(), sizes[c]);
    const uint64_t first = r.getResults()[0].getSeq();
    for (size_t i = 0; i < sizes[c]; ++i) EXPECT_EQ(r.getResults()[i].getSeq(), first + i);
    for (auto a : r.getResults()) seqs.push_back(a.getSeq());
  }
  std::sort(seqs.begin(), seqs.end());
  for (size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], i + 1);
  EXPECT_EQ(server.committer().groups() - groups, 2u) << "the full batch alone, the others together";
}

}  // namespace
}  // namespace annals::test
