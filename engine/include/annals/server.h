// `annals serve`: one process holds a store for writing and serves it to
// many clients (annals/client.h) over Cap'n Proto RPC on a Unix socket, to
// clients with a token over TCP with ServeOptions::listen (loopback, or any
// address with TLS: tls_cert, tls_key), and
// over HTTP/JSON on a loopback port with ServeOptions::http (docs/HTTP.md).
//
// The socket is created mode 0600 (only the store's owner may connect):
// STORE/annals.sock, or, when that path is too long for a Unix socket (107
// bytes) or the store's directory cannot be written, a file named after the
// store under $XDG_RUNTIME_DIR or else /tmp. Once it accepts connections the
// server writes its address ("unix:PATH") in STORE/annals.server, which is
// how clients find it (ServerAddress, annals/client.h); it removes both at
// stop. A socket a killed server left behind is replaced; anything else at
// the socket path (a live socket, a regular file, a dead socket at a
// --socket path this store's server did not record) is left alone and the
// server does not start.
//
// Appends of all connections are group-committed by one committer thread:
// whatever is queued when it becomes free is committed as one Engine batch
// append (one WriteBatch, one write-ahead-log write). Durability of an
// acknowledged append: written to the write-ahead log (it survives a crash
// or SIGKILL of the server, not a power loss), or fsynced too with
// ServeOptions::sync. Reads run on a small pool of threads, so the event
// loop never waits for RocksDB.
//
// Memory per client is bounded: a connection may have 32 MiB of calls in
// flight (past that the server reads no more from it until some are
// answered); a timeline page holds at most 10,000 entries (limit 0 means
// that many); a read, a timeline page or a subscription push stops at
// about 8 MiB of events (a bigger event goes alone); messages over 64 MiB
// close the connection.
#ifndef ANNALS_SERVER_H_
#define ANNALS_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "annals/visibility.h"

namespace annals {

struct ServeOptions {
  std::string store;        // store directory
  bool create_if_missing = true;  // false: a missing store is an error
                                  // (Engine::Open's "no store")
  std::string socket;       // "" = the default path described above
  bool sync = false;        // fsync each group commit before acknowledging
  size_t read_threads = 2;  // threads answering reads
  // Most statements committed in one group; a bigger batch goes alone. A
  // group of full batches saves few write-ahead-log writes, and the clients
  // whose batches wait behind the one committing prepare their next ones
  // meanwhile: 4 clients' batches of 1,000 went in at 0.65x the rate when
  // groups took up to 10,000 (bench/SERVER.md, 2026-12-07).
  size_t max_group = 1000;
  // Most statements in one append call (RPC): a bigger batch is refused
  // whole (kResourceExhausted; nothing appended; split it). At least 1,000,
  // the batch of an import through the server; 0: no limit.
  size_t max_batch = 100000;
  // Largest RPC message the server reads from a client (an append's batch,
  // say): a bigger one closes that connection, logged. At least 1 MiB.
  size_t max_message_bytes = size_t{64} << 20;
  // A subscriber that takes nothing (a push waiting on flow control) while
  // more than this many events are appended is cut off; its sink's end()
  // says where to resume. Catching up from far behind is no reason.
  uint64_t max_subscriber_lag = 100000;
  // Connections open at once, RPC and HTTP together: one past it is closed
  // at once (an HTTP one answered 503 first), and logged. TCP clients that
  // have not logged in yet (`listen`), or sent a good token (`https`),
  // hold at most half of them (at least one); one past that is closed
  // before its TLS handshake. 0: no limit.
  size_t max_connections = 256;
  // Subscriptions one RPC connection may hold at once: one more is
  // refused (kResourceExhausted). 0: no limit.
  size_t max_subscriptions_per_connection = 64;
  int ready_fd = -1;        // >= 0: write the address and "\n" there, then
                            // close it, once serving (for scripts, tests);
                            // with `http`, its address on a second line
  // HTTP/JSON (docs/HTTP.md): "" = none; "PORT", "localhost:PORT" or
  // "HOST:PORT" with a loopback HOST (127.0.0.1, ::1). Port 0 picks a free
  // port; the address taken ("http://127.0.0.1:PORT") is logged and written
  // to ready_fd. Other hosts are refused (kInvalidArgument): HTTP in clear
  // takes no token; serve a network with `https`.
  std::string http;
  // Cap'n Proto RPC over TCP too, for clients that connect to
  // "tcp:HOST:PORT" (or "tls:HOST:PORT" with tls_cert) with a token
  // (ClientOptions::token): "" = none. Without TLS, an address as `http`
  // takes (loopback only: tokens must never cross a network in clear);
  // with it, any ("0.0.0.0:PORT" for every interface, "[::]:PORT",
  // "db.example.org:PORT"). The address taken ("tcp:127.0.0.1:PORT",
  // "tls:0.0.0.0:PORT") is logged and written to ready_fd after the
  // others. Requires token_file. A TCP connection's bootstrap capability is
  // an rpc::Authenticator: login(token) gives the Store, one that refuses
  // every change (kPermissionDenied) for a read-only token; a wrong token
  // gets kPermissionDenied and is logged.
  std::string listen;
  // The tokens `listen` and `https` admit: one a line, "TOKEN" (reads and writes) or
  // "TOKEN read-only"; blank lines and lines starting with # are skipped;
  // at least 16 printable ASCII characters each (`openssl rand -hex 32`).
  // The file must not be readable by its group or others (mode 600), as
  // ssh insists for keys; the server does not start otherwise. Tokens are
  // compared in constant time.
  std::string token_file;
  // HTTP/JSON over TLS on any address, as `http` serves it on loopback, to
  // clients that send "Authorization: Bearer TOKEN" with a token of
  // token_file on every request (401 without one or with a wrong one; 403
  // for a change through a read-only one): "" = none; "0.0.0.0:PORT",
  // "[::]:PORT", "db.example.org:PORT". Requires tls_cert, tls_key and
  // token_file. The address taken ("https://0.0.0.0:PORT") is logged and
  // written to ready_fd after the others.
  std::string https;
  // TLS for `listen` and `https` (TLS 1.2 or later): tls_cert a PEM file with the
  // server's certificate, then any intermediate ones; tls_key one with its
  // private key, unencrypted, in a file only its owner may read (mode 600).
  // Both or neither. Clients name the server by a DNS name the
  // certificate holds, and trust its issuer (ClientOptions::tls_ca for
  // a private one). Checked before the store opens: the key must match the
  // certificate, which must be valid now.
  std::string tls_cert;
  std::string tls_key;
  // The seconds a `listen` client has, from the server's accept, to finish
  // its TLS handshake and log in (an `https` one, its handshake); past them the connection is closed (and
  // logged), so that clients that never log in cannot hold the
  // max_connections places. At least 1.
  uint32_t login_timeout_seconds = 10;
  // A request whose target and headers take more than this many bytes is
  // answered 431 (kj's HTTP parser itself stops at 128 KiB).
  size_t http_max_header_bytes = size_t{64} << 10;
  // A request body over this many bytes is answered 413.
  size_t http_max_body_bytes = size_t{64} << 20;
  // A Server-Sent Events stream with nothing to send for this many seconds
  // gets a comment line (": keep-alive"), so that proxies and browsers do
  // not take the quiet connection for a dead one. 0: never.
  uint32_t sse_keepalive_seconds = 15;
};

// Serves until SIGTERM or SIGINT, then stops accepting, commits the appends
// already queued, fsyncs the log, removes the socket and address file and
// returns OK. Logs one line per connection and per error to stderr. Call it
// from the main thread before starting other threads: it blocks SIGTERM and
// SIGINT in the calling thread (threads it starts inherit that).
// kFailedPrecondition: the store is in use by another process
// (IsStoreInUse); kInvalidArgument: a bad address, --listen without a
// token file, a malformed token file, an unusable TLS certificate or key;
// other errors as Engine::Open, of the socket, of the token file (Tokens in
// serve/tokens.h) or of the TLS files (kFailedPrecondition: an expired
// certificate, a key file open to others).
ANNALS_EXPORT absl::Status Serve(const ServeOptions& options);

}  // namespace annals

#endif  // ANNALS_SERVER_H_
