// `annals verify`'s scratch directories (issue 16), through the real CLI:
// a verify killed outright leaves its annals-verify-* directory, and the
// next verify removes it, since its flock is free; directories it cannot
// prove abandoned (no lock file, lock held by a live process, a symlink)
// are left alone; SIGTERM/SIGINT during verify remove the directory and
// exit 143/130.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/child_process.h"
#include "tools/cli_harness.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

constexpr char kLock[] = "annals-scratch.lock";

std::vector<fs::path> ScratchDirs(const fs::path& parent) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(parent))
    if (e.path().filename().string().rfind("annals-verify-", 0) == 0) out.push_back(e.path());
  return out;
}

// Waits, by inotify (no polling), until a scratch directory under `parent`
// holds a RocksDB store (its CURRENT file; the old code made that too, the
// lock file comes before it); returns it, or "" if `pid` ends first.
fs::path WaitForScratchStore(const fs::path& parent, pid_t pid) {
  int in = inotify_init1(IN_CLOEXEC);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (in < 0 || pidfd < 0) return {};
  inotify_add_watch(in, parent.c_str(), IN_CREATE);
  fs::path found;
  for (;;) {
    for (const fs::path& d : ScratchDirs(parent)) {
      inotify_add_watch(in, d.c_str(), IN_CREATE);
      std::error_code ec;
      if (fs::exists(d / "CURRENT", ec)) found = d;
    }
    if (!found.empty()) break;
    pollfd fds[2] = {{in, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) break;
    if (fds[1].revents != 0) break;  // the child ended
    char buf[4096];
    (void)!read(in, buf, sizeof buf);
  }
  close(in);
  close(pidfd);
  return found;
}

// A store big enough that replaying its projections takes a while.
class VerifyScratchTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    scratch_ = dir_ / "scratch";
    fs::create_directory(scratch_);
  }

  void MakeBigStore() {
    std::ofstream out(dir_ / "big.jsonl", std::ios::binary);
    for (int i = 0; i < 60000; ++i)
      out << "{\"id\":\"s-" << i << "\",\"speaker\":\"Speaker " << i % 997
          << "\",\"targets\":[\"Target " << i % 389 << "\"],\"verb\":\"said\",\"topics\":[\"topic "
          << i % 41 << "\"],\"content\":\"statement " << i << "\",\"occurred_at\":\"20"
          << 10 + i % 15 << "-0" << 1 + i % 9 << "-1" << i % 10 << "\"}\n";
    out.close();
    Result r = Run("import " + Quote((dir_ / "big.jsonl").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Starts `annals verify --scratch-dir <scratch_>` in the background.
  Child StartVerify() {
    return Spawn({CliPath(), "--db", db_.string(), "verify", "--scratch-dir", scratch_.string()},
                 (dir_ / "verify.log").string(), false);
  }

  fs::path scratch_;
};

// Fails on the old code, which never removes a leftover.
TEST_F(VerifyScratchTest, NextVerifyRemovesTheScratchOfAKilledOne) {
  MakeBigStore();
  Child c = StartVerify();
  ASSERT_GT(c.pid, 0);
  fs::path dir = WaitForScratchStore(scratch_, c.pid);
  kill(c.pid, SIGKILL);
  int status = Wait(c);
  ASSERT_FALSE(dir.empty()) << "verify made no scratch store";
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_TRUE(fs::is_directory(dir)) << "the killed verify left nothing to clean up";

  Result again = Run("verify --scratch-dir " + Quote(scratch_.string()));
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(ScratchDirs(scratch_).empty());
}

// Fails on the old code, which leaves the scratch directory and dies by the
// signal; the CLI harness reports death by SIGTERM as 143 too, so the test
// asks for a normal exit.
TEST_F(VerifyScratchTest, SigtermDuringVerifyRemovesTheScratchAndExits143) {
  MakeBigStore();
  for (int sig : {SIGTERM, SIGINT}) {
    Child c = StartVerify();
    ASSERT_GT(c.pid, 0);
    fs::path dir = WaitForScratchStore(scratch_, c.pid);
    kill(c.pid, sig);
    int status = Wait(c);
    ASSERT_FALSE(dir.empty()) << "verify made no scratch store";
    ASSERT_TRUE(WIFEXITED(status)) << "died by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
    EXPECT_TRUE(ScratchDirs(scratch_).empty());
  }
}

// Only a provably abandoned directory goes. The "left alone" half passes on
// the old code (which removes nothing); the "abandoned" half fails there.
TEST_F(VerifyScratchTest, RemovesOnlyProvablyAbandonedDirectories) {
  Result imp = Run("import " + Quote(kSample));
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  auto make = [&](const std::string& name, bool lock_file) {
    fs::path d = scratch_ / name;
    fs::create_directory(d);
    std::ofstream(d / "keep", std::ios::binary) << "data";
    if (lock_file) std::ofstream(d / kLock, std::ios::binary);
    return d;
  };
  fs::path abandoned = make("annals-verify-dead01", true);
  fs::path no_lock = make("annals-verify-x", false);
  fs::path held = make("annals-verify-held01", true);
  int fd = open((held / kLock).c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);  // this live process holds it
  fs::path elsewhere = make("elsewhere", true);
  fs::create_directory_symlink(elsewhere, scratch_ / "annals-verify-link01");
  std::ofstream(scratch_ / "annals-verify-file", std::ios::binary) << "a file";

  Result r = Run("verify --scratch-dir " + Quote(scratch_.string()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(no_lock / "keep"));
  EXPECT_TRUE(fs::exists(held / "keep"));
  EXPECT_TRUE(fs::is_symlink(scratch_ / "annals-verify-link01"));
  EXPECT_TRUE(fs::exists(elsewhere / "keep"));
  EXPECT_TRUE(fs::exists(elsewhere / kLock));
  EXPECT_TRUE(fs::exists(scratch_ / "annals-verify-file"));
  close(fd);
}

}  // namespace
}  // namespace annals::test
