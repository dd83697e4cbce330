// Backup and restore. Online backups of an open engine are RocksDB
// checkpoints; a read-only engine's view (such as one of a store another
// process holds) is copied record by record and checked; restores copy files (hard-linking the immutable
// SST files where possible) into a sibling directory and rename it into
// place, so a failed restore leaves nothing half-made under the store path.
#include "annals/backup.h"
#include "annals/verify.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "annals/status.h"
#include "facade/services.h"
#include "model/error_kinds.h"
#include "model/sv.h"

namespace annals {
namespace {

namespace fs = std::filesystem;

uint64_t DirBytes(const std::string& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  return bytes;
}

absl::Status CheckNew(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec))
    return absl::AlreadyExistsError(
        absl::StrCat(dir, " already exists; a backup goes into a new directory"));
  fs::path parent = fs::absolute(dir, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    return absl::NotFoundError(
        absl::StrCat("the directory ", parent.string(), " does not exist"));
  return absl::OkStatus();
}

// Opens a finished backup or restored store to read back its head; this
// also runs the engine's recovery checks (head marker against the log).
absl::StatusOr<BackupInfo> Describe(const std::string& dir) {
  Options o;
  o.create_if_missing = false;
  o.read_only = true;
  o.builtin_projections = false;
  auto engine = Engine::Open(dir, o);
  if (!engine.ok()) return engine.status();
  BackupInfo info;
  info.path = dir;
  info.head = (*engine)->Head();
  engine->reset();
  info.bytes = DirBytes(dir);
  return info;
}

// Verifies a copy in full. A read-only view opened while the other process
// ingests a projection batch (a rebuild's, or a live one's during an
// import) can hold the batch's checkpoint without all of its data: seen
// with RocksDB 7.8, so such a copy is taken again.
absl::Status CheckCopy(const std::string& dir) {
  VerifyOptions vo;
  vo.max_problems = 1;
  auto report = VerifyStore(dir, vo);
  if (!report.ok()) return report.status();
  if (report->problem_count == 0) return absl::OkStatus();
  const VerifyProblem& p = report->problems.front();
  return absl::DataLossError(absl::StrCat("the copy does not hold together (",
                                          report->problem_count, " problems; first: ",
                                          p.subject, ": ", p.detail, ")"));
}

absl::Status FsyncPath(const fs::path& p, bool dir) {
  int fd = ::open(p.c_str(), dir ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0)
    return absl::InternalError(absl::StrCat("cannot open ", p.string(), ": ", std::strerror(errno)));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0)
    return absl::InternalError(absl::StrCat("cannot sync ", p.string(), ": ", std::strerror(err)));
  return absl::OkStatus();
}

// Copies the files of store directory `from` into new directory `to`:
// SST files (immutable once written) as hard links when possible, the rest
// as copies; everything fsynced.
absl::Status CopyStoreFiles(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directory(to, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", to.string(), ": ", ec.message()));
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const fs::path name = entry.path().filename();
    if (name == "LOCK" || name.string().starts_with("LOG")) continue;  // per-process
    fs::path target = to / name;
    bool linked = false;
    if (name.extension() == ".sst") {
      fs::create_hard_link(entry.path(), target, ec);
      linked = !ec;
    }
    if (!linked) {
      fs::copy_file(entry.path(), target, ec);
      if (ec)
        return absl::InternalError(absl::StrCat("cannot copy ", entry.path().string(), ": ",
                                                ec.message()));
    }
    if (auto st = FsyncPath(target, false); !st.ok()) return st;
  }
  if (ec) return absl::InternalError(absl::StrCat("cannot read ", from.string(), ": ", ec.message()));
  return FsyncPath(to, true);
}

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

// Backs up a read-only engine: its view, copied record by record beside
// `dir`, checked, then moved into place.
absl::StatusOr<BackupInfo> CopyView(const internal::EngineServices& services,
                                    const std::string& dir) {
  const std::string partial = dir + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);
  absl::Status st = services.WriteBackup(partial);
  if (st.ok()) st = CheckCopy(partial);
  absl::StatusOr<BackupInfo> info =
      st.ok() ? Describe(partial) : absl::StatusOr<BackupInfo>(st);
  if (!info.ok()) {
    fs::remove_all(partial, ec);
    return info.status();
  }
  fs::rename(partial, dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot rename ", partial, ": ", ec.message()));
  if (auto st = FsyncPath(fs::absolute(dir).parent_path(), true); !st.ok()) return st;
  info->path = dir;
  return info;
}

}  // namespace

absl::StatusOr<BackupInfo> Backup(const Engine& engine, const std::string& dir) {
  internal::EngineServices* services = internal::ServicesOf(engine);
  if (services == nullptr) return absl::FailedPreconditionError("not an engine this library opened");
  if (auto st = CheckNew(dir); !st.ok()) return st;
  if (services->read_only()) return CopyView(*services, dir);
  std::error_code ec;
  std::string abs = fs::absolute(dir, ec).lexically_normal().string();
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  if (auto st = services->WriteBackup(abs); !st.ok()) return st;
  return Describe(dir);
}

absl::StatusOr<BackupInfo> BackupStore(const std::string& store_path,
                                       const std::string& dir) {
  if (auto st = CheckNew(dir); !st.ok()) return st;
  Options o;
  o.create_if_missing = false;
  auto engine = Engine::Open(store_path, o);
  if (engine.ok()) return Backup(**engine, dir);
  if (!IsStoreInUse(engine.status())) return engine.status();

  // Held by another process: back up a read-only view of it, taken again
  // (a new view) if the copy does not hold together.
  o.read_only = true;
  o.builtin_projections = false;  // the copy takes every record as it is
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto view = Engine::Open(store_path, o);
    if (!view.ok()) return view.status();
    auto info = Backup(**view, dir);
    if (info.ok()) return info;
    last = info.status();
  }
  return last;
}

absl::StatusOr<BackupInfo> RestoreStore(const std::string& backup_dir,
                                        const std::string& store_path,
                                        const RestoreOptions& options) {
  std::error_code ec;
  if (!fs::exists(fs::path(backup_dir) / "CURRENT", ec))
    return absl::FailedPreconditionError(
        absl::StrCat(backup_dir, " is not a backup (no store there)"));
  if (auto source = Describe(backup_dir); !source.ok())
    return absl::Status(source.status().code(),
                        absl::StrCat("backup ", backup_dir, ": ", source.status().message()));
  const fs::path dest = fs::absolute(store_path, ec).lexically_normal();
  const bool occupied = fs::exists(dest, ec) && !(fs::is_directory(dest, ec) && fs::is_empty(dest, ec));
  if (occupied && !options.overwrite)
    return absl::AlreadyExistsError(absl::StrCat(
        store_path, " already exists and is not empty; restore will not replace it "
                    "(give --force to replace it)"));
  if (occupied && InUse(dest))
    return internal::StoreInUseError(absl::StrCat(
        store_path, " is in use by another process; stop it before restoring over it"));
  if (fs::equivalent(fs::absolute(backup_dir, ec), dest, ec))
    return absl::InvalidArgumentError("the backup and the store are the same directory");

  // Copy beside the destination, then swap it in.
  fs::path staging = dest;
  staging += absl::StrCat(".restoring-", getpid());
  fs::remove_all(staging, ec);
  if (auto st = CopyStoreFiles(backup_dir, staging); !st.ok()) {
    fs::remove_all(staging, ec);
    return st;
  }
  if (occupied || fs::exists(dest, ec)) {
    fs::remove_all(dest, ec);
    if (ec)
      return absl::InternalError(absl::StrCat("cannot remove ", dest.string(), ": ",
                                              ec.message(), " (the restored copy is at ",
                                              staging.string(), ")"));
  }
  fs::rename(staging, dest, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot rename ", staging.string(), " to ",
                                            dest.string(), ": ", ec.message()));
  if (auto st = FsyncPath(dest.parent_path(), true); !st.ok()) return st;
  return Describe(store_path);
}

}  // namespace annals
