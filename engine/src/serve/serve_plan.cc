#include "serve/serve_plan.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "serve/tls.h"

namespace annals::internal {
namespace {

// The options' combinations, before any file is read.
absl::Status CheckCombination(const ServeOptions& o) {
  const bool tls = !o.tls_cert.empty() || !o.tls_key.empty();
  const bool tcp = !o.listen.empty() || !o.https.empty();
  if (!tcp && !o.token_file.empty())
    return absl::InvalidArgumentError("--token-file: applies with --listen or --https");
  if (!tcp && tls)
    return absl::InvalidArgumentError("--tls-cert, --tls-key: apply with --listen or --https");
  if (tls && (o.tls_cert.empty() || o.tls_key.empty()))
    return absl::InvalidArgumentError("--tls-cert and --tls-key: give both or neither");
  if (!o.https.empty() && !tls)
    return absl::InvalidArgumentError("--https: needs --tls-cert and --tls-key");
  if (tcp && o.token_file.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        o.listen.empty() ? "--https" : "--listen",
        ": needs --token-file (a TCP port is open to every ",
        tls ? "client that can reach it)" : "local user)"));
  if (tcp && o.login_timeout_seconds == 0)
    return absl::InvalidArgumentError("--login-timeout: at least 1 second");
  return absl::OkStatus();
}

absl::Status Parse(const std::string& text, const char* flag, bool tls,
                   std::optional<TcpAddress>* out) {
  if (text.empty()) return absl::OkStatus();
  auto a = tls ? ParseTlsAddress(text, flag) : ParseLoopbackAddress(text, flag);
  if (!a.ok()) return a.status();
  *out = *a;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServePlan> PlanServe(const ServeOptions& o) {
  if (absl::Status s = CheckCombination(o); !s.ok()) return s;
  if (o.max_batch != 0 && o.max_batch < 1000)
    return absl::InvalidArgumentError(
        "--max-batch: at least 1000 (an import through the server sends batches of 1000), "
        "or 0 for no limit");
  if (o.max_message_bytes < (size_t{1} << 20))
    return absl::InvalidArgumentError("--max-message-bytes: at least 1048576 (1 MiB)");
  const bool tls = !o.tls_cert.empty();
  ServePlan plan;
  if (absl::Status s = Parse(o.http, "--http", false, &plan.http); !s.ok()) return s;
  if (absl::Status s = Parse(o.listen, "--listen", tls, &plan.listen); !s.ok()) return s;
  if (absl::Status s = Parse(o.https, "--https", true, &plan.https); !s.ok()) return s;
  if (!o.token_file.empty()) {
    auto tokens = Tokens::Load(o.token_file);
    if (!tokens.ok()) return tokens.status();
    plan.tokens = *std::move(tokens);
  }
  if (tls) {
    auto made = NewServerTls(o.tls_cert, o.tls_key);
    if (!made.ok()) return made.status();
    plan.tls = *std::move(made);
  }
  return plan;
}

}  // namespace annals::internal
