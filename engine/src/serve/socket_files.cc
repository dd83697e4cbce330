#include "serve/socket_files.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace annals::internal {

namespace {
constexpr char kTempSuffix[] = ".tmp";
}  // namespace

bool IsServerFile(std::string_view name) {
  return name == kSocketFile || name == kAddressFile ||
         name == std::string(kAddressFile) + kTempSuffix;
}
namespace {

constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

absl::Status Errno(std::string_view what, const std::string& path) {
  int e = errno;
  return absl::Status(e == EACCES || e == EROFS ? absl::StatusCode::kPermissionDenied
                                                 : absl::StatusCode::kUnavailable,
                      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(e)));
}

bool Writable(const std::string& dir) { return !dir.empty() && access(dir.c_str(), W_OK) == 0; }

sockaddr_un AddressOf(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());
  return a;
}

// Whether something accepts connections on the socket at `path`.
bool Live(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un a = AddressOf(path);
  bool live = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return live;
}

}  // namespace

std::string ChooseSocketPath(const std::string& store, const std::string& requested) {
  if (!requested.empty()) return requested;
  std::error_code ec;
  std::string abs = std::filesystem::absolute(store, ec).lexically_normal().string();
  if (ec) abs = store;
  std::string in_store = (std::filesystem::path(abs) / kSocketFile).string();
  if (in_store.size() <= kMaxSocketPath && Writable(abs)) return in_store;
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = xdg != nullptr && Writable(xdg) ? std::string(xdg) : "/tmp";
  return absl::StrFormat("%s/annals-%d-%016x.sock", dir, getuid(), std::hash<std::string>{}(abs));
}

absl::StatusOr<int> ListenUnix(const std::string& path, bool stale_is_ours) {
  if (path.empty() || path.size() > kMaxSocketPath)
    return absl::InvalidArgumentError(
        absl::StrCat("socket path ", path, ": longer than ", kMaxSocketPath, " bytes"));
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return absl::FailedPreconditionError(
          absl::StrCat("socket path ", path, " exists and is not a socket; not removing it"));
    if (Live(path))
      return absl::FailedPreconditionError(
          absl::StrCat("socket ", path, " is in use by another server"));
    if (!stale_is_ours)
      return absl::FailedPreconditionError(absl::StrCat(
          "socket path ", path, " holds a socket nobody listens on, not left by a server "
          "of this store; not removing it (remove it yourself if it is stale)"));
    if (unlink(path.c_str()) != 0) return Errno("removing the stale socket", path);
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("creating the socket", path);
  sockaddr_un a = AddressOf(path);
  // Not listening until it is 0600: nobody can connect in between.
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      chmod(path.c_str(), 0600) != 0 || listen(fd, 128) != 0) {
    absl::Status s = Errno("listening on", path);
    close(fd);
    return s;
  }
  return fd;
}

absl::Status WriteAddressFile(const std::string& store, const std::string& address) {
  std::string path = (std::filesystem::path(store) / kAddressFile).string();
  std::string tmp = path + kTempSuffix;
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("writing", tmp);
  std::string text = address + "\n";
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = (close(fd) == 0) && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = Errno("writing", path);
    unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

}  // namespace annals::internal
