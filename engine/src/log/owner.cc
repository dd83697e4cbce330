#include "log/owner.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>
#include <string_view>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "annals/time.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

// This process's command line, arguments joined by spaces, cut to a length
// fit for a one-line message.
std::string CommandLine() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  std::string out;
  for (char c : raw) out.push_back(c == '\0' || c == '\n' ? ' ' : c);
  // Show the program by its name, not its full path.
  size_t end = out.find(' ');
  size_t slash = out.rfind('/', end == std::string::npos ? out.size() : end);
  if (slash != std::string::npos) out.erase(0, slash + 1);
  constexpr size_t kMax = 160;
  if (out.size() > kMax) out = out.substr(0, kMax - 3) + "...";
  return out.empty() ? "unknown command" : out;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown host";
  return buf;
}

// The stores this process holds open for writing (canonical paths).
absl::Mutex held_mu(absl::kConstInit);
std::set<std::string>& HeldStores() ABSL_EXCLUSIVE_LOCKS_REQUIRED(held_mu) {
  static auto* held = new std::set<std::string>();
  return *held;
}

std::string Canonical(const std::string& store) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(store, ec);
  return ec ? store : p.string();
}

bool LockedByAnotherProcess(const std::string& store) {
  int fd = ::open((fs::path(store) / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  bool held = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

}  // namespace

bool StoreLockHeld(const std::string& store) {
  {
    absl::MutexLock lock(&held_mu);
    if (HeldStores().count(Canonical(store))) return true;
  }
  return LockedByAnotherProcess(store);
}

void WriteOwnerRecord(const std::string& store) {
  {
    absl::MutexLock lock(&held_mu);
    HeldStores().insert(Canonical(store));
  }
  // Written to a temporary name and renamed, so a reader never sees half.
  const fs::path final_path = fs::path(store) / kOwnerFile;
  const fs::path tmp = fs::path(store) / absl::StrCat(kOwnerFile, ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "pid " << getpid() << "\n"
        << "host " << HostName() << "\n"
        << "since " << FormatTime(Now()) << "\n"
        << "command " << CommandLine() << "\n";
    if (!out) return;
  }
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
}

void RemoveOwnerRecord(const std::string& store) {
  {
    absl::MutexLock lock(&held_mu);
    HeldStores().erase(Canonical(store));
  }
  const fs::path p = fs::path(store) / kOwnerFile;
  std::ifstream in(p);
  std::string key;
  long pid = 0;
  if (in >> key >> pid && key == "pid" && pid == getpid()) {
    std::error_code ec;
    fs::remove(p, ec);
  }
}

std::string DescribeOwner(const std::string& store) {
  std::ifstream in(fs::path(store) / kOwnerFile);
  std::string line, pid, host, since, command;
  while (std::getline(in, line)) {
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    std::string_view key(line.data(), sp);
    std::string value = line.substr(sp + 1);
    if (key == "pid") pid = value;
    if (key == "host") host = value;
    if (key == "since") since = value;
    if (key == "command") command = value;
  }
  int64_t n = 0;
  if (pid.empty() || !absl::SimpleAtoi(pid, &n) || n <= 0)
    return "another process holds its lock";
  // A record left by a process that died without closing the store names
  // no one; only trust it when that pid is alive on this host.
  if (host == HostName() && kill(static_cast<pid_t>(n), 0) != 0 && errno == ESRCH)
    return "another process holds its lock";
  std::string out = absl::StrCat("pid ", pid, " (", command, ")");
  if (!host.empty() && host != HostName()) absl::StrAppend(&out, " on host ", host);
  absl::StrAppend(&out, " has held it since ", since);
  return out;
}

}  // namespace annals::internal
