#include "serve/tokens.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

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

// The file's text, if it is a regular file of this user that no one else
// may read or write (checked on the open file: no race with a rename).
absl::StatusOr<std::string> ReadPrivate(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("token file ", path, ": ", why));
    return absl::FailedPreconditionError(absl::StrCat("token file ", path, ": ", why));
  }
  struct stat st;
  absl::Status bad;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    bad = absl::FailedPreconditionError(absl::StrCat("token file ", path, ": not a regular file"));
  else if (st.st_uid != geteuid())
    bad = absl::FailedPreconditionError(
        absl::StrCat("token file ", path, " belongs to another user (uid ", st.st_uid, ")"));
  else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    bad = absl::FailedPreconditionError(absl::StrCat(
        "token file ", path, " is open to its group or others (mode ",
        absl::StrFormat("%03o", st.st_mode & 0777), "); chmod 600 it"));
  std::string text;
  char buf[4096];
  for (ssize_t n; bad.ok() && (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || text.size() + static_cast<size_t>(n) > Tokens::kMaxFileBytes)
      bad = absl::FailedPreconditionError(absl::StrCat(
          "token file ", path, n < 0 ? ": read error" : ": over 1 MiB"));
    else
      text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!bad.ok()) return bad;
  return text;
}

}  // namespace

absl::StatusOr<Tokens> Tokens::Load(const std::string& path) {
  auto text = ReadPrivate(path);
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
