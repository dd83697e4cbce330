// The seam between the CLI's commands and a running `annals serve`
// (issue 20): the library's Engine over a Client (annals::NewClientEngine,
// annals/client.h), whose every operation is a call to the server. The commands take an Engine
// and do not know which kind they have; common.cc decides (OpenForWrite,
// OpenExisting, OpenForRead) by whether a server holds the store.
//
// What has no remote form, and what the Engine's infallible operations
// answer when the server cannot be reached: see NewClientEngine. The
// commands ask StoreHead / StoreProjections (common.h) instead, which
// report the failure (ServingClient reaches the client). Thread safety: as
// Client's.
#ifndef ANNALS_TOOLS_CLI_REMOTE_ENGINE_H_
#define ANNALS_TOOLS_CLI_REMOTE_ENGINE_H_

#include <memory>

#include "annals/client.h"
#include "annals/engine.h"

namespace annals::cli {

std::unique_ptr<Engine> NewRemoteEngine(std::unique_ptr<Client> client);

// The client behind `engine` when NewRemoteEngine made it (while it lives),
// else nullptr. A lookup in a registry the remote engines keep, not a cast.
Client* ServingClient(const Engine& engine);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_REMOTE_ENGINE_H_
