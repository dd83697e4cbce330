// Bearer tokens on HTTPS (ServeOptions::https): every request carries
// "Authorization: Bearer TOKEN" with a token of the server's token file
// (RFC 6750); a read-only token may only read.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_AUTH_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_AUTH_H_

#include <string_view>

#include "absl/status/status.h"
#include "serve/tokens.h"

namespace annals::internal {

// `authorization`: the request's Authorization header ("" when absent).
// kUnauthenticated (401) when it is absent, not a bearer token, or a token
// `tokens` does not list; kPermissionDenied (403) when `writes` and the
// token is read-only; OK otherwise, with `*read_only` (when not null) set
// to whether the token is read-only. Tokens are compared in constant time.
absl::Status CheckBearer(const Tokens& tokens, std::string_view authorization, bool writes,
                         bool* read_only = nullptr);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_AUTH_H_
