// Helpers shared by the CLI end-to-end tests: running the real binary and
// reading back what it wrote.
#ifndef ANNALS_TESTS_TOOLS_CLI_HARNESS_H_
#define ANNALS_TESTS_TOOLS_CLI_HARNESS_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_CLI_HARNESS_H_
