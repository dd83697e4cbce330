// Helpers shared by the CLI end-to-end tests: running the real binary and
// reading back what it wrote.
#ifndef ANNALS_TESTS_TOOLS_CLI_HARNESS_H_
#define ANNALS_TESTS_TOOLS_CLI_HARNESS_H_

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace annals::test {

inline const std::string kSample =
    std::string(ANNALS_SOURCE_DIR) + "/tools/samples/rare-earths-talks.jsonl";

// What one run of the binary produced.
struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Single-quotes `s` for /bin/sh.
inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

// The annals binary under test: $ANNALS_TEST_CLI when set (to run the
// tests against another build, e.g. to see a new test fail on old code),
// else the one built with the tests.
inline std::string CliPath() {
  const char* other = std::getenv("ANNALS_TEST_CLI");
  return other != nullptr && *other != '\0' ? other : ANNALS_CLI_PATH;
}

// A fixture for end-to-end CLI tests: a fresh temporary directory holding
// the store, and Run() for the real binary.
class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `annals --db <store> ARGS` (ARGS already shell-quoted as needed)
  // with `stdin_text` as standard input. Standard output goes to
  // `stdout_path` when given (e.g. "/dev/full"; Result::out is then empty).
  Result Run(const std::string& args, const std::string& stdin_text = "",
             const std::string& stdout_path = "") {
    return RunOn(db_, args, stdin_text, stdout_path);
  }

  // Run() on the store at `db`.
  Result RunOn(const std::filesystem::path& db, const std::string& args,
               const std::string& stdin_text = "", const std::string& stdout_path = "") {
    std::filesystem::path in = dir_ / "stdin";
    std::ofstream(in, std::ios::binary) << stdin_text;
    return RunShell(db, args, "", "<" + Quote(in.string()), stdout_path);
  }

  // `annals --db DB ARGS` through /bin/sh, with `before` ahead of the
  // command (a pipeline such as "cat F |", or VAR=value settings) and
  // `stdin_redirect` after it ("<FILE", or "" after a pipeline).
  Result RunShell(const std::filesystem::path& db, const std::string& args,
                  const std::string& before, const std::string& stdin_redirect,
                  const std::string& stdout_path = "") {
    std::filesystem::path out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string out_target = stdout_path.empty() ? out.string() : stdout_path;
    std::ofstream(out, std::ios::binary | std::ios::trunc);
    std::string cmd = before + " " + Quote(CliPath()) + " --db " + Quote(db.string()) + " " +
                      args + " " + stdin_redirect + " >" + Quote(out_target) + " 2>" +
                      Quote(err.string());
    int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  std::filesystem::path Write(const std::string& name, const std::string& text) {
    std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  std::filesystem::path dir_;
  std::filesystem::path db_;
};

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_CLI_HARNESS_H_
