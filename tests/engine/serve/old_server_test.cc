// A client never sends a server what it would silently drop: a retraction's
// or alias's attributes go only to a server that says it stores them
// (rpc features @26). An older server (here a Store that implements only
// retract and alias, as one from before the method did, ignoring the
// attributes it does not know) gets the call without attributes as before,
// and a clear error, with nothing sent, when there are some.
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "annals/client.h"
#include "capnp/rpc-twoparty.h"
#include "engine/test_util.h"
#include "kj/async-io.h"
#include "schema/annals_rpc.capnp.h"

namespace annals::test {
namespace {

// The calls that reached the old server.
struct Calls {
  absl::Mutex mu;
  int retracts ABSL_GUARDED_BY(mu) = 0;
  int aliases ABSL_GUARDED_BY(mu) = 0;
};

class OldStore final : public rpc::Store::Server {
 public:
  explicit OldStore(Calls* calls) : calls_(calls) {}
  kj::Promise<void> retract(RetractContext ctx) override {
    absl::MutexLock lock(&calls_->mu);
    ++calls_->retracts;
    Answer(ctx.getResults());
    return kj::READY_NOW;
  }
  kj::Promise<void> alias(AliasContext ctx) override {
    absl::MutexLock lock(&calls_->mu);
    ++calls_->aliases;
    Answer(ctx.getResults());
    return kj::READY_NOW;
  }

 private:
  template <typename R>
  static void Answer(R res) {
    res.initStatus();
    res.initResult().setSeq(7);
  }
  Calls* calls_;
};

// OldStore served on a Unix socket by a thread of its own.
class OldServer {
 public:
  OldServer(const std::string& socket, Calls* calls) {
    thread_ = std::thread([this, socket, calls] {
      auto io = kj::setupAsyncIo();
      capnp::TwoPartyServer server(kj::heap<OldStore>(calls));
      auto address =
          io.provider->getNetwork().parseAddress(kj::str("unix:", socket.c_str())).wait(io.waitScope);
      auto listener = address->listen();
      auto listening = server.listen(*listener);
      auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
      {
        absl::MutexLock lock(&mu_);
        stop_ = kj::mv(paf.fulfiller);
      }
      paf.promise.wait(io.waitScope);
    });
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(+[](OldServer* s) { return s->stop_.get() != nullptr; }, this));
  }
  ~OldServer() {
    {
      absl::MutexLock lock(&mu_);
      stop_->fulfill();
    }
    thread_.join();
  }

 private:
  absl::Mutex mu_;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

TEST(OldServerTest, AttributesAreNeverSentToAServerThatWouldDropThem) {
  TempDir dir;
  const std::string socket = dir.path() + "/old.sock";
  Calls calls;
  OldServer server(socket, &calls);
  auto client = Connect("unix:" + socket);
  ASSERT_TRUE(client.ok()) << client.status();
  const std::vector<Attribute> attributes = {{"import.source_seq", "3"}};

  auto r = (*client)->Retract(1, "wrong date", attributes);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_NE(r.status().message().find("nothing was sent"), std::string_view::npos);
  auto a = (*client)->Alias("USA", "United States", attributes);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kFailedPrecondition) << a.status();
  {
    absl::MutexLock lock(&calls.mu);
    EXPECT_EQ(calls.retracts, 0);
    EXPECT_EQ(calls.aliases, 0);
  }

  // Without attributes, the old server answers as it always did.
  r = (*client)->Retract(1, "wrong date", {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->seq, 7u);
  a = (*client)->Alias("USA", "United States", {});
  ASSERT_TRUE(a.ok()) << a.status();
  absl::MutexLock lock(&calls.mu);
  EXPECT_EQ(calls.retracts, 1);
  EXPECT_EQ(calls.aliases, 1);
}

}  // namespace
}  // namespace annals::test
