// Accepting connections on a listener, for the RPC socket and the HTTP
// port alike. An accept that fails (EMFILE: out of file descriptors, say)
// is retried after a pause that doubles from 10 ms up to a second, on the
// event loop's timer, so that the loop serves the open connections
// meanwhile; a burst of failures is logged once. Loop thread only.
#ifndef ANNALS_ENGINE_SRC_SERVE_ACCEPT_LOOP_H_
#define ANNALS_ENGINE_SRC_SERVE_ACCEPT_LOOP_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "kj/async-io.h"
#include "kj/timer.h"

namespace annals::internal {

class AcceptLoop {
 public:
  using Add = absl::AnyInvocable<void(kj::Own<kj::AsyncIoStream>)>;
  // `what` names the listener in log lines ("", "http ").
  AcceptLoop(kj::Timer& timer, std::string what, Add add)
      : timer_(timer), what_(std::move(what)), add_(std::move(add)) {}

  // Accepts until the listener goes (drop the promise first).
  kj::Promise<void> Run(kj::ConnectionReceiver& listener);

 private:
  kj::Timer& timer_;
  std::string what_;
  Add add_;
  unsigned failures_ = 0;  // accepts failed in a row
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_ACCEPT_LOOP_H_
