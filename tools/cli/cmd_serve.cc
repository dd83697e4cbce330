// annals serve: hold the store for writing and serve it to many clients
// (annals/server.h).
#include <memory>

#include "annals/server.h"
#include "annals/status.h"
#include "cli/commands.h"

namespace annals::cli {

Runner AddServe(CLI::App& app, const GlobalFlags& g) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Hold the store for writing and serve it to many clients over a Unix socket "
      "(mode 0600), over TCP to clients with a token with --listen, and over HTTP/JSON "
      "with --http, until SIGTERM or SIGINT; local clients find it by "
      "STORE/annals.server");
  cmd->add_option("--socket", o->socket,
                  "socket path (default: STORE/annals.sock, or under $XDG_RUNTIME_DIR "
                  "or /tmp when that is over 107 bytes or the store is read-only)");
  cmd->add_flag("--sync", o->sync,
                "fsync each group of appends before acknowledging it (default: an "
                "acknowledged append is in the write-ahead log, which survives a crash "
                "of the server but not a power loss)");
  cmd->add_option("--max-subscriber-lag", o->max_subscriber_lag,
                  "cut off a subscriber that takes nothing while more than this many "
                  "events are appended (it is told where to resume)")
      ->capture_default_str();
  cmd->add_option("--max-batch", o->max_batch,
                  "most statements in one append call; a bigger batch is refused whole "
                  "(at least 1000; 0: no limit)")
      ->capture_default_str();
  cmd->add_option("--max-message-bytes", o->max_message_bytes,
                  "largest RPC message read from a client; a bigger one closes its "
                  "connection (at least 1 MiB)")
      ->capture_default_str();
  cmd->add_option("--max-connections", o->max_connections,
                  "connections open at once, RPC and HTTP together; one more is closed "
                  "(HTTP: answered 503) and logged; TCP clients not logged in yet hold at "
                  "most half (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--max-subscriptions", o->max_subscriptions_per_connection,
                  "subscriptions one RPC connection may hold at once (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--http", o->http,
                  "also serve HTTP/JSON (docs/HTTP.md) on PORT, localhost:PORT or "
                  "127.0.0.1:PORT (port 0: any free port; the address is logged and "
                  "written to --ready-fd); no token, so no other host (see --https)");
  cmd->add_option("--listen", o->listen,
                  "also serve Cap'n Proto RPC over TCP on PORT, localhost:PORT or "
                  "127.0.0.1:PORT, to clients with a token (--server tcp:HOST:PORT); "
                  "needs --token-file; with --tls-cert and --tls-key, TLS on any "
                  "HOST:PORT (0.0.0.0:PORT: every interface; clients use "
                  "--server tls:HOST:PORT)");
  cmd->add_option("--https", o->https,
                  "also serve HTTP/JSON over TLS on HOST:PORT (any address; 0.0.0.0:PORT: "
                  "every interface) to clients that send \"Authorization: Bearer TOKEN\"; "
                  "needs --tls-cert, --tls-key and --token-file");
  cmd->add_option("--token-file", o->token_file,
                  "the tokens --listen and --https admit, one a line: TOKEN, or TOKEN read-only (may "
                  "not change the store); at least 16 characters each; the file must be "
                  "mode 600 (default: the global --token-file)");
  cmd->add_option("--tls-cert", o->tls_cert,
                  "for --listen and --https: TLS with this PEM certificate (then any intermediate "
                  "ones); clients name the server by a host name it holds");
  cmd->add_option("--tls-key", o->tls_key,
                  "for --listen and --https: the certificate's private key, PEM, unencrypted, in a "
                  "file of mode 600");
  cmd->add_option("--login-timeout", o->login_timeout_seconds,
                  "seconds a --listen or --https client has to finish its TLS handshake "
                  "and log in (send a good token); then it is disconnected")
      ->capture_default_str();
  cmd->add_option("--http-max-header-bytes", o->http_max_header_bytes,
                  "answer 431 to an HTTP request whose target and headers are bigger")
      ->capture_default_str();
  cmd->add_option("--http-max-body-bytes", o->http_max_body_bytes,
                  "answer 413 to an HTTP request whose body is bigger")
      ->capture_default_str();
  cmd->add_option("--sse-keepalive", o->sse_keepalive_seconds,
                  "write a comment line to a quiet Server-Sent Events stream every SECONDS, "
                  "so that proxies keep the connection (0: never)")
      ->capture_default_str();
  o->create_if_missing = false;
  cmd->add_flag("--create", o->create_if_missing,
                "create the store if there is none (default: a missing store is an "
                "error, so that a mistyped path does not serve an empty store)");
  cmd->add_option("--ready-fd", o->ready_fd,
                  "once serving, write the address and a newline to this file "
                  "descriptor and close it (for scripts); with --http, the HTTP "
                  "address on a second line; with --listen, the TCP one after them; "
                  "with --https, its address last");
  return [o, &g]() -> int {
    o->store = g.db;
    if (o->token_file.empty() && (!o->listen.empty() || !o->https.empty()))
      o->token_file = g.token_file;
    absl::Status s = Serve(*o);
    if (IsNoStore(s))
      s = WithHint(s, "give --db PATH or set ANNALS_DB; `annals import` creates one, or "
                      "serve --create");
    if (!s.ok()) return Fail("serve", s);
    return kExitOk;
  };
}

}  // namespace annals::cli
