// One client's connection on the server: its stream, the two-party network
// and the RPC system whose bootstrap capability is that connection's Store,
// with the per-connection limits of serve/limits.h; and what the server
// noted about it, so that the log says why it closed.
#ifndef ANNALS_ENGINE_SRC_SERVE_CONNECTION_H_
#define ANNALS_ENGINE_SRC_SERVE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "capnp/capability.h"
#include "capnp/rpc-twoparty.h"
#include "capnp/serialize-async.h"
#include "kj/async-io.h"
#include "serve/limits.h"

namespace annals::internal {

// Shared by a connection and its Store's objects; used on the loop thread.
struct ConnectionNotes {
  std::string read_end;            // what ended reading ("" while it goes on)
  uint64_t subscriptions_cut = 0;  // subscriptions cut off as too slow
  bool logged_in = false;          // TCP: a login succeeded (serve/gate.h)

  // "peer closed", "protocol error: ...", ...; `stopping`: the server closed it.
  std::string WhyClosed(bool stopping) const;
};

// The connection's messages, noting how reading them ended.
class NotingMessageStream final : public capnp::MessageStream {
 public:
  NotingMessageStream(kj::AsyncIoStream& stream, ConnectionNotes& notes)
      : inner_(stream), notes_(notes) {}

  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> tryReadMessage(
      kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options,
      kj::ArrayPtr<capnp::word> scratch) override;
  kj::Promise<void> writeMessage(kj::ArrayPtr<const int> fds,
                                 kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments)
      override {
    return inner_.writeMessage(fds, segments);
  }
  kj::Promise<void> writeMessages(
      kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) override {
    return inner_.writeMessages(messages);
  }
  kj::Maybe<int> getSendBufferSize() override { return inner_.getSendBufferSize(); }
  kj::Promise<void> end() override { return inner_.end(); }

 private:
  capnp::AsyncIoMessageStream inner_;
  ConnectionNotes& notes_;
};

struct Connection {
  // `max_message_bytes`: the largest message read (ServeOptions').
  Connection(kj::Own<kj::AsyncIoStream> s, capnp::Capability::Client bootstrap,
             std::shared_ptr<ConnectionNotes> n, size_t max_message_bytes)
      : notes(std::move(n)),
        stream(kj::mv(s)),
        messages(*stream, *notes),
        network(messages, capnp::rpc::twoparty::Side::SERVER, ReaderLimits(max_message_bytes)),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {
    rpc.setFlowLimit(kFlowLimitBytes / sizeof(capnp::word));
  }

  static capnp::ReaderOptions ReaderLimits(size_t max_message_bytes) {
    capnp::ReaderOptions o;
    o.traversalLimitInWords = max_message_bytes / sizeof(capnp::word);
    return o;
  }

  std::shared_ptr<ConnectionNotes> notes;
  kj::Own<kj::AsyncIoStream> stream;
  NotingMessageStream messages;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CONNECTION_H_
