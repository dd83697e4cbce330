#include "serve/http_auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace annals::internal {

absl::Status CheckBearer(const Tokens& tokens, std::string_view authorization_in, bool writes,
                         bool* read_only) {
  const absl::string_view authorization(authorization_in.data(), authorization_in.size());
  constexpr absl::string_view kScheme = "Bearer ";
  if (authorization.empty())
    return absl::UnauthenticatedError(
        "this server needs a token: send \"Authorization: Bearer TOKEN\"");
  if (!absl::StartsWithIgnoreCase(authorization, kScheme))
    return absl::UnauthenticatedError(
        "the Authorization header must be \"Bearer TOKEN\"");
  const absl::string_view token =
      absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
  const std::optional<TokenGrant> grant =
      tokens.Match(std::string_view(token.data(), token.size()));
  if (!grant.has_value()) return absl::UnauthenticatedError("wrong token");
  if (writes && grant->read_only)
    return absl::PermissionDeniedError("this token is read-only: it may not change the store");
  if (read_only != nullptr) *read_only = grant->read_only;
  return absl::OkStatus();
}

}  // namespace annals::internal
