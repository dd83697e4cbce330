// A table file of the log gone from the store (issue 16.2), end to end with
// the real CLI. Two imports (each ends with a flush, so each leaves its own
// table file of the log) and an append (left in the write-ahead log); then
// one import's log file is removed. RocksDB's read-only (secondary) view
// then silently skips what that file held, so scans must notice the
// missing seqs themselves: every command that reads the log exits 2 and
// points at `annals verify`, rather than print a fraction of the events
// and exit 0.
#include <algorithm>
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

constexpr int kPerImport = 12000;

void WriteCorpus(const fs::path& path, int first, int n) {
  std::ofstream out(path, std::ios::binary);
  for (int i = first; i < first + n; ++i)
    out << "{\"id\":\"sst-" << i << "\",\"speaker\":\"Speaker " << i % 7
        << "\",\"targets\":[\"Target " << i % 5 << "\"],\"verb\":\"said\",\"topics\":[\"t"
        << i % 3 << "\"],\"content\":\"" << std::string(400, 'x') << " " << i
        << "\",\"occurred_at\":\"2020-01-0" << 1 + i % 9 << "\"}\n";
}

// The table files of the store's log family, as RocksDB lists them (a
// read-only open, which writes nothing). Timeline entries carry whole
// statements too, so file sizes alone do not tell the log's files apart.
std::set<fs::path> LogTableFiles(const fs::path& store) {
  std::set<fs::path> out;
  rocksdb::DBOptions dbo;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, store.string(), &names);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(dbo, store.string(), families, &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return out;
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  for (const auto& f : files)
    if (f.column_family_name == "log") out.insert(store / fs::path(f.name).filename());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return out;
}

// The biggest log table file in `after` but not `before`: an import's.
fs::path BiggestNew(const std::set<fs::path>& before, const std::set<fs::path>& after) {
  fs::path biggest;
  for (const fs::path& p : after)
    if (!before.count(p) && (biggest.empty() || fs::file_size(p) > fs::file_size(biggest)))
      biggest = p;
  return biggest;
}

class CliMissingSstTest : public CliFixture {
 protected:
  // Builds the store; `first_log`/`second_log`: each import's log file.
  void Build(fs::path* first_log, fs::path* second_log) {
    WriteCorpus(dir_ / "a.jsonl", 0, kPerImport);
    WriteCorpus(dir_ / "b.jsonl", kPerImport, kPerImport);
    Result r = Run(Quote((dir_ / "a.jsonl").string()).insert(0, "import "));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto one = LogTableFiles(db_);
    r = Run(Quote((dir_ / "b.jsonl").string()).insert(0, "import "));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto two = LogTableFiles(db_);
    r = Run("append --speaker Late --verb said --content 'after both imports'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    *first_log = BiggestNew({}, one);
    *second_log = BiggestNew(one, two);
    ASSERT_FALSE(first_log->empty());
    ASSERT_FALSE(second_log->empty());
    ASSERT_TRUE(two.count(*first_log)) << "the first import's log file was compacted away";
    // Intact, every command reads all of it.
    r = Run("log --format jsonl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Lines(r.out).size(), 2u * kPerImport + 1);
  }

  void ExpectEveryReadFails(const std::string& what) {
    for (const std::string& cmd :
         {std::string("log"), std::string("log --format jsonl"), std::string("log --format csv"),
          std::string("export --format jsonl"), std::string("export --format csv"),
          std::string("timeline --actor 'Speaker 1'"), std::string("stats"),
          std::string("actors"), std::string("verify"),
          "backup " + Quote((dir_ / ("bk-" + what)).string())}) {
      SCOPED_TRACE(what + ": " + cmd);
      Result r = Run(cmd);
      EXPECT_EQ(r.exit_code, 2) << "stdout lines " << Lines(r.out).size() << "\n" << r.err;
      if (cmd != "verify") EXPECT_NE(r.err.find("annals verify"), std::string::npos) << r.err;
    }
  }
};

// The second import's log file gone: the log still starts at seq 1 and
// ends at the head, with a hole between. The first import's gone: the log
// starts late. (One store built, copied for each.)
TEST_F(CliMissingSstTest, AMissingLogFileFailsEveryRead) {
  fs::path first, second;
  ASSERT_NO_FATAL_FAILURE(Build(&first, &second));
  const fs::path intact = dir_ / "intact";
  fs::copy(db_, intact, fs::copy_options::recursive);
  fs::remove(second);
  ExpectEveryReadFails("hole");

  fs::remove_all(db_);
  fs::copy(intact, db_, fs::copy_options::recursive);
  fs::remove(db_ / first.filename());
  ExpectEveryReadFails("start");
}

}  // namespace
}  // namespace annals::test
