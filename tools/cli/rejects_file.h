// The file `import --rejects` writes the rejected rows to, opened only
// where it cannot destroy what the user did not name: never an input file
// (which it would truncate before reading it), never a file in the store.
#ifndef ANNALS_TOOLS_CLI_REJECTS_FILE_H_
#define ANNALS_TOOLS_CLI_REJECTS_FILE_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/import.h"

namespace annals::cli {

// Opens `path` for writing: a new file is created, an existing ordinary
// file is emptied -- unless it is one of `inputs` (the same device and
// inode, through any name or link), lies inside the store directory
// `store`, or has other hard links (emptying it would empty them too).
// Those are refused with kInvalidArgument before anything is created or
// truncated. The caller closes the stream.
absl::StatusOr<std::FILE*> OpenRejectsFile(const std::string& path, const std::string& store,
                                           const std::vector<ImportInput::FileId>& inputs);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_REJECTS_FILE_H_
