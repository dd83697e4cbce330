#include "cli/rejects_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace annals::cli {
namespace {

ImportInput::FileId IdOf(const struct stat& st) {
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

absl::Status Refuse(const std::string& path, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("refusing to write rejected rows to ", path, ": ", why));
}

// The file (or, if `path` names none yet, its directory) is `store` or lies
// below it, found by walking up the canonical path comparing inodes.
bool InsideStore(const std::string& path, const std::string& store) {
  struct stat store_st {};
  if (::stat(store.c_str(), &store_st) != 0) return false;  // no store yet
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;  // the open will say what is wrong
  for (;;) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && IdOf(st) == IdOf(store_st)) return true;
    if (!p.has_relative_path()) return false;  // at the root
    p = p.parent_path();
  }
}

// The checks on what `st` describes: the existing file at `path`.
absl::Status CheckExisting(const std::string& path, const struct stat& st,
                           const std::vector<ImportInput::FileId>& inputs) {
  if (S_ISDIR(st.st_mode)) return Refuse(path, "it is a directory");
  if (std::find(inputs.begin(), inputs.end(), IdOf(st)) != inputs.end())
    return Refuse(path, "it is an input of this import, which it would overwrite");
  if (S_ISREG(st.st_mode) && st.st_nlink > 1)
    return Refuse(path, absl::StrCat("the file has ", st.st_nlink,
                                     " hard links, and emptying it would empty them all"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RejectsFile>> RejectsFile::Open(
    const std::string& path, const std::string& store,
    const std::vector<ImportInput::FileId>& inputs) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (auto s = CheckExisting(path, st, inputs); !s.ok()) return s;
  }
  if (InsideStore(path, store))
    return Refuse(path, absl::StrCat("it lies inside the store ", store,
                                     "; give a path outside it"));
  // No O_TRUNC: the file is emptied only once the checks hold for the very
  // file opened, whatever was renamed meanwhile.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write rejected rows to ", path, ": ", std::strerror(errno)));
  absl::Status checked = ::fstat(fd, &st) == 0 ? CheckExisting(path, st, inputs)
                                                : absl::InvalidArgumentError("fstat failed");
  if (checked.ok() && S_ISREG(st.st_mode) && ::ftruncate(fd, 0) != 0)
    checked = absl::InvalidArgumentError(
        absl::StrCat("cannot empty ", path, ": ", std::strerror(errno)));
  std::FILE* f = checked.ok() ? ::fdopen(fd, "wb") : nullptr;
  if (f == nullptr) {
    ::close(fd);
    if (checked.ok()) checked = absl::InternalError("fdopen failed");
    return checked;
  }
  return std::unique_ptr<RejectsFile>(new RejectsFile(path, f));
}

RejectsFile::~RejectsFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void RejectsFile::Write(std::string_view row) {
  if (failed_ || file_ == nullptr) return;
  failed_ = std::fwrite(row.data(), 1, row.size(), file_) != row.size() ||
            std::fputc('\n', file_) == EOF;
}

absl::Status RejectsFile::Close() {
  if (file_ != nullptr) {
    failed_ = std::fclose(file_) != 0 || failed_;
    file_ = nullptr;
  }
  if (failed_) return absl::UnavailableError(absl::StrCat("write error on ", path_));
  return absl::OkStatus();
}

}  // namespace annals::cli
