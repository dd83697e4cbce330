// The files a server keeps while it serves: its Unix socket and the
// address file in the store (annals/server.h says where and why).
#ifndef ANNALS_ENGINE_SRC_SERVE_SOCKET_FILES_H_
#define ANNALS_ENGINE_SRC_SERVE_SOCKET_FILES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace annals::internal {

inline constexpr char kAddressFile[] = "annals.server";
inline constexpr char kSocketFile[] = "annals.sock";  // the default socket

// Whether `name`, in a store directory, is a file a server keeps there
// (its socket, its address file and that file's temporary): not data, so
// never backed up or restored, and no reason to call a directory not a
// store (backup/backup_dir.cc).
bool IsServerFile(std::string_view name);

// `requested` if given, else STORE/annals.sock, else (too long for
// sockaddr_un, or the store's directory not writable) a per-store name
// under $XDG_RUNTIME_DIR or /tmp.
std::string ChooseSocketPath(const std::string& store, const std::string& requested);

// A listening Unix socket at `path`, mode 0600 before it accepts anything.
// A stale socket there (nobody accepts on it) is replaced only when
// `stale_is_ours` (a path the server chose itself, or the one a killed
// server of this store recorded); otherwise, like a live socket or a file
// of another type, it is kFailedPrecondition and left alone.
absl::StatusOr<int> ListenUnix(const std::string& path, bool stale_is_ours);

// Writes STORE/annals.server (atomically: a temporary file renamed).
absl::Status WriteAddressFile(const std::string& store, const std::string& address);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_SOCKET_FILES_H_
