// A server's token file (serve/tokens.h, `annals serve --token-file`):
// never a crash or undefined behaviour; a file that parses admits exactly
// the tokens a brute-force reading of its lines lists (a line's first
// word), each with the grant its line gives: a token one byte longer or
// shorter is admitted only if it is listed too.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "fuzz_target.h"
#include "serve/tokens.h"

namespace {

void FuzzTokens(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tokens = annals::internal::Tokens::Parse(text, "fuzz");
  if (!tokens.ok()) return;
  std::map<std::string, bool> model;  // token -> read-only
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), size), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    model[std::string(words[0])] = words.size() == 2;
  }
  ANNALS_FUZZ_CHECK(!model.empty());
  for (const auto& [token, read_only] : model) {
    for (const std::string& q : {token, token + "x", token.substr(0, token.size() - 1)}) {
      auto grant = tokens->Match(q);
      auto it = model.find(q);
      ANNALS_FUZZ_CHECK(grant.has_value() == (it != model.end()));
      if (grant.has_value()) ANNALS_FUZZ_CHECK(grant->read_only == it->second);
    }
  }
}

}  // namespace

ANNALS_FUZZ_TARGET(FuzzTokens)
