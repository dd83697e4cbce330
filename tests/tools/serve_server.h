// A real `annals serve` process for tests (tests/tools/serve_*_test.cc).
#ifndef ANNALS_TESTS_TOOLS_SERVE_SERVER_H_
#define ANNALS_TESTS_TOOLS_SERVE_SERVER_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
    else if (line.rfind("tcp:", 0) == 0 || line.rfind("tls:", 0) == 0) s.tcp = line;
    else if (s.address.empty()) s.address = line;
  }
  close(s.child.fd3);
  s.child.fd3 = -1;
  return s;
}

// Stops it with SIGTERM; returns its exit code (-1 if killed by a signal).
inline int StopServer(const Server& s) {
  kill(s.child.pid, SIGTERM);
  int status = Wait(s.child);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_SERVE_SERVER_H_
