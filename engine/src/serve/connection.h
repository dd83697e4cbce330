// One client's connection on the server: its stream, the two-party network
// and the RPC system whose bootstrap capability is that connection's Store,
// with the per-connection limits of serve/limits.h.
#ifndef ANNALS_ENGINE_SRC_SERVE_CONNECTION_H_
#define ANNALS_ENGINE_SRC_SERVE_CONNECTION_H_

#include "capnp/capability.h"
#include "capnp/rpc-twoparty.h"
#include "kj/async-io.h"
#include "serve/limits.h"

namespace annals::internal {

struct Connection {
  Connection(kj::Own<kj::AsyncIoStream> s, capnp::Capability::Client bootstrap)
      : stream(kj::mv(s)),
        network(*stream, capnp::rpc::twoparty::Side::SERVER, ReaderLimits()),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {
    rpc.setFlowLimit(kFlowLimitBytes / sizeof(capnp::word));
  }

  static capnp::ReaderOptions ReaderLimits() {
    capnp::ReaderOptions o;
    o.traversalLimitInWords = kMaxMessageBytes / sizeof(capnp::word);
    return o;
  }

  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CONNECTION_H_
