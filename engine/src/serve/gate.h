// The bootstrap capability of a TCP connection (ServeOptions::listen): an
// rpc::Authenticator whose login(token) gives the connection's Store, one
// that refuses writes for a read-only token. A wrong token gets
// kPermissionDenied and no Store; the connection stays open for another
// try, until the login deadline (serve/connections.h). Loop thread only.
#ifndef ANNALS_ENGINE_SRC_SERVE_GATE_H_
#define ANNALS_ENGINE_SRC_SERVE_GATE_H_

#include <cstdint>
#include <memory>

#include "kj/memory.h"
#include "schema/annals_rpc.capnp.h"
#include "serve/connection.h"
#include "serve/store_service.h"
#include "serve/tokens.h"

namespace annals::internal {

// `tokens` must outlive the gate.
kj::Own<rpc::Authenticator::Server> NewGate(ServerState& state, const Tokens& tokens,
                                            uint64_t connection,
                                            std::shared_ptr<ConnectionNotes> notes);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_GATE_H_
