// The bounds on what one client can make the server hold (serve/limits.h).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/serve/harness.h"
#include "serve/limits.h"

namespace annals::test {
namespace {

// A valid statement of about 250 KiB (the limits allow ~4 MiB).
Statement BigStatement(int n) {
  Statement s = SmallStatement(n);
  s.content = std::string(60000, 'c') + std::to_string(n);
  for (int i = 0; i < 12; ++i) s.attributes.push_back({"a" + std::to_string(i), std::string(16000, 'v')});
  return s;
}

// Appends pipelined on one connection faster than they commit queue at most
// the flow limit's worth in the committer: past it the server stops
// reading the connection, so the client waits instead of the server's
// memory growing. All of them commit once the committer goes on.
TEST(ServeLimitsTest, PipelinedAppendsQueueAtMostTheFlowLimitPerConnection) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  rpc::Store::Client& store = server.Connect();
  server.committer().HoldForTest(true);
  const int requests = 64, per_request = 4;  // ~1 MiB each, 64 MiB in all
  std::vector<kj::Promise<capnp::Response<rpc::Store::AppendResults>>> pending;
  for (int r = 0; r < requests; ++r) {
    std::vector<Statement> batch;
    for (int i = 0; i < per_request; ++i) batch.push_back(BigStatement(r * per_request + i));
    pending.push_back(AppendRequest(store, batch).send());
  }
  server.loop().poll();  // in-memory pipes: everything that can move has moved
  const size_t bytes = BigStatement(0).content.size() + 12 * 16000;
  const size_t bound = internal::kFlowLimitBytes / bytes + 2 * per_request;
  EXPECT_GT(server.committer().queued(), 0u);
  EXPECT_LE(server.committer().queued(), bound)
      << "appends queued past the flow limit: nothing bounds one client's memory";
  server.committer().HoldForTest(false);
  for (auto& p : pending) {
    auto r = p.wait(server.loop());
    EXPECT_EQ(r.getStatus().getCode(), 0) << r.getStatus().getMessage().cStr();
  }
  EXPECT_EQ(server.engine().Head(), uint64_t{requests * per_request});
}

}  // namespace
}  // namespace annals::test
