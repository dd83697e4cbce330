// What opening a store leaves on disk (issues 16.12, 16.13), with the real
// CLI: queries leave no files behind (each writable open used to leave one
// more empty write-ahead log), and a store on a read-only filesystem is
// still queried, through a read-only open (the writable open used to fail
// with "renaming LOG: ..." from RocksDB's own info log).
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "rocksdb/db.h"
#include "tools/cli_harness.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

std::set<std::string> Files(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

size_t WalCount(const fs::path& dir) {
  size_t n = 0;
  for (const std::string& f : Files(dir))
    if (f.size() > 4 && f.substr(f.size() - 4) == ".log") ++n;
  return n;
}

class CliStoreFilesTest : public CliFixture {
 protected:
  void AppendSome(const fs::path& db) {
    for (int i = 0; i < 3; ++i)
      ASSERT_EQ(RunOn(db, "append --speaker Alpha --target Beta --verb said --at 2024-01-0" +
                              std::to_string(i + 1) + " --content c" + std::to_string(i))
                    .exit_code,
                0);
  }
};

TEST_F(CliStoreFilesTest, QueriesLeaveNoFilesBehind) {
  AppendSome(db_);
  ASSERT_EQ(Run("timeline --actor Alpha").exit_code, 0);
  const std::set<std::string> before = Files(db_);
  for (int i = 0; i < 20; ++i) {
    Result t = Run("timeline --actor Alpha");
    ASSERT_EQ(t.exit_code, 0) << t.err;
    ASSERT_EQ(Run("actors").exit_code, 0);
  }
  EXPECT_LE(WalCount(db_), 1u);
  EXPECT_LE(Files(db_).size(), before.size());
  EXPECT_FALSE(fs::exists(db_ / "LOG")) << "RocksDB's info log goes through annals";
}

TEST_F(CliStoreFilesTest, ReadOnlyFilesystemFallsBackToReadOnlyOpen) {
  const fs::path mnt = dir_ / "mnt";
  fs::create_directory(mnt);
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64m") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "); the read-only filesystem test needs mount permission";
  const fs::path db = mnt / "store";
  AppendSome(db);
  ASSERT_EQ(RunOn(db, "timeline --actor Alpha").exit_code, 0);  // projections built
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64m"), 0)
      << std::strerror(errno);
  Result t = RunOn(db, "timeline --actor Alpha --format jsonl");
  Result a = RunOn(db, "actors");
  Result s = RunOn(db, "stats");
  Result w = RunOn(db, "append --speaker X --verb said --at 2024-01-01 --content c");
  const fs::path bk = dir_ / "bk";
  Result b = RunOn(db, "backup " + Quote(bk.string()));
  Result l = RunOn(db, "log --format jsonl");
  umount(mnt.c_str());
  // The backup, of a read-only view, restores to the same log.
  EXPECT_EQ(b.exit_code, 0) << b.err;
  const fs::path restored = dir_ / "restored";
  Result r = RunOn(restored, "restore " + Quote(bk.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(l.exit_code, 0) << l.err;
  EXPECT_EQ(RunOn(restored, "log --format jsonl").out, l.out);
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(Lines(t.out).size(), 3u) << t.out;
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("Alpha"), std::string::npos) << a.out;
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(w.exit_code, 2) << w.err;
  EXPECT_NE(w.err.find("cannot be opened for writing"), std::string::npos) << w.err;
}

// Found by tools/soak.sh: a kill while the first import created the store
// (after RocksDB's first write, before annals's column families) left a
// RocksDB without them, which every later command refused as "not an
// annals store". The creation marker lets the next writer finish it; a
// RocksDB without the marker is still refused as foreign.
TEST_F(CliStoreFilesTest, InterruptedCreationIsFinishedByTheNextWriter) {
  for (bool marker : {true, false}) {
    SCOPED_TRACE(marker ? "interrupted annals store" : "foreign RocksDB");
    const fs::path db = dir_ / (marker ? "interrupted" : "foreign");
    fs::create_directory(db);
    if (marker) std::ofstream(db / "ANNALS-CREATING");
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, db.string(), &raw).ok());
    delete raw;
    Result v = RunOn(db, "verify");
    EXPECT_EQ(v.exit_code, marker ? 1 : 2) << v.err;
    Result a = RunOn(db, "append --speaker A --verb said --at 2024-01-01 --content c");
    if (!marker) {
      EXPECT_EQ(a.exit_code, 2) << a.err;
      EXPECT_NE(a.err.find("not an annals store"), std::string::npos) << a.err;
      continue;
    }
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_FALSE(fs::exists(db / "ANNALS-CREATING"));
    v = RunOn(db, "verify");
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }
}

}  // namespace
}  // namespace annals::test
