// A full disk (issue 16.9), end to end with the real CLI on a small tmpfs:
// an import into it must end with exit 2 and "No space left on device"
// (RocksDB 7.8.3's own info log used to abort the process with
// "Assertion 'sync_without_flush_called_' failed"), keep every line it
// reported durable, and finish once space is freed. Needs mount
// permission (CI runs as root); skips with a message otherwise.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "annals/engine.h"
#include "annals/verify.h"
#include "tools/cli_harness.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

constexpr int kLines = 30000;

std::string Id(int i) { return "disk-" + std::to_string(i); }

void WriteCorpus(const fs::path& path) {
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < kLines; ++i)
    out << "{\"id\":\"" << Id(i) << "\",\"speaker\":\"Speaker " << i % 97
        << "\",\"targets\":[\"Target " << i % 31 << "\"],\"verb\":\"said\",\"content\":\""
        << std::string(300, 'y') << " " << i << "\",\"occurred_at\":\"2021-02-0"
        << 1 + i % 9 << "\"}\n";
}

uint64_t LastDurableLine(const std::string& reports) {
  uint64_t best = 0;
  for (absl::string_view line : absl::StrSplit(reports, '\n'))
    for (absl::string_view field : absl::StrSplit(line, ' ')) {
      uint64_t v = 0;
      if (absl::ConsumePrefix(&field, "line=") && absl::SimpleAtoi(field, &v))
        best = std::max(best, v);
    }
  return best;
}

class CliFullDiskTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    mnt_ = dir_ / "mnt";
    fs::create_directory(mnt_);
    if (mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=6m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                   << "); the full-disk test needs mount permission";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount(mnt_.c_str());
    CliFixture::TearDown();
  }
  bool Grow() {
    return mount("tmpfs", mnt_.c_str(), "tmpfs", MS_REMOUNT, "size=512m") == 0;
  }
  fs::path mnt_;
  bool mounted_ = false;
};

TEST_F(CliFullDiskTest, FullDiskIsExit2KeepsDurableLinesAndImportResumes) {
  const fs::path input = dir_ / "input.jsonl";
  WriteCorpus(input);
  const fs::path store = mnt_ / "store";
  const fs::path reports = dir_ / "durable";
  Result r = RunOn(store, "import " + Quote(input.string()) +
                              " --progress-fd 3 --progress-every 65536 3>" +
                              Quote(reports.string()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Assertion"), std::string::npos) << r.err;
  const uint64_t durable = LastDurableLine(ReadFile(reports));

  ASSERT_TRUE(Grow()) << std::strerror(errno);
  {
    Options o;
    auto engine = Engine::Open(store.string(), o);
    ASSERT_TRUE(engine.ok()) << engine.status();
    for (uint64_t line = 1; line <= durable; ++line)
      ASSERT_TRUE((*engine)->FindById(Id(static_cast<int>(line - 1))).ok())
          << "line " << line << " was reported durable (up to " << durable << ")";
  }
  auto report = VerifyStore(store.string());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0].detail);

  r = RunOn(store, "import " + Quote(input.string()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = RunOn(store, "stats --format jsonl");
  EXPECT_NE(r.out.find("\"events\":" + std::to_string(kLines)), std::string::npos) << r.out;
}

}  // namespace
}  // namespace annals::test
