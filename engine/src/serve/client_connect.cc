#include "serve/client_connect.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "serve/loopback_address.h"
#include "serve/wire.h"

namespace annals::internal {

absl::StatusOr<ServerEndpoint> ParseServerAddress(const std::string& address,
                                                  const ClientOptions& options) {
  if (absl::StartsWith(address, "unix:") && address.size() > 5) return ServerEndpoint{address};
  if (absl::StartsWith(address, "tcp:")) {
    auto a = ParseLoopbackAddress(std::string_view(address).substr(4), "server address tcp:");
    if (!a.ok()) return a.status();
    if (a->port == 0)
      return absl::InvalidArgumentError(
          absl::StrCat("server address \"", address, "\": port 0 names no server"));
    if (options.token.empty())
      return absl::InvalidArgumentError(absl::StrCat(
          "server address \"", address,
          "\": a TCP server needs a token (ClientOptions::token; the CLI's "
          "--token-file or $ANNALS_TOKEN; Python's connect(token=))"));
    return ServerEndpoint{a->ToString(), true};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("server address \"", address, "\": expected unix:PATH or tcp:HOST:PORT"));
}

absl::StatusOr<rpc::Store::Client> Login(capnp::Capability::Client bootstrap,
                                         const std::string& token, kj::WaitScope& wait) {
  auto req = bootstrap.castAs<rpc::Authenticator>().loginRequest();
  req.setToken(kj::arrayPtr(reinterpret_cast<const kj::byte*>(token.data()), token.size()));
  auto reply = req.send().wait(wait);
  if (absl::Status st = StatusFromWire(reply.getStatus()); !st.ok()) return st;
  return reply.getStore();
}

}  // namespace annals::internal
