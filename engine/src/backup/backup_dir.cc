#include "backup/backup_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "log/owner.h"
#include "serve/socket_files.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

absl::Status Errno(const std::string& what, const fs::path& p, int err) {
  return absl::InternalError(absl::StrCat(what, " ", p.string(), ": ", std::strerror(err)));
}

// The names RocksDB gives the files of a database directory, and annals's.
bool IsRocksDbFile(std::string_view name) {
  // annals's own: the record of who holds the store (log/owner.h).
  if (name == kOwnerFile || name == std::string(kOwnerFile) + ".tmp") return true;
  // A server's socket and address file (a killed server leaves them).
  if (IsServerFile(name)) return true;
  for (std::string_view exact : {"CURRENT", "IDENTITY", "LOCK", "LOG"})
    if (name == exact) return true;
  for (std::string_view prefix : {"LOG.old.", "MANIFEST-", "OPTIONS-"})
    if (name.starts_with(prefix)) return true;
  for (std::string_view suffix : {".sst", ".log", ".blob", ".dbtmp"})
    if (name.ends_with(suffix) && name.size() > suffix.size()) {
      std::string_view stem = name.substr(0, name.size() - suffix.size());
      if (stem.find_first_not_of("0123456789") == std::string_view::npos) return true;
    }
  return false;
}

}  // namespace

fs::path Normal(const std::string& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec).lexically_normal();
  std::string s = abs.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return fs::path(s);
}

bool IsAnnalsBackup(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / kBackupMarker, ec) && fs::is_directory(dir / "meta", ec);
}

bool IsStoreOnly(const fs::path& dir, std::string* odd) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || fs::is_symlink(dir, ec)) return false;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // "bulk": ingestion's scratch files; "search": the full-text indexes.
    const bool ours = it->is_directory(ec) && !it->is_symlink(ec)
                          ? name == "bulk" || name == "search"
                          : IsRocksDbFile(name);
    if (!ours) {
      if (odd != nullptr) *odd = name;
      return false;
    }
  }
  if (ec) return false;
  if (!fs::is_regular_file(dir / "CURRENT", ec)) {
    if (odd != nullptr) *odd = "no CURRENT file";
    return false;
  }
  return true;
}

absl::StatusOr<fs::path> MakeStaging(const fs::path& target, std::string_view tag) {
  std::string tmpl =
      (target.parent_path() / absl::StrCat(".", target.filename().string(), ".", std::string(tag), "-XXXXXX"))
          .string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return Errno("cannot create a directory beside", target, errno);
  return fs::path(buf.data());
}

absl::Status FsyncPath(const fs::path& p, bool dir) {
  int fd = ::open(p.c_str(), dir ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return Errno("cannot open", p, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Errno("cannot sync", p, err);
  return absl::OkStatus();
}

uint64_t DirBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  return bytes;
}

absl::Status WriteMarker(const fs::path& dir) {
  const fs::path marker = dir / kBackupMarker;
  {
    std::ofstream out(marker, std::ios::binary | std::ios::trunc);
    out << "annals backup: RocksDB BackupEngine directory; restore with `annals restore`\n";
    out.flush();
    if (!out) return Errno("cannot write", marker, errno);
  }
  if (auto st = FsyncPath(marker, false); !st.ok()) return st;
  return FsyncPath(dir, true);
}

absl::Status MoveIntoPlace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    const int err = errno;
    if (err == EEXIST)
      return absl::AlreadyExistsError(absl::StrCat(to.string(), " appeared meanwhile; ",
                                                   from.string(), " holds the result"));
    return Errno(absl::StrCat("cannot rename ", from.string(), " to"), to, err);
  }
  return FsyncPath(to.parent_path(), true);
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackupReader(
    const fs::path& dir) {
  rocksdb::BackupEngineOptions bo(dir.string());
  bo.share_table_files = true;
  bo.share_files_with_checksum = true;
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(bo, rocksdb::Env::Default(), &raw);
  if (!s.ok())
    return absl::DataLossError(
        absl::StrCat("backup ", dir.string(), " cannot be read: ", s.ToString()));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

absl::StatusOr<NewestBackup> Newest(const rocksdb::BackupEngineReadOnly& reader,
                                    const fs::path& dir) {
  rocksdb::BackupInfo info;
  rocksdb::Status s = reader.GetLatestBackupInfo(&info);
  if (!s.ok())
    return absl::DataLossError(
        absl::StrCat("backup ", dir.string(), " holds no usable backup: ", s.ToString()));
  NewestBackup out;
  out.id = info.backup_id;
  out.bytes = info.size;
  const std::string& m = info.app_metadata;
  auto [end, err] = std::from_chars(m.data(), m.data() + m.size(), out.head);
  if (err != std::errc() || end != m.data() + m.size())
    return absl::DataLossError(absl::StrCat("backup ", dir.string(), " ", info.backup_id,
                                            " does not record its head"));
  return out;
}

}  // namespace annals::internal
