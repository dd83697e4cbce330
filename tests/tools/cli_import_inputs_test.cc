// `annals import` with the real binary: where --rejects may write (issue
// 16.5), --strict on input that can be read only once, and inputs opened
// before the store's lock (issue 16.10).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/child_process.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::Quote;
using test::ReadFile;
using test::Result;

class CliImportInputsTest : public test::CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    fs::create_directory(dir_ / "tmp");
    sample_ = ReadFile(test::kSample);
  }

  // Runs `annals --db STORE ARGS` through /bin/sh; `stdin_redirect` is the
  // shell's "<..." or a pipeline prefix ("cat F |"). $TMPDIR is dir_/tmp.
  Result Run(const std::string& args, const std::string& before = "",
             const std::string& stdin_redirect = "</dev/null") {
    return RunShell(db_, args,
                    before + " TMPDIR=" + Quote((dir_ / "tmp").string()) + " timeout 300",
                    stdin_redirect);
  }
  bool TmpIsEmpty() { return fs::is_empty(dir_ / "tmp"); }

  std::string sample_;
};

TEST_F(CliImportInputsTest, RejectsThatNameAnInputAreRefusedBeforeAnythingIsWritten) {
  fs::path in = Write("in.jsonl", sample_);
  fs::create_hard_link(in, dir_ / "hard.jsonl");
  fs::create_symlink(in, dir_ / "soft.jsonl");
  for (const std::string& rejects : {in.string(), (dir_ / "soft.jsonl").string(),
                                     (dir_ / "hard.jsonl").string()}) {
    SCOPED_TRACE(rejects);
    Result r = Run("import " + Quote(in.string()) + " --rejects " + Quote(rejects));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("refusing to write rejected rows to"));
    EXPECT_EQ(ReadFile(in), sample_);
    EXPECT_FALSE(fs::exists(db_));  // refused before the store was opened
  }
  // Standard input redirected from the file is that file too.
  Result r = Run("import - --rejects " + Quote(in.string()), "", "<" + Quote(in.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("it is an input of this import"));
  EXPECT_EQ(ReadFile(in), sample_);
}

TEST_F(CliImportInputsTest, RejectsInsideTheStoreAreRefused) {
  fs::path in = Write("in.jsonl", sample_);
  ASSERT_EQ(Run("import " + Quote(in.string())).exit_code, 0);
  const std::string current = ReadFile(db_ / "CURRENT");
  fs::create_symlink(db_ / "CURRENT", dir_ / "link");
  for (const fs::path& rejects : {db_ / "CURRENT", db_ / "new.txt", dir_ / "link",
                                  dir_ / "store" / ".." / "store" / "x"}) {
    SCOPED_TRACE(rejects);
    Result r = Run("import " + Quote(in.string()) + " --rejects " + Quote(rejects.string()));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("it lies inside the store"));
  }
  EXPECT_EQ(ReadFile(db_ / "CURRENT"), current);
  EXPECT_FALSE(fs::exists(db_ / "new.txt"));
  EXPECT_FALSE(fs::exists(db_ / "x"));
  Result stats = Run("stats");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
}

TEST_F(CliImportInputsTest, AnOrdinaryRejectsFileIsCreatedOrEmptied) {
  std::string bad = R"({"speaker": "Ada"})";
  fs::path in = Write("in.jsonl", sample_ + bad + "\n");
  fs::path rejects = Write("rejects.jsonl", "old contents\n");
  Result r = Run("import " + Quote(in.string()) + " --rejects " + Quote(rejects.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(ReadFile(rejects), bad + "\n");
  // A file with a second hard link is not emptied (the other name would be too).
  fs::create_hard_link(rejects, dir_ / "backup-of-rejects");
  Result linked = Run("import " + Quote(in.string()) + " --rejects " + Quote(rejects.string()));
  EXPECT_EQ(linked.exit_code, 1);
  EXPECT_THAT(linked.err, HasSubstr("hard links"));
  EXPECT_EQ(ReadFile(dir_ / "backup-of-rejects"), bad + "\n");
}

TEST_F(CliImportInputsTest, StrictReadsAPipeTwice) {
  fs::path in = Write("in.jsonl", sample_);
  for (const std::string& name : {"-", "/dev/stdin"}) {
    SCOPED_TRACE(name);
    fs::remove_all(db_);
    Result r = Run("import --strict " + name, "cat " + Quote(in.string()) + " |", "");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("read 12, imported 12, duplicates 0, rejected 0"));
    EXPECT_TRUE(TmpIsEmpty());
  }
  // A bad row: nothing imported, and still nothing left in $TMPDIR.
  fs::path bad = Write("bad.jsonl", sample_ + "{\"speaker\": \"Ada\"}\n");
  fs::remove_all(db_);
  Result r = Run("import --strict /dev/stdin", "cat " + Quote(bad.string()) + " |", "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("read 13, imported 0, duplicates 0, rejected 1, held back 12"));
  EXPECT_TRUE(TmpIsEmpty());
}

TEST_F(CliImportInputsTest, StrictReadsAFifoTwice) {
  fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  fs::path in = Write("in.jsonl", sample_);
  // Before: the second pass opened the FIFO again and waited for a writer
  // forever (`timeout` ends the test's wait).
  Result r = Run("import --strict " + Quote(fifo.string()),
                 "(cat " + Quote(in.string()) + " >" + Quote(fifo.string()) + " &);");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("read 12, imported 12, duplicates 0, rejected 0"));
  EXPECT_TRUE(TmpIsEmpty());
}

TEST_F(CliImportInputsTest, InputsAreOpenedBeforeTheStoreIsLocked) {
  fs::path a = dir_ / "a", b = dir_ / "b";
  ASSERT_EQ(mkfifo(a.c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(b.c_str(), 0600), 0);
  test::Child child = test::Spawn({ANNALS_CLI_PATH, "--db", db_.string(), "import", a.string(),
                                   b.string()},
                                  (dir_ / "child.log").string(), false);
  ASSERT_GT(child.pid, 0);
  // Returns once the import has opened `a`; it then waits to open `b`.
  int wa = open(a.c_str(), O_WRONLY);
  ASSERT_GE(wa, 0);
  // Meanwhile the store is free: another writer gets it.
  Result append = Run("append --speaker Ada --verb said --content c --at 2020");
  EXPECT_EQ(append.exit_code, 0) << append.err;
  std::string lines = sample_;
  ASSERT_EQ(write(wa, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
  close(wa);
  int wb = open(b.c_str(), O_WRONLY);
  ASSERT_GE(wb, 0);
  close(wb);
  int status = test::Wait(child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << ReadFile(dir_ / "child.log");
  EXPECT_THAT(ReadFile(dir_ / "child.log"), HasSubstr("read 12, imported 12"));
}

}  // namespace
}  // namespace annals
