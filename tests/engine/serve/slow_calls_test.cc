// Calls that block for long (projection waits, backups) run on threads of
// their own in the server (ServerState::slow), so clients waiting never
// hold up other clients' reads.
#include <vector>

#include <gtest/gtest.h>

#include "engine/serve/harness.h"

namespace annals::test {
namespace {

// More clients waiting on a projection than the server has read threads
// (each wait holds its thread up to half a second a call): a read still
// answers at once, while they all wait. Before, the waits took the read
// threads and the read queued behind them.
TEST(ServeSlowCallsTest, ProjectionWaitsDoNotHoldUpReads) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  rpc::Store::Client& store = server.Connect();
  std::vector<kj::Promise<capnp::Response<rpc::Store::WaitForProjectionResults>>> waits;
  for (int i = 0; i < 2; ++i) {  // as many as the harness's slow threads
    auto req = store.waitForProjectionRequest();
    req.setName("actors");
    req.setSeq(1000000);  // never reached: each call waits its whole half second
    req.setTimeoutMicros(60 * 1000 * 1000);
    waits.push_back(req.send());
  }
  server.loop().poll();  // the waits reach the server first
  auto stats = store.statsRequest().send().wait(server.loop());  // a read off the loop
  EXPECT_EQ(stats.getStatus().getCode(), 0);
  for (auto& w : waits)
    EXPECT_FALSE(w.poll(server.loop())) << "the read was answered only after a wait ended";
  for (auto& w : waits) {
    auto r = w.wait(server.loop());
    EXPECT_NE(r.getStatus().getCode(), 0);  // deadline exceeded: the client asks again
  }
}

}  // namespace
}  // namespace annals::test
