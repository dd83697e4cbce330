// HeadWatch (serve/subscription.h): waits for the head to move.
#include <vector>

#include <gtest/gtest.h>

#include "engine/serve/harness.h"

namespace annals::test {
namespace {

// A subscription's lag watch waits on the head while nothing is appended;
// subscribing and dropping in a loop cancels those waits, which must not
// pile up until the next append.
TEST(HeadWatchTest, CancelledWaitsAreForgottenAtOnce) {
  TempDir dir;
  InProcessServer server(dir.path() + "/db");
  internal::HeadWatch& watch = server.watch();
  for (int i = 0; i < 1000; ++i) {
    kj::Promise<void> wait = watch.Wait(server.engine().Head());
    server.loop().poll();
  }  // each dropped unresolved
  EXPECT_EQ(watch.waiters(), 0u);

  // A wait still resolves once the head moves, and is forgotten then too.
  std::vector<kj::Promise<void>> waits;
  for (int i = 0; i < 3; ++i) waits.push_back(watch.Wait(server.engine().Head()));
  EXPECT_EQ(watch.waiters(), 3u);
  std::vector<Statement> one = {SmallStatement(1)};
  ASSERT_TRUE(server.engine().Append(one).ok());
  watch.Notify();
  for (auto& w : waits) w.wait(server.loop());
  waits.clear();
  EXPECT_EQ(watch.waiters(), 0u);
  // Already past: resolves at once, holds nothing.
  watch.Wait(0).wait(server.loop());
  EXPECT_EQ(watch.waiters(), 0u);
}

}  // namespace
}  // namespace annals::test
