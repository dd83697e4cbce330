// What the import tests (record_reader_test, import_checks_test,
// import_formats_test, gdelt_files_test) share: where the sample files
// are, reading them, splitting rows, and a fixture with a fresh store.
#ifndef ANNALS_TESTS_ENGINE_IO_IMPORT_TEST_UTIL_H_
#define ANNALS_TESTS_ENGINE_IO_IMPORT_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "annals/engine.h"
#include "annals/statement.h"
#include "annals/time.h"
#include "engine/test_util.h"
#include "gtest/gtest.h"

namespace annals::test {

// tests/data/ (samples kept in the repository) and ../shared/data/ (the
// real GDELT/ICEWS files, which tests skip without).
inline const std::string kData = std::string(ANNALS_SOURCE_DIR) + "/tests/data/";
inline const std::string kShared = std::string(ANNALS_SOURCE_DIR) + "/../shared/data/";

// A whole file's bytes ("" if it cannot be read).
inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

inline std::vector<std::string> SplitTabs(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t t = s.find('\t', start);
    out.push_back(s.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) return out;
    start = t + 1;
  }
}

inline std::string JoinTabs(const std::vector<std::string>& f) {
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) out += (i ? "\t" : "") + f[i];
  return out;
}

// The value of attribute `key`, or "<absent>".
inline std::string Attr(const Statement& s, std::string_view key) {
  for (const Attribute& a : s.attributes)
    if (a.key == key) return a.value;
  return "<absent>";
}

inline Timestamp Day(int y, int m, int d) {
  return *ParseTime(absl::StrFormat("%04d-%02d-%02d", y, m, d));
}

// A fresh store in a temporary directory (default Options), and files
// written beside it.
class ImportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    engine_.reset();
    auto e = Engine::Open((std::filesystem::path(dir_.path()) / "store").string(), Options{});
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = *std::move(e);
  }

  // Writes `text` to file `name` in the test's directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = (std::filesystem::path(dir_.path()) / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace annals::test

#endif  // ANNALS_TESTS_ENGINE_IO_IMPORT_TEST_UTIL_H_
