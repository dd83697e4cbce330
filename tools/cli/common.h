// Shared plumbing of the `annals` commands: opening the store, exit codes,
// error printing.
#ifndef ANNALS_TOOLS_CLI_COMMON_H_
#define ANNALS_TOOLS_CLI_COMMON_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/client.h"
#include "annals/engine.h"

namespace annals::cli {

// Documented exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;  // bad input, usage, nothing found
inline constexpr int kExitStorage = 2;   // the store failed or is damaged

struct GlobalFlags {
  std::string db = "./annals.db";  // --db, else $ANNALS_DB
  std::string server;              // --server, else $ANNALS_SERVER; "" = discover
  std::string token_file;          // --token-file, else $ANNALS_TOKEN_FILE
  std::string tls_ca;              // --tls-ca, else $ANNALS_TLS_CA
};

// Connects to the server at `address` with the token for a "tcp:" or
// "tls:" one (and --tls-ca for a "tls:" one):
// the first word of --token-file's first line that is not blank or a
// # comment, else $ANNALS_TOKEN.
absl::StatusOr<std::unique_ptr<Client>> ConnectWithToken(const GlobalFlags& g,
                                                         const std::string& address);

// Head and Projections as the store answers them. The Engine's own calls
// are infallible, so through a server that fails they answer 0 / nothing;
// these ask the server's client (remote_engine.h) and report the failure
// (kUnavailable with the reason). Commands use these, never the Engine's.
absl::StatusOr<uint64_t> StoreHead(const Engine& engine);
absl::StatusOr<std::vector<ProjectionInfo>> StoreProjections(const Engine& engine);

// Bad input (kInvalidArgument, kNotFound, kOutOfRange, kAlreadyExists) is 1;
// everything else is a storage problem: 2.
int ExitCodeFor(const absl::Status& status);

// `status` with its message as "PREFIX: message", its code and payloads
// (error kinds) kept.
absl::Status WithPrefix(const absl::Status& status, std::string_view prefix);

// `status` with " (<hint>)" added to its message; code and kinds kept.
absl::Status WithHint(const absl::Status& status, std::string_view hint);

// Prints "annals: <context>: <message>" to stderr, both escaped for the
// terminal (terminal.h: messages quote stored and input text), with a hint
// to run `annals verify` when the status IsStoreDamaged; returns
// ExitCodeFor.
int Fail(std::string_view context, const absl::Status& status);

// Prints "annals: <text>" to stderr, escaped for the terminal, for notes
// and warnings.
void Note(std::string_view text);

// Standard output failed (a full disk, /dev/full, a closed pipe's EIO):
// commands that print row by row check this to stop early.
bool OutputFailed();

// Standard output failed because its reader went away (EPIPE, with
// SIGPIPE ignored): a follower then ends quietly, with status 0.
bool OutputClosed();

// Flushes standard output (before writing to stderr, so the two stay in
// order); false on a write error, whose reason FinishOutput then reports.
bool FlushOutput();

// The end of every command (main.cc): flushes standard output and checks
// it. On a write error prints "annals: write error on standard output:
// <reason>" and returns kExitStorage (2); otherwise returns `code`. So no
// command can exit 0 with its output cut off.
int FinishOutput(int code);

// An event named as users name it (`show`, `correct`, `retract`): all
// digits is a seq, anything else an id. kNotFound if there is no such
// event; kInvalidArgument for an empty name or a seq above 2^64-1.
absl::StatusOr<uint64_t> ResolveEvent(const Engine& engine, std::string_view which);

// The server to talk to instead of opening the store (issue 20): the one
// named by --server (an error if it cannot be reached: no fallback), else
// the one whose address file is in the store. nullptr when there is none,
// or when that file is stale (its server was killed: nothing answers), in
// which case the caller opens the store itself. "tcp:..." addresses are
// kInvalidArgument (not supported yet). The Engine returned runs every
// operation in the server (cli/remote_engine.h).
absl::StatusOr<std::unique_ptr<Engine>> ConnectToServer(const GlobalFlags& g);
// The same, as the Client itself (for what only a server does: backup).
absl::StatusOr<std::unique_ptr<Client>> ConnectClient(const GlobalFlags& g);

// A command that must own the store's files (restore, repair): kFailedPrecondition
// when a server holds it (one answers at the address in its address file).
absl::Status RefuseWhileServed(const GlobalFlags& g, std::string_view what);

// The open functions below use the server when ConnectToServer finds one.

// Opens the store for writing, creating it on first use.
absl::StatusOr<std::unique_ptr<Engine>> OpenForWrite(const GlobalFlags& g);

// After a command's writes to a store it opened itself (not a server's,
// whose follower does this): brings the search indexes the store has up to
// date (UpdateSearchIndexes, annals/search.h), so that they follow the log
// without a server. One that cannot be (another process holds it, or an
// error) is left as it is, with a note on stderr; the command still
// succeeds. Call it last, once the command's output is out.
void KeepSearchIndexesUp(const GlobalFlags& g, const Engine& engine);

// Opens the store at g.db with `options`, never creating it: a missing
// store is kNotFound with a hint saying how to name or create one.
absl::StatusOr<std::unique_ptr<Engine>> OpenExisting(const GlobalFlags& g,
                                                     Options options);

// Opens an existing store read-only, so queries work while another process
// writes. A missing store is kNotFound with a hint.
absl::StatusOr<std::unique_ptr<Engine>> OpenForRead(const GlobalFlags& g);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_COMMON_H_
