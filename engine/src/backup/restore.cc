// Restores. The backup's newest copy is checked against its checksums
// first (BackupEngine::VerifyBackup), restored by RocksDB's BackupEngine
// into a fresh directory beside the target, checked to open at the head
// the backup recorded, and only then put in place. The target may be
// missing, an empty directory, or (with RestoreOptions::overwrite) an
// annals store and nothing else; never the backup or a directory holding
// it, and never anything else. The backup's copies of the search indexes
// go into the restored store's search/ (backup/search_copy.h).
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "annals/backup.h"
#include "annals/status.h"
#include "backup/backup_dir.h"
#include "backup/search_copy.h"
#include "model/error_kinds.h"

namespace annals {
namespace {

namespace fs = std::filesystem;

enum class Target { kMissing, kEmptyDir, kStore };

// True if a process holds the RocksDB lock of the store in `dir`.
bool InUse(const fs::path& dir) {
  int fd = ::open((dir / "LOCK").c_str(), O_RDWR);
  if (fd < 0) return false;
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  bool held = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

bool Within(const fs::path& inner, const fs::path& outer) {
  const std::string o = outer.string();
  const std::string i = inner.string();
  return i == o || absl::StartsWith(i, o == "/" ? o : o + "/");
}

absl::Status NotABackup(const fs::path& src) {
  std::error_code ec;
  if (fs::exists(src / "CURRENT", ec))
    return absl::FailedPreconditionError(absl::StrCat(
        src.string(), " is not a backup but a store (a backup made before annals used "
                      "RocksDB's BackupEngine): use it with --db, or back it up with "
                      "`annals --db DIR backup NEWDIR`"));
  return absl::FailedPreconditionError(absl::StrCat(src.string(), " is not a backup"));
}

absl::StatusOr<Target> ClassifyTarget(const fs::path& src, const fs::path& dest,
                                      const RestoreOptions& options) {
  std::error_code ec;
  // Both ways, with symlinks resolved too: never the source, never inside it.
  const fs::path real_src = fs::weakly_canonical(src, ec);
  const fs::path real_dest = fs::weakly_canonical(dest, ec);
  if (Within(src, dest) || Within(real_src, real_dest))
    return absl::InvalidArgumentError(absl::StrCat(
        "the backup ", src.string(), " lies in ", dest.string(),
        "; restore never replaces its own source"));
  if (Within(dest, src) || Within(real_dest, real_src))
    return absl::InvalidArgumentError(
        absl::StrCat(dest.string(), " lies inside the backup ", src.string()));
  const fs::file_status st = fs::symlink_status(dest, ec);
  if (!fs::exists(st)) return Target::kMissing;
  const std::string refuse =
      "; restore replaces only an annals store (with --force) or an empty directory";
  if (!fs::is_directory(st))
    return absl::AlreadyExistsError(
        absl::StrCat(dest.string(), " exists and is not a directory", refuse));
  if (fs::is_empty(dest, ec) && !ec) return Target::kEmptyDir;
  std::string odd;
  if (!internal::IsStoreOnly(dest, &odd))
    return absl::AlreadyExistsError(absl::StrCat(
        dest.string(), " is not an annals store",
        odd.empty() ? std::string() : absl::StrCat(" (", odd == "no CURRENT file" ? odd : absl::StrCat("it holds ", odd), ")"), refuse));
  if (!options.overwrite)
    return absl::AlreadyExistsError(absl::StrCat(
        dest.string(), " already holds a store; restore will not replace it "
                       "(give --force to replace it)"));
  if (InUse(dest))
    return internal::StoreInUseError(absl::StrCat(
        dest.string(), " is in use by another process; stop it before restoring over it"));
  return Target::kStore;
}

// Opens a restored store read-only to read its head (this also runs the
// engine's recovery checks, head marker against the log).
absl::StatusOr<BackupInfo> Describe(const fs::path& dir) {
  Options o;
  o.create_if_missing = false;
  o.read_only = true;
  o.builtin_projections = false;
  auto engine = Engine::Open(dir.string(), o);
  if (!engine.ok()) return engine.status();
  BackupInfo info;
  info.path = dir.string();
  info.head = (*engine)->Head();
  return info;
}

// The newest backup in `src`, checked and restored into new directory
// `staging`; its head.
absl::StatusOr<internal::NewestBackup> RestoreInto(const fs::path& src, const fs::path& staging) {
  auto reader = internal::OpenBackupReader(src);
  if (!reader.ok()) return reader.status();
  auto newest = internal::Newest(**reader, src);
  if (!newest.ok()) return newest.status();
  rocksdb::IOStatus s = (*reader)->VerifyBackup(newest->id, /*verify_with_checksum=*/true);
  if (!s.ok())
    return absl::DataLossError(absl::StrCat("backup ", src.string(), " is damaged: ",
                                            s.ToString(), "; nothing was restored"));
  s = (*reader)->RestoreDBFromBackup(newest->id, staging.string(), staging.string());
  if (!s.ok())
    return absl::DataLossError(absl::StrCat("restoring backup ", src.string(), ": ",
                                            s.ToString(), "; nothing was restored"));
  auto restored = Describe(staging);
  if (!restored.ok()) return restored.status();
  if (restored->head != newest->head)
    return absl::DataLossError(absl::StrCat("backup ", src.string(), " recorded head ",
                                            newest->head, " but holds ", restored->head));
  return newest;
}

// Puts restored directory `staging` at `dest`; an old store there (kStore)
// is swapped out atomically and then deleted.
absl::Status PutInPlace(const fs::path& staging, const fs::path& dest, Target target,
                        bool* swapped) {
  if (target == Target::kEmptyDir && ::rmdir(dest.c_str()) != 0)
    return absl::AlreadyExistsError(absl::StrCat(dest.string(), " is no longer empty: ",
                                                 std::strerror(errno)));
  if (target != Target::kStore) return internal::MoveIntoPlace(staging, dest);
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, dest.c_str(), RENAME_EXCHANGE) != 0)
    return absl::InternalError(absl::StrCat("cannot swap ", staging.string(), " and ",
                                            dest.string(), ": ", std::strerror(errno)));
  *swapped = true;
  if (auto st = internal::FsyncPath(dest.parent_path(), true); !st.ok()) return st;
  // `staging` now holds the replaced store: delete it only if it still is
  // a store and nothing else.
  std::error_code ec;
  if (internal::IsStoreOnly(staging, nullptr)) fs::remove_all(staging, ec);
  if (ec || fs::exists(staging, ec))
    return absl::InternalError(absl::StrCat("restored ", dest.string(),
                                            "; the store it replaced is left at ",
                                            staging.string()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BackupInfo> RestoreStore(const std::string& backup_dir,
                                        const std::string& store_path,
                                        const RestoreOptions& options) {
  const fs::path src = internal::Normal(backup_dir);
  const fs::path dest = internal::Normal(store_path);
  if (!internal::IsAnnalsBackup(src)) return NotABackup(src);
  auto target = ClassifyTarget(src, dest, options);
  if (!target.ok()) return target.status();
  std::error_code ec;
  if (!fs::is_directory(dest.parent_path(), ec))
    return absl::NotFoundError(
        absl::StrCat("the directory ", dest.parent_path().string(), " does not exist"));

  auto staging = internal::MakeStaging(dest, "annals-restore");
  if (!staging.ok()) return staging.status();
  bool swapped = false;
  auto newest = RestoreInto(src, *staging);
  absl::Status st = newest.status();
  if (st.ok()) st = internal::RestoreSearchIndexes(src, newest->id, *staging);
  if (st.ok()) st = PutInPlace(*staging, dest, *target, &swapped);
  if (!st.ok()) {
    if (!swapped) fs::remove_all(*staging, ec);  // ours (mkdtemp): the restored copy
    return st;
  }
  auto info = Describe(dest);
  if (!info.ok()) return info;
  info->bytes = internal::DirBytes(dest);
  info->backup_id = newest->id;
  const fs::path indexes = src / "search" / absl::StrCat(newest->id);
  for (fs::directory_iterator it(indexes, ec), end; !ec && it != end; it.increment(ec))
    info->search_indexes.push_back(it->path().filename().string());
  std::sort(info->search_indexes.begin(), info->search_indexes.end());
  return info;
}

}  // namespace annals
