// The server's RPC connections, over the Unix socket and TCP: accepting
// them on a listener, a TCP client's TLS handshake and login deadline, the
// --max-connections count they share with HTTP, and one log line for each
// opening and closing. Loop thread only.
#ifndef ANNALS_ENGINE_SRC_SERVE_CONNECTIONS_H_
#define ANNALS_ENGINE_SRC_SERVE_CONNECTIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "capnp/capability.h"
#include "kj/async-io.h"
#include "kj/compat/tls.h"
#include "kj/timer.h"
#include "serve/accept_loop.h"
#include "serve/connection.h"
#include "serve/store_service.h"

namespace annals::internal {

// A connection's bootstrap capability: its Store (Unix socket), or the
// gate that gives one for a token (TCP).
using Bootstrap =
    std::function<capnp::Capability::Client(uint64_t, std::shared_ptr<ConnectionNotes>)>;

// How a listener's connections begin.
struct Door {
  kj::TlsContext* tls = nullptr;  // a TLS handshake first (outlives the Connections)
  bool login = false;             // the client must log in (serve/gate.h)
};

class Connections final : public kj::TaskSet::ErrorHandler {
 public:
  // `deadline`: the time a client of a Door with TLS or a login has, from
  // its accept, to finish its handshake and log in; past it the connection
  // is closed, and logged.
  Connections(ServerState& state, kj::Timer& timer, kj::Duration deadline)
      : state_(state), timer_(timer), deadline_(deadline), tasks_(*this) {}
  // Logs why each connection still open closes: the server is stopping.
  ~Connections() noexcept(false);

  // Accepts until the listener goes (serve/accept_loop.h: EMFILE backs
  // off), each connection through `door`, then with `bootstrap`.
  kj::Promise<void> Accept(kj::ConnectionReceiver& listener, Bootstrap bootstrap, Door door = {});

  void taskFailed(kj::Exception&& e) override;

 private:
  void Add(kj::Own<kj::AsyncIoStream> stream, const Bootstrap& bootstrap, Door door);
  void Start(uint64_t id, kj::Own<kj::AsyncIoStream> stream, const Bootstrap& bootstrap,
             kj::Maybe<kj::TimePoint> login_by);
  // Resolves at `by` if the connection has not logged in by then.
  kj::Promise<void> LoginDeadline(kj::TimePoint by, std::shared_ptr<ConnectionNotes> notes);

  ServerState& state_;
  kj::Timer& timer_;
  const kj::Duration deadline_;
  kj::TaskSet tasks_;
  uint64_t next_ = 0;
  std::set<uint64_t> live_;
  std::map<uint64_t, std::shared_ptr<ConnectionNotes>> notes_;
  std::vector<std::unique_ptr<AcceptLoop>> accepts_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_CONNECTIONS_H_
