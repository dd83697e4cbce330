// Reading the small files a server is configured with: secrets (token
// files, TLS private keys), which only their owner may read, and public
// ones (certificates).
#ifndef ANNALS_ENGINE_SRC_SERVE_PRIVATE_FILE_H_
#define ANNALS_ENGINE_SRC_SERVE_PRIVATE_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace annals::internal {

inline constexpr size_t kMaxConfigFileBytes = size_t{1} << 20;

// The text of `path` if it is a regular file of this user that its group
// and others may not read or write (checked on the open file, which is
// opened without following a symlink: no race with a rename), as ssh
// insists for keys. `what` names it in messages ("token file", "--tls-key").
// kNotFound: no file; kFailedPrecondition: any other reason, or over
// kMaxConfigFileBytes.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, const std::string& what);

// The text of `path` if it is a readable regular file of at most
// kMaxConfigFileBytes. kNotFound: no file; kFailedPrecondition otherwise.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path, const std::string& what);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_PRIVATE_FILE_H_
