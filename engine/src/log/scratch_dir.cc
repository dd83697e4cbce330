#include "log/scratch_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

struct Registry {
  absl::Mutex mu;
  std::set<std::string> in_use ABSL_GUARDED_BY(mu);
  bool closed ABSL_GUARDED_BY(mu) = false;
};

Registry& Reg() {
  static Registry* r = new Registry;  // never destroyed: used until _exit
  return *r;
}

// Removes `dir`; a RocksDB thread may still add a file while it goes, so a
// few tries.
void RemoveTree(const std::string& dir) {
  for (int i = 0; i < 5; ++i) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!ec) return;
  }
}

// Whether `dir` is provably an abandoned scratch directory; if so returns
// the fd of its lock file, locked; else -1.
int LockAbandoned(const std::string& dir) {
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) return -1;
  const std::string lock = dir + "/" + kScratchLockName;
  int fd = open(lock.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat ls, again;
  if (fstat(fd, &ls) != 0 || !S_ISREG(ls.st_mode) || ls.st_uid != getuid() ||
      flock(fd, LOCK_EX | LOCK_NB) != 0 ||
      // Still the same file in the same directory (not replaced meanwhile).
      lstat(lock.c_str(), &again) != 0 || again.st_ino != ls.st_ino ||
      again.st_dev != ls.st_dev || lstat(dir.c_str(), &again) != 0 || !S_ISDIR(again.st_mode) ||
      again.st_ino != st.st_ino) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

absl::StatusOr<ScratchDir> ScratchDir::Make(const std::string& parent,
                                            const std::string& prefix) {
  std::string tmpl = absl::StrCat(parent, "/", prefix, "XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  Registry& reg = Reg();
  absl::MutexLock l(&reg.mu);
  if (reg.closed) return absl::CancelledError("the process is ending");
  if (mkdtemp(buf.data()) == nullptr)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot make a scratch directory under ", parent));
  ScratchDir d;
  d.path_ = buf.data();
  // Locked under another name, then renamed into place: another process
  // clearing leftovers must never find the lock file unlocked while we live.
  const std::string lock = d.path_ + "/" + kScratchLockName;
  const std::string fresh = lock + ".new";
  d.lock_fd_ = open(fresh.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (d.lock_fd_ < 0 || flock(d.lock_fd_, LOCK_EX) != 0 ||
      rename(fresh.c_str(), lock.c_str()) != 0) {
    if (d.lock_fd_ >= 0) close(d.lock_fd_);
    d.lock_fd_ = -1;
    RemoveTree(d.path_);
    d.path_.clear();
    return absl::FailedPreconditionError(
        absl::StrCat("cannot lock a scratch directory under ", parent));
  }
  reg.in_use.insert(d.path_);
  return d;
}

ScratchDir::ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)), lock_fd_(o.lock_fd_) {
  o.path_.clear();
  o.lock_fd_ = -1;
}

ScratchDir& ScratchDir::operator=(ScratchDir&& o) noexcept {
  if (this != &o) {
    Release();
    path_ = std::move(o.path_);
    lock_fd_ = o.lock_fd_;
    o.path_.clear();
    o.lock_fd_ = -1;
  }
  return *this;
}

ScratchDir::~ScratchDir() { Release(); }

void ScratchDir::Release() {
  if (path_.empty()) return;
  {
    Registry& reg = Reg();
    absl::MutexLock l(&reg.mu);
    reg.in_use.erase(path_);
    RemoveTree(path_);
  }
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
  path_.clear();
}

int RemoveAbandonedScratchDirs(const std::string& parent, const std::string& prefix) {
  std::vector<std::string> candidates;
  std::error_code ec;
  for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (absl::StartsWith(it->path().filename().string(), prefix))
      candidates.push_back(it->path().string());
  int removed = 0;
  for (const std::string& dir : candidates) {
    int fd = LockAbandoned(dir);
    if (fd < 0) continue;
    RemoveTree(dir);
    close(fd);
    ++removed;
  }
  return removed;
}

void RemoveScratchDirsInUse() {
  Registry& reg = Reg();
  absl::MutexLock l(&reg.mu);
  reg.closed = true;
  for (const std::string& dir : reg.in_use) RemoveTree(dir);
  reg.in_use.clear();
}

}  // namespace annals::internal
