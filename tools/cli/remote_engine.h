// The seam between the CLI's commands and a running `annals serve`
// (issue 20): an Engine whose every operation is a call to the server
// through the public Client (annals/client.h). The commands take an Engine
// and do not know which kind they have; common.cc decides (OpenForWrite,
// OpenExisting, OpenForRead) by whether a server holds the store.
//
// What has no remote form: AddProjection (in-process C++ projections) is
// kFailedPrecondition. Operations the Engine declares infallible (Head,
// Projections) answer 0 / nothing when the server cannot be reached; the
// next fallible call then reports kUnavailable. Refresh does nothing: the
// server's view is always current. Thread safety: as Client's.
#ifndef ANNALS_TOOLS_CLI_REMOTE_ENGINE_H_
#define ANNALS_TOOLS_CLI_REMOTE_ENGINE_H_

#include <memory>

#include "annals/client.h"
#include "annals/engine.h"

namespace annals::cli {

std::unique_ptr<Engine> NewRemoteEngine(std::unique_ptr<Client> client);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_REMOTE_ENGINE_H_
