// The file `import --rejects` writes the rejected rows to, opened only
// where it cannot destroy what the user did not name: never an input file
// (which it would truncate before reading it), never a file in the store.
#ifndef ANNALS_TOOLS_CLI_REJECTS_FILE_H_
#define ANNALS_TOOLS_CLI_REJECTS_FILE_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/import.h"

namespace annals::cli {

class RejectsFile {
 public:
  // Opens `path` for writing: a new file is created, an existing ordinary
  // file is emptied -- unless it is one of `inputs` (the same device and
  // inode, through any name or link), lies inside the store directory
  // `store`, or has other hard links (emptying it would empty them too).
  // Those are refused with kInvalidArgument before anything is created or
  // truncated.
  static absl::StatusOr<std::unique_ptr<RejectsFile>> Open(
      const std::string& path, const std::string& store,
      const std::vector<ImportInput::FileId>& inputs);
  ~RejectsFile();

  // Appends `row` and a newline; a write error is kept for Close.
  void Write(std::string_view row);

  // Closes the file: kUnavailable (a storage error, exit 2) if a write or
  // the close failed.
  absl::Status Close();

 private:
  RejectsFile(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::FILE* file_;
  bool failed_ = false;
};

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_REJECTS_FILE_H_
