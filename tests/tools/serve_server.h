// A real `annals serve` process for tests (tests/tools/serve_*_test.cc).
#ifndef ANNALS_TESTS_TOOLS_SERVE_SERVER_H_
#define ANNALS_TESTS_TOOLS_SERVE_SERVER_H_

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <string>
#include <vector>

#include "tools/child_process.h"
#include "tools/cli_harness.h"

namespace annals::test {

// Starts `annals --db DB serve --ready-fd 3` and waits for its readiness
// lines (the address; with --http or --listen, theirs) on the pipe: no
// sleeping, no polling.
struct Server {
  Child child;
  std::string address;
  std::string http;  // with --http: its address ("http://127.0.0.1:PORT")
  std::string tcp;   // with --listen: its address ("tcp:127.0.0.1:PORT", "tls:...")
  std::string https;  // with --https: its address ("https://0.0.0.0:PORT")
  std::string log;
};

inline Server StartServer(const std::filesystem::path& db, const std::filesystem::path& log,
                   const std::vector<std::string>& flags = {}) {
  Server s;
  s.log = log.string();
  std::vector<std::string> args = {CliPath(), "--db", db.string(), "serve", "--create",
                                   "--ready-fd", "3"};
  args.insert(args.end(), flags.begin(), flags.end());
  s.child = Spawn(args, s.log, true);
  // The server writes its lines and closes the pipe (or exits).
  std::string ready;
  char c;
  while (read(s.child.fd3, &c, 1) == 1) ready += c;
  for (const std::string& line : Lines(ready)) {
    if (line.rfind("http://", 0) == 0) s.http = line;
    else if (line.rfind("https://", 0) == 0) s.https = line;
    else if (line.rfind("tcp:", 0) == 0 || line.rfind("tls:", 0) == 0) s.tcp = line;
    else if (s.address.empty()) s.address = line;
  }
  close(s.child.fd3);
  s.child.fd3 = -1;
  return s;
}

// A TCP connection to 127.0.0.1 at the port `address` ends with
// ("tcp:127.0.0.1:PORT"), that sends nothing; -1 on failure.
inline int ConnectRaw(const std::string& address) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1))));
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  if (fd >= 0) close(fd);
  return -1;
}

// Whether the server closes `fd` (end of file or a reset) before it sends
// anything; a read waits at most 60 seconds, so that a test fails rather
// than hangs.
inline bool ClosedByServer(int fd) {
  timeval limit{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char c;
  const ssize_t n = read(fd, &c, 1);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

// Stops it with SIGTERM; returns its exit code (-1 if killed by a signal).
inline int StopServer(const Server& s) {
  kill(s.child.pid, SIGTERM);
  int status = Wait(s.child);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_SERVE_SERVER_H_
