// The server's parts in this process, for white-box tests: an Engine, its
// committer, read pool and head watch, and connections to it over
// in-memory pipes (serve/connection.h, as `annals serve` makes them), each
// with a raw rpc::Store client. Everything runs on this thread's event
// loop; promise.wait(loop()) or loop().poll() drives it.
#ifndef ANNALS_TESTS_ENGINE_SERVE_HARNESS_H_
#define ANNALS_TESTS_ENGINE_SERVE_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "annals/server.h"
#include "capnp/rpc-twoparty.h"
#include "engine/test_util.h"
#include "kj/async-io.h"
#include "serve/connection.h"
#include "serve/store_service.h"
#include "serve/wire.h"

namespace annals::test {

class InProcessServer {
 public:
  explicit InProcessServer(const std::string& path)
      : engine_(Open(path)),
        reads_(2),
        slow_(2),
        watch_(*engine_),
        committer_(*engine_, ServeOptions{}.max_group, [this] { watch_.Notify(); }),
        state_{*engine_, committer_, reads_, slow_, watch_, 100000} {}

  ~InProcessServer() {
    clients_.clear();
    connections_.clear();
    committer_.Stop();
  }

  struct ClientEnd {
    kj::Own<kj::AsyncIoStream> stream;
    capnp::TwoPartyVatNetwork network;
    capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
    rpc::Store::Client store;
    explicit ClientEnd(kj::Own<kj::AsyncIoStream> s)
        : stream(kj::mv(s)),
          network(*stream, capnp::rpc::twoparty::Side::CLIENT,
                  internal::Connection::ReaderLimits(internal::kMaxMessageBytes)),
          rpc(capnp::makeRpcClient(network)),
          store(Bootstrap(rpc)) {}
    static rpc::Store::Client Bootstrap(capnp::RpcSystem<capnp::rpc::twoparty::VatId>& rpc) {
      capnp::word scratch[4] = {};
      capnp::MallocMessageBuilder message(scratch);
      auto vat = message.getRoot<capnp::rpc::twoparty::VatId>();
      vat.setSide(capnp::rpc::twoparty::Side::SERVER);
      return rpc.bootstrap(vat).castAs<rpc::Store>();
    }
  };

  // A new connection; the reference lives as long as the server.
  rpc::Store::Client& Connect() {
    auto pipe = kj::newTwoWayPipe();
    auto notes = std::make_shared<internal::ConnectionNotes>();
    connections_.push_back(kj::heap<internal::Connection>(
        kj::mv(pipe.ends[0]), internal::NewStoreService(state_, connections_.size() + 1, notes),
        notes, state_.max_message_bytes));
    clients_.push_back(std::make_unique<ClientEnd>(kj::mv(pipe.ends[1])));
    return clients_.back()->store;
  }

  kj::WaitScope& loop() { return io_.waitScope; }
  Engine& engine() { return *engine_; }
  internal::Committer& committer() { return committer_; }
  internal::HeadWatch& watch() { return watch_; }

 private:
  static std::unique_ptr<Engine> Open(const std::string& path) {
    auto e = Engine::Open(path, FastOptions());
    EXPECT_TRUE(e.ok()) << e.status();
    return std::move(*e);
  }

  kj::AsyncIoContext io_ = kj::setupAsyncIo();
  std::unique_ptr<Engine> engine_;
  internal::WorkQueue reads_;
  internal::WorkQueue slow_;
  internal::HeadWatch watch_;
  internal::Committer committer_;
  internal::ServerState state_;
  std::vector<kj::Own<internal::Connection>> connections_;
  std::vector<std::unique_ptr<ClientEnd>> clients_;
};

// An append request of these statements, on `store`.
inline capnp::Request<rpc::Store::AppendParams, rpc::Store::AppendResults> AppendRequest(
    rpc::Store::Client& store, const std::vector<Statement>& statements) {
  auto req = store.appendRequest();
  auto list = req.initStatements(statements.size());
  for (size_t i = 0; i < statements.size(); ++i) {
    std::string wire = internal::StatementToWire(statements[i]);
    list.set(i, internal::AsData(wire));
  }
  return req;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_ENGINE_SERVE_HARNESS_H_
