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
// and others may not read or write, as ssh insists for keys. Checked on the
// open file (no race with a rename; a symlink is followed, as certbot's
// live/*/privkey.pem are, and the file it names is checked). A FIFO or
// device is refused without blocking. `what` names it in messages ("token
// file", "--tls-key"). kNotFound: no file; kInvalidArgument: a path with
// a NUL byte; kFailedPrecondition: any other reason, or over
// kMaxConfigFileBytes.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, const std::string& what);

// The text of `path` if it is a readable regular file of at most
// kMaxConfigFileBytes (as ReadPrivateFile, without the owner and mode).
// kNotFound: no file; kInvalidArgument: a NUL byte in the path;
// kFailedPrecondition otherwise.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path, const std::string& what);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_PRIVATE_FILE_H_
