// The tokens a server's TCP listener admits (ServeOptions::token_file):
// each may read and write, or only read.
#ifndef ANNALS_ENGINE_SRC_SERVE_TOKENS_H_
#define ANNALS_ENGINE_SRC_SERVE_TOKENS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace annals::internal {

struct TokenGrant {
  bool read_only = false;
};

class Tokens {
 public:
  // Reads a token file: one token a line, "TOKEN" (reads and writes) or
  // "TOKEN read-only"; blank lines and lines starting with '#' are skipped.
  // A token is at least kMinTokenBytes printable ASCII characters without
  // spaces (one starting with # reads as a comment). Errors: kNotFound (no
  // file), kFailedPrecondition (not a regular file of this user, open to
  // its group or others -- a secret must not be, as ssh insists for keys --
  // or over 1 MiB: serve/private_file.h), kInvalidArgument naming the line (a malformed
  // line, a duplicate token, more than kMaxTokens, no token at all).
  static absl::StatusOr<Tokens> Load(const std::string& path);
  // The same rules over the file's text (`path` names it in messages).
  // Linear in the text; at most kMaxTokens tokens.
  static absl::StatusOr<Tokens> Parse(std::string_view text, const std::string& path);

  static constexpr size_t kMinTokenBytes = 16;
  static constexpr size_t kMaxTokens = 1000;

  // What `token` may do; nullopt when no token matches. The time taken
  // does not depend on which token matches or where one differs: every
  // token is compared, every byte of it.
  std::optional<TokenGrant> Match(std::string_view token) const;

 private:
  struct Entry {
    std::string token;
    TokenGrant grant;
  };
  std::vector<Entry> entries_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_TOKENS_H_
