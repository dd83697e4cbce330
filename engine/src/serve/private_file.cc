#include "serve/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace annals::internal {
namespace {

// What is wrong with the open file `st` describes for a secret, or OK.
absl::Status CheckPrivate(const struct stat& st, const std::string& path,
                          const std::string& what) {
  if (st.st_uid != geteuid())
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " belongs to another user (uid ", st.st_uid, ")"));
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return absl::FailedPreconditionError(absl::StrCat(
        what, " ", path, " is open to its group or others (mode ",
        absl::StrFormat("%03o", st.st_mode & 0777), "); chmod 600 it"));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& what,
                                     bool secret) {
  if (path.find('\0') != path.npos)
    return absl::InvalidArgumentError(absl::StrCat(what, ": a path with a NUL byte"));
  // Not blocking: a FIFO must not hold the open (it is refused below).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(what, " ", path, ": ", why));
    return absl::FailedPreconditionError(absl::StrCat(what, " ", path, ": ", why));
  }
  struct stat st;
  absl::Status bad;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    bad = absl::FailedPreconditionError(absl::StrCat(what, " ", path, ": not a regular file"));
  else if (secret)
    bad = CheckPrivate(st, path, what);
  std::string text;
  // One allocation for a file that is what it says: no copies of a secret
  // left behind by growing.
  if (bad.ok() && st.st_size > 0 && static_cast<size_t>(st.st_size) <= kMaxConfigFileBytes)
    text.reserve(static_cast<size_t>(st.st_size) + 1);
  char buf[4096];
  for (ssize_t n; bad.ok() && (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || text.size() + static_cast<size_t>(n) > kMaxConfigFileBytes)
      bad = absl::FailedPreconditionError(
          absl::StrCat(what, " ", path, n < 0 ? ": read error" : ": over 1 MiB"));
    else
      text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  OPENSSL_cleanse(buf, sizeof buf);
  if (!bad.ok()) {
    OPENSSL_cleanse(text.data(), text.size());
    return bad;
  }
  return text;
}

}  // namespace

absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, const std::string& what) {
  return ReadFile(path, what, true);
}

absl::StatusOr<std::string> ReadConfigFile(const std::string& path, const std::string& what) {
  return ReadFile(path, what, false);
}

}  // namespace annals::internal
