// `annals verify`, `annals backup` and `annals restore` end to end, through
// the real binary.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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
using ::testing::Not;
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
  EXPECT_THAT(b.out, HasSubstr("(copy 1): seqs 1..12"));
  Result again = Run(db, "backup " + Quote(Path("b")));  // one more copy
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("(copy 2): seqs 1..12"));
  fs::create_directory(Path("mine"));
  test::WriteFile(Path("mine") + "/thesis.txt", "chapter 1");
  Result taken = Run(db, "backup " + Quote(Path("mine")));
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_THAT(taken.err, HasSubstr("already exists and is not an annals backup"));
  EXPECT_EQ(ReadFile(Path("mine") + "/thesis.txt"), "chapter 1");

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
  // A store with a search index (STORE/search) is still a store to replace,
  // and the index answers for the restored log.
  EXPECT_THAT(Run(db, "search later --format csv").out, HasSubstr(",13,13,"));
  Result forced = Run(db, "restore --force " + Quote(Path("b")));
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(Run(db, "stats").out, HasSubstr("head seq        12"));
  EXPECT_THAT(Run(db, "search later --format csv").out, Not(HasSubstr(",13,13,")));
  // The search index goes into a backup and comes back with it, checked.
  Result indexed = Run(db, "backup " + Quote(Path("with-index")));
  EXPECT_EQ(indexed.exit_code, 0) << indexed.err;
  EXPECT_THAT(indexed.out, HasSubstr("search indexes: english"));
  Result back = Run(Path("restored2"), "restore " + Quote(Path("with-index")));
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_THAT(back.out, HasSubstr("search indexes: english"));
  EXPECT_TRUE(fs::exists(Path("restored2") + "/search/english/iamglass"));
  Result checked = Run(Path("restored2"), "verify");
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("projections: actors, topics, search:english"));

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

  ASSERT_EQ(Run(Path("restored"), "restore " + Quote(Path("b"))).exit_code, 0);
  Result v = Run(Path("restored"), "verify");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  std::string copy = Run(Path("restored"), "log --format jsonl").out;
  std::string original = Run(db, "log --format jsonl").out;
  ASSERT_FALSE(copy.empty());
  EXPECT_THAT(original, StartsWith(copy));
}


// Issue 16.6: `restore --force` replaces only an annals store or an empty
// directory; never the user's files, a regular file, or its own source.
TEST_F(CliStoreTest, RestoreForceNeverDestroysUserFiles) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  ASSERT_EQ(Run(db, "backup " + Quote(Path("b"))).exit_code, 0);

  fs::create_directory(Path("thesis"));
  test::WriteFile(Path("thesis") + "/thesis.txt", "chapter 1");
  Result r = Run(Path("thesis"), "restore --force " + Quote(Path("b")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not an annals store (it holds thesis.txt)"));
  EXPECT_EQ(ReadFile(Path("thesis") + "/thesis.txt"), "chapter 1");

  test::WriteFile(Path("file"), "a file");
  r = Run(Path("file"), "restore --force " + Quote(Path("b")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not a directory"));
  EXPECT_EQ(ReadFile(Path("file")), "a file");

  // restore p/bk2 --db p --force: neither the backup nor p/notes.txt goes.
  const std::string p = Path("p");
  ASSERT_EQ(Run(p, "import " + Quote(kSample)).exit_code, 0);
  ASSERT_EQ(Run(p, "backup " + Quote(p + "/bk2")).exit_code, 0);
  test::WriteFile(p + "/notes.txt", "notes");
  r = Run(p, "restore --force " + Quote(p + "/bk2"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("restore never replaces its own source"));
  EXPECT_EQ(ReadFile(p + "/notes.txt"), "notes");
  EXPECT_EQ(Run(Path("from-bk2"), "restore " + Quote(p + "/bk2")).exit_code, 0);
  EXPECT_THAT(Run(p, "stats").out, HasSubstr("head seq        12"));
}

// Issue 16.8: the backup is independent of the store (damage to the
// store's files does not reach it), and a damaged backup is refused with
// exit 2, restoring nothing.
TEST_F(CliStoreTest, BackupsAreIndependentAndRestoreChecksThem) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  ASSERT_EQ(Run(db, "backup " + Quote(Path("b"))).exit_code, 0);
  const std::string original = Run(db, "log --format jsonl").out;
  auto flip_ssts = [](const fs::path& dir) {
    int flipped = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".sst") continue;
      std::string bytes = ReadFile(e.path());
      bytes[bytes.size() / 3] ^= 0x5a;
      test::WriteFile(e.path().string(), bytes);
      ++flipped;
    }
    return flipped;
  };
  ASSERT_GT(flip_ssts(db), 0);
  Result r = Run(Path("restored"), "restore " + Quote(Path("b")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Run(Path("restored"), "log --format jsonl").out, original);
  EXPECT_EQ(Run(Path("restored"), "verify").exit_code, 0);

  // The damaged store itself is not backed up: exit 2, naming the file.
  Result refused = Run(db, "backup " + Quote(Path("b2")));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, ::testing::ContainsRegex("[0-9]+\\.sst"));
  EXPECT_FALSE(fs::exists(Path("b2")));

  ASSERT_GT(flip_ssts(Path("b") + "/shared_checksum"), 0);
  Result damaged = Run(Path("r2"), "restore " + Quote(Path("b")));
  EXPECT_EQ(damaged.exit_code, 2);
  EXPECT_THAT(damaged.err, HasSubstr("is damaged"));
  EXPECT_FALSE(fs::exists(Path("r2")));
}

// Issue 16.7: `backup DIR` leaves DIR.tmp and DIR.partial (the user's) alone.
TEST_F(CliStoreTest, BackupLeavesTheUsersDirectoriesAlone) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  for (const char* name : {"b.tmp", "b.partial"}) {
    fs::create_directories(Path(name) + "/sub");
    test::WriteFile(Path(name) + "/sub/thesis.txt", "mine");
  }
  ASSERT_EQ(Run(db, "backup " + Quote(Path("b"))).exit_code, 0);
  for (const char* name : {"b.tmp", "b.partial"})
    EXPECT_EQ(ReadFile(Path(name) + "/sub/thesis.txt"), "mine") << name;
}


// A backup killed midway leaves its staging directory beside the target:
// the next backup (and restore) names it, and removes nothing.
TEST_F(CliStoreTest, BackupNamesWhatAnInterruptedBackupLeftAndKeepsIt) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  const std::string left = Path(".b.annals-backup-Ab12Cd");
  const std::string other = Path(".b.annals-backup-notmine");  // not mkdtemp's shape
  for (const std::string& d : {left, other}) {
    fs::create_directories(d);
    test::WriteFile(d + "/x", "x");
  }
  Result r = Run(db, "backup " + Quote(Path("b")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(left + " is left from an interrupted backup"));
  EXPECT_THAT(r.err, Not(HasSubstr("notmine")));
  EXPECT_EQ(ReadFile(left + "/x"), "x");
  EXPECT_EQ(ReadFile(other + "/x"), "x");
  Result again = Run(db, "backup " + Quote(Path("b")));  // an existing backup: the same
  EXPECT_THAT(again.err, HasSubstr(left));
}


// Issue 16 (smaller): a store that lost only CURRENT is a damaged store
// (exit 2, saying so), not "no store" (exit 1), for verify and every open.
TEST_F(CliStoreTest, AStoreWithoutCurrentIsDamagedNotMissing) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  ASSERT_TRUE(fs::remove(fs::path(db) / "CURRENT"));
  for (const char* cmd : {"verify", "stats", "log", "append --speaker X --verb said "
                                                     "--content c --at 2025"}) {
    Result r = Run(db, cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("damaged store")) << cmd;
    EXPECT_THAT(r.err, HasSubstr("CURRENT file is missing")) << cmd;
  }
  EXPECT_FALSE(fs::exists(fs::path(db) / "CURRENT"));  // nothing made a new store there
  fs::create_directory(Path("empty"));
  EXPECT_EQ(Run(Path("empty"), "verify").exit_code, 1);
}


// Issue 16 (smaller): verify lists every damaged file it can reach rather
// than stopping at the first corrupt block.
TEST_F(CliStoreTest, VerifyListsEveryDamagedFile) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  ASSERT_EQ(Run(db, "backup " + Quote(Path("b"))).exit_code, 0);  // flushes every family
  std::vector<std::string> victims;  // every SST but meta's (which says what the store is)
  test::WithRawDb(db, [&](const test::RawDb& raw) {
    std::vector<rocksdb::LiveFileMetaData> files;
    raw.db->GetLiveFilesMetaData(&files);
    for (const auto& f : files)
      if (f.column_family_name != internal::kMetaFamily) victims.push_back(f.db_path + f.name);
  });
  ASSERT_GE(victims.size(), 2u);
  for (const std::string& f : victims) {
    std::string bytes = ReadFile(f);
    bytes[bytes.size() / 3] ^= 0x5a;
    test::WriteFile(f, bytes);
  }
  Result v = Run(db, "verify --format jsonl");
  EXPECT_EQ(v.exit_code, 2) << v.err;
  for (const std::string& f : victims) {
    EXPECT_THAT(v.out, HasSubstr("\"kind\":\"damaged_file\"")) << v.out;
    EXPECT_THAT(v.out, HasSubstr(fs::path(f).filename().string())) << v.out << v.err;
  }
}


// The same when the store opens (only data blocks damaged): the log scan
// stops at the damage, every damaged file is still listed, and the checks
// that need the whole log say they were skipped.
TEST_F(CliStoreTest, VerifyGoesOnPastADamagedDataBlock) {
  const std::string db = Path("store");
  ASSERT_EQ(Run(db, "import " + Quote(kSample)).exit_code, 0);
  ASSERT_EQ(Run(db, "backup " + Quote(Path("b"))).exit_code, 0);  // flushes every family
  std::vector<std::string> victims;  // the log's and the id index's SSTs
  test::WithRawDb(db, [&](const test::RawDb& raw) {
    std::vector<rocksdb::LiveFileMetaData> files;
    raw.db->GetLiveFilesMetaData(&files);
    for (const auto& f : files)
      if (f.column_family_name == internal::kLogFamily ||
          f.column_family_name == internal::kIdsFamily)
        victims.push_back(f.db_path + f.name);
  });
  ASSERT_EQ(victims.size(), 2u);
  for (const std::string& f : victims) {
    std::string bytes = ReadFile(f);
    bytes[10] ^= 0x5a;  // the first data block
    test::WriteFile(f, bytes);
  }
  Result v = Run(db, "verify --format jsonl");
  EXPECT_EQ(v.exit_code, 2) << v.err;
  for (const std::string& f : victims)
    EXPECT_THAT(v.out, HasSubstr("\"subject\":\"" + f + "\"")) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("the log scan stopped at damage")) << v.out << v.err;
  EXPECT_THAT(v.err, HasSubstr("could not be read in full")) << v.err;
}

}  // namespace
}  // namespace annals
