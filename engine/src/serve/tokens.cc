#include "serve/tokens.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "serve/private_file.h"

namespace annals::internal {
namespace {

// Equal, in a time that depends on the lengths only.
bool SameBytes(std::string_view given, std::string_view want) {
  unsigned char diff = given.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < want.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(want[i]));
  }
  return diff == 0;
}

bool Printable(absl::string_view token) {
  for (char c : token)
    if (c <= ' ' || c > '~') return false;
  return true;
}

}  // namespace

absl::StatusOr<Tokens> Tokens::Load(const std::string& path) {
  auto text = ReadPrivateFile(path, "token file");
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

absl::StatusOr<Tokens> Tokens::Parse(std::string_view file, const std::string& path) {
  Tokens out;
  absl::flat_hash_set<std::string> seen;
  size_t n = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(file.data(), file.size()), '\n')) {
    ++n;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    const std::string where = absl::StrCat("token file ", path, ":", n, ": ");
    std::vector<absl::string_view> words =
        absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() > 2 || (words.size() == 2 && words[1] != "read-only"))
      return absl::InvalidArgumentError(
          absl::StrCat(where, "expected TOKEN or TOKEN read-only"));
    if (words[0].size() < kMinTokenBytes || !Printable(words[0]))
      return absl::InvalidArgumentError(absl::StrCat(
          where, "a token is at least ", kMinTokenBytes,
          " printable ASCII characters (for instance: openssl rand -hex 32)"));
    if (out.entries_.size() == kMaxTokens)
      return absl::InvalidArgumentError(absl::StrCat(where, "more than ", kMaxTokens, " tokens"));
    if (!seen.insert(std::string(words[0])).second)
      return absl::InvalidArgumentError(absl::StrCat(where, "the same token again"));
    out.entries_.push_back({std::string(words[0]), TokenGrant{words.size() == 2}});
  }
  if (out.entries_.empty())
    return absl::InvalidArgumentError(absl::StrCat("token file ", path, ": no token in it"));
  return out;
}

std::optional<TokenGrant> Tokens::Match(std::string_view token) const {
  std::optional<TokenGrant> found;
  for (const Entry& e : entries_)
    if (SameBytes(token, e.token) && !found.has_value()) found = e.grant;
  return found;
}

}  // namespace annals::internal
