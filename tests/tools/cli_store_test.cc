// `annals verify`, `annals backup` and `annals restore` end to end, through
// the real binary.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/keys.h"
#include "tools/child_process.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::kSample;
using test::Quote;
using test::ReadFile;
using test::Result;

class CliStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-cli-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `annals --db DB ARGS`.
  Result Run(const std::string& db, const std::string& args) {
    fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    std::string cmd = Quote(ANNALS_CLI_PATH) + " --db " + Quote(db) + " " + args + " >" +
                      Quote(out.string()) + " 2>" + Quote(err.string()) + " </dev/null";
    int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  fs::path dir_;
};

TEST_F(CliStoreTest, VerifyCleanThenDamaged) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  Result clean = Run(db, "verify");
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("checked 12 events"));
  EXPECT_THAT(clean.out, HasSubstr("actors, topics"));
  EXPECT_THAT(clean.out, HasSubstr("no problems"));

  test::WithRawDb(db, [](const test::RawDb& raw) {
    std::string v;
    ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.log, internal::EncodeU64(3), &v).ok());
    v[v.size() - 3] ^= 0x01;
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.log, internal::EncodeU64(3), v).ok());
    ASSERT_TRUE(raw.db->Delete(rocksdb::WriteOptions(), raw.log, internal::EncodeU64(5)).ok());
  });
  Result bad = Run(db, "verify");
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_THAT(bad.out, HasSubstr("undecodable: seq 3"));
  EXPECT_THAT(bad.out, HasSubstr("gap: seq 5 is missing"));
  EXPECT_THAT(bad.out, ::testing::ContainsRegex("[0-9]+ problems\n$"));
  Result jsonl = Run(db, "verify --format jsonl --no-projections");
  EXPECT_EQ(jsonl.exit_code, 2);
  EXPECT_THAT(jsonl.out, HasSubstr("{\"kind\":\"undecodable\",\"seq\":3,"));

  Result missing = Run(Path("nothing"), "verify");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no store at"));
  EXPECT_EQ(Run(db, "verify --help").exit_code, 0);
}

TEST_F(CliStoreTest, BackupAndRestoreRoundTrip) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  Result b = Run(db, "backup " + Quote(Path("b")));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(b.out, HasSubstr("seqs 1..12"));
  Result again = Run(db, "backup " + Quote(Path("b")));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already exists"));

  Result r = Run(Path("restored"), "restore " + Quote(Path("b")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Run(Path("restored"), "log --format jsonl").out,
            Run(db, "log --format jsonl").out);
  EXPECT_EQ(Run(Path("restored"), "timeline --topic 'rare earth metals' --format jsonl").out,
            Run(db, "timeline --topic 'rare earth metals' --format jsonl").out);
  EXPECT_EQ(Run(Path("restored"), "verify").exit_code, 0);

  // An existing store is never replaced by accident.
  ASSERT_EQ(Run(db, "append --speaker X --verb said --content later --at 2025").exit_code, 0);
  Result refused = Run(db, "restore " + Quote(Path("b")));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_THAT(Run(db, "stats").out, HasSubstr("head seq        13"));
  Result forced = Run(db, "restore --force " + Quote(Path("b")));
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(Run(db, "stats").out, HasSubstr("head seq        12"));

  Result not_backup = Run(Path("x"), "restore " + Quote(Path("nothing")));
  EXPECT_EQ(not_backup.exit_code, 1);
  EXPECT_THAT(not_backup.err, HasSubstr("is not a backup"));
  EXPECT_EQ(Run(db, "backup --help").exit_code, 0);
  EXPECT_EQ(Run(db, "restore --help").exit_code, 0);
}

// The store is held by an import in another process: the backup copies a
// read-only view, which must hold together and be a prefix of the log.
TEST_F(CliStoreTest, BackupWhileAnotherProcessImports) {
  const std::string db = Path("store");
  const std::string input = Path("input.jsonl");
  {
    std::ofstream out(input);
    for (int i = 0; i < 30000; ++i)
      out << "{\"id\":\"b-" << i << "\",\"speaker\":\"Speaker " << i % 97
          << "\",\"verb\":\"said\",\"topics\":[\"t" << i % 13 << "\"],\"content\":\"" << std::string(200, 'y')
          << i << "\",\"occurred_at\":\"2024-0" << 1 + i % 9 << "\"}\n";
  }
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);  // the store exists
  test::Child importer =
      test::Spawn({ANNALS_CLI_PATH, "--db", db, "import", input}, Path("import.log"), false);
  ASSERT_GT(importer.pid, 0);
  absl::SleepFor(absl::Milliseconds(300));
  Result b = Run(db, "backup " + Quote(Path("b")));
  int status = test::Wait(importer);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(Path("import.log"));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::cout << b.out;

  Result v = Run(Path("b"), "verify");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  ASSERT_EQ(Run(Path("restored"), "restore " + Quote(Path("b"))).exit_code, 0);
  std::string copy = Run(Path("restored"), "log --format jsonl").out;
  std::string original = Run(db, "log --format jsonl").out;
  ASSERT_FALSE(copy.empty());
  EXPECT_THAT(original, StartsWith(copy));
}

}  // namespace
}  // namespace annals
