// Scratch directories that a later process can prove abandoned.
//
// A scratch directory holds a lock file (kScratchLockName) on which its
// maker holds an exclusive flock for as long as it is in use. The kernel
// drops the lock when the process dies, however it dies, so a directory
// whose lock can be taken is one nobody uses any more. The lock file is
// locked before it gets its name; a process killed in the instant between
// mkdtemp and that leaves a directory nobody can prove abandoned, which
// therefore stays.
#ifndef ANNALS_ENGINE_SRC_LOG_SCRATCH_DIR_H_
#define ANNALS_ENGINE_SRC_LOG_SCRATCH_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace annals::internal {

inline constexpr char kScratchLockName[] = "annals-scratch.lock";

// A fresh directory `parent`/`prefix`XXXXXX (mkdtemp), its lock file made
// and locked. Registered (for RemoveScratchDirsInUse) until destroyed;
// destroying it removes the directory, lock held until the end.
class ScratchDir {
 public:
  static absl::StatusOr<ScratchDir> Make(const std::string& parent, const std::string& prefix);
  ScratchDir() = default;
  ScratchDir(ScratchDir&& o) noexcept;
  ScratchDir& operator=(ScratchDir&& o) noexcept;
  ~ScratchDir();

  const std::string& path() const { return path_; }

 private:
  void Release();
  std::string path_;
  int lock_fd_ = -1;
};

// Removes each `parent`/`prefix`* that is provably abandoned: a real
// directory (not a symlink) owned by this user, holding a regular lock file
// whose flock is free (taken with LOCK_NB and held during removal).
// Anything else is left alone. Returns how many were removed.
int RemoveAbandonedScratchDirs(const std::string& parent, const std::string& prefix);

// Removes every ScratchDir of this process still in use, and makes later
// Make calls fail. For a signal-handling thread about to end the process;
// safe to call from any thread (not from a signal handler).
void RemoveScratchDirsInUse();

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_SCRATCH_DIR_H_
