// Running the real CLI binary as a child process that a test can kill, with
// an extra pipe on file descriptor 3 (for `import --progress-fd 3`).
#ifndef ANNALS_TESTS_TOOLS_CHILD_PROCESS_H_
#define ANNALS_TESTS_TOOLS_CHILD_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace annals::test {

struct Child {
  pid_t pid = -1;
  int fd3 = -1;  // read end of the child's fd 3; -1 if none
};

// Starts `args[0]` with `args[1..]`, stdout and stderr to `log_path` (or
// /dev/null when empty), and, if `with_fd3`, a pipe on its fd 3.
inline Child Spawn(const std::vector<std::string>& args, const std::string& log_path,
                   bool with_fd3) {
  Child c;
  int fds[2] = {-1, -1};
  if (with_fd3 && pipe(fds) != 0) return c;
  // Everything is prepared before fork: after it, only async-signal-safe
  // calls until exec.
  std::vector<std::string> store = args;
  std::vector<char*> argv;
  for (auto& s : store) argv.push_back(s.data());
  argv.push_back(nullptr);
  int log = open(log_path.empty() ? "/dev/null" : log_path.c_str(),
                 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid == 0) {
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    if (with_fd3) {
      close(fds[0]);
      if (fds[1] != 3) {
        dup2(fds[1], 3);
        close(fds[1]);
      }
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (log >= 0) close(log);
  if (with_fd3) {
    close(fds[1]);
    c.fd3 = fds[0];
  }
  c.pid = pid;
  return c;
}

// Reads the child's fd 3 until it closes (the child has exited or died).
inline std::string DrainFd3(Child& c) {
  std::string out;
  if (c.fd3 < 0) return out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(c.fd3, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  close(c.fd3);
  c.fd3 = -1;
  return out;
}

// Waits for the child; returns its wait status.
inline int Wait(const Child& c) {
  int status = 0;
  while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_CHILD_PROCESS_H_
