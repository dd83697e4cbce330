// Opening stores: persistence across reopen, refusing directories that are
// not annals stores, read-only mode, the single-writer lock, and damaged
// metadata.
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/engine.h"
#include "engine/test_util.h"
#include "log/keys.h"
#include "rocksdb/db.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using test::Bulk;
using test::FastOptions;
using test::FullStatement;
using test::Msg;
using test::RawDb;
using test::SmallStatement;
using test::TempDir;
using test::WithRawDb;
using test::WriteFile;

TEST(OpenTest, CreatesMissingStore) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ((*opened)->Head(), 0u);
  EXPECT_TRUE(fs::is_directory(dir.Sub("store")));
}

TEST(OpenTest, EmptyExistingDirectoryBecomesAStore) {
  TempDir dir;
  fs::create_directory(dir.Sub("empty"));
  auto opened = Engine::Open(dir.Sub("empty"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_TRUE((*opened)->Append(SmallStatement(1)).ok());
}

TEST(OpenTest, EverythingPersistsAcrossReopen) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  std::vector<Event> before;
  {
    Options o;  // defaults: synced appends
    auto opened = Engine::Open(path, o);
    ASSERT_TRUE(opened.ok()) << opened.status();
    ASSERT_TRUE((*opened)->Append(FullStatement()).ok());
    std::vector<Statement> batch = {SmallStatement(1), SmallStatement(2)};
    ASSERT_TRUE((*opened)->Append(batch).ok());
    // Bulk appends never followed by Sync(): closing makes them durable.
    ASSERT_TRUE((*opened)->Append(SmallStatement(3), Bulk()).ok());
    auto all = (*opened)->Read(1, 100);
    ASSERT_TRUE(all.ok());
    before = *all;
  }
  ASSERT_EQ(before.size(), 4u);

  auto reopened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  Engine& engine = **reopened;
  EXPECT_EQ(engine.Head(), 4u);
  auto after = engine.Read(1, 100);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, before);
  for (const Event& e : before) EXPECT_EQ(*engine.FindById(e.id), e.seq);

  // Appends continue after the old head, with recorded_at not going back.
  auto r = engine.Append(SmallStatement(4));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->seq, 5u);
  EXPECT_FALSE(r->duplicate);
  EXPECT_GE(engine.Get(5)->recorded_at, before.back().recorded_at);
}

TEST(OpenTest, NonEmptyDirectoryThatIsNoStoreIsRefusedUntouched) {
  TempDir dir;
  const std::string path = dir.Sub("notes");
  fs::create_directory(path);
  WriteFile(path + "/thesis.txt", "precious");
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition)
      << opened.status();
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(path))
    names.push_back(entry.path().filename().string());
  EXPECT_THAT(names, UnorderedElementsAre("thesis.txt"));
}

TEST(OpenTest, RegularFileIsRefused) {
  TempDir dir;
  const std::string path = dir.Sub("file");
  WriteFile(path, "x");
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OpenTest, MissingStoreWithoutCreateIsNotFound) {
  TempDir dir;
  Options o = FastOptions();
  o.create_if_missing = false;
  auto opened = Engine::Open(dir.Sub("missing"), o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.Sub("missing")));

  Options ro = FastOptions();
  ro.read_only = true;
  opened = Engine::Open(dir.Sub("missing"), ro);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.Sub("missing")));
}

TEST(OpenTest, ReadOnlyStoreReadsButRefusesAppends) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->Append(FullStatement()).ok());
  }
  Options o = FastOptions();
  o.read_only = true;
  auto opened = Engine::Open(path, o);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  EXPECT_EQ(engine.Head(), 1u);
  auto e = engine.Get(1);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->statement, FullStatement());

  auto r = engine.Append(SmallStatement(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  std::vector<Statement> batch = {SmallStatement(2)};
  auto rb = engine.Append(batch);
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), absl::StatusCode::kFailedPrecondition);
  // Even a duplicate is refused rather than reported as stored.
  auto dup = engine.Append(FullStatement());
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine.Head(), 1u);
}

TEST(OpenTest, SecondOpenOfAnOpenStoreFailsCleanly) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  auto first = Engine::Open(path, FastOptions());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->Append(SmallStatement(1)).ok());

  auto second = Engine::Open(path, FastOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition)
      << second.status();

  // The first engine is unaffected, and the store opens once it is closed.
  auto r = (*first)->Append(SmallStatement(2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->seq, 2u);
  first->reset();
  auto third = Engine::Open(path, FastOptions());
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ((*third)->Head(), 2u);
}

// A RocksDB database of some other program must be refused and left as it
// was: adding column families to it would stop its owner from opening it
// without listing them.
TEST(OpenTest, ForeignRocksDbIsRefusedAndLeftUnmodified) {
  TempDir dir;
  const std::string path = dir.Sub("foreign");
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, path, &db).ok());
    ASSERT_TRUE(db->Put({}, "key", "value").ok());
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition)
      << opened.status();

  std::vector<std::string> families;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
  EXPECT_THAT(families, UnorderedElementsAre(rocksdb::kDefaultColumnFamilyName));
  // Its owner can still open it the plain way.
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::Options(), path, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (s.ok()) {
    std::string v;
    EXPECT_TRUE(db->Get({}, "key", &v).ok());
    EXPECT_EQ(v, "value");
    db->Close();
    delete db;
  }
}

TEST(OpenTest, NewerStoreFormatIsRefused) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  { ASSERT_TRUE(Engine::Open(path, FastOptions()).ok()); }
  WithRawDb(path, [](const RawDb& raw) {
    ASSERT_TRUE(raw.db->Put({}, raw.meta, internal::kMetaFormat, "2").ok());
  });
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Msg(opened.status()), HasSubstr("format"));
}

TEST(OpenTest, HeadMarkerDisagreeingWithLogIsDataLoss) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok());
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE((*opened)->Append(SmallStatement(i)).ok());
  }
  WithRawDb(path, [](const RawDb& raw) {
    ASSERT_TRUE(raw.db->Delete({}, raw.log, internal::EncodeU64(3)).ok());
  });
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
}

TEST(OpenTest, DamagedHeadMetadataIsDataLoss) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->Append(SmallStatement(1)).ok());
  }
  WithRawDb(path, [](const RawDb& raw) {
    ASSERT_TRUE(raw.db->Put({}, raw.meta, internal::kMetaHead, "xyz").ok());
  });
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace annals

namespace annals {
namespace {

TEST(OpenTest, BareLogHasNoBuiltinProjections) {
  TempDir dir;
  Options options = FastOptions();
  options.builtin_projections = false;
  auto opened = Engine::Open(dir.Sub("store"), options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_TRUE((*opened)->Append(SmallStatement(1)).ok());
  EXPECT_TRUE((*opened)->Projections().empty());
  TimelineQuery q;
  q.name = "anyone";
  EXPECT_EQ((*opened)->Timeline(q).status().code(), absl::StatusCode::kNotFound);
  opened->reset();
  // Reopened with the default, the timelines are built from the log.
  auto again = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(again.ok()) << again.status();
  auto page = (*again)->Timeline(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->as_of, 1u);
}

TEST(OpenTest, CreatesMissingParentDirectories) {
  TempDir dir;
  const std::string path = dir.Sub("a/b/store");
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE((*opened)->Append(SmallStatement(1)).ok());
}

}  // namespace
}  // namespace annals
