// Waiting for RocksDB's background work: the listener's wait (a fake
// `busy`, with RocksDB's callbacks made by the test) and, on a real store,
// an import left with no flush or compaction pending (SettleAfterImport).
#include "log/background_work.h"

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "annals/engine.h"
#include "annals/import.h"
#include "engine/test_util.h"
#include "facade/services.h"
#include "log/keys.h"
#include "log/log_store.h"

namespace annals {
namespace {

using internal::BackgroundWorkListener;
using test::FastOptions;
using test::TempDir;

TEST(BackgroundWorkTest, WaitEndsWhenWorkThatEndsLeavesNothingBusy) {
  BackgroundWorkListener listener;
  std::atomic<int> left{3};
  std::thread worker([&] {
    for (int i = 0; i < 3; ++i) {
      left.fetch_sub(1);
      if (i % 2 == 0) listener.OnCompactionCompleted(nullptr, rocksdb::CompactionJobInfo());
      else listener.OnFlushCompleted(nullptr, rocksdb::FlushJobInfo());
    }
  });
  int checks = 0;
  const bool idle = listener.WaitUntilIdle(
      [&] {
        ++checks;
        return left.load() > 0;
      },
      absl::InfiniteFuture());
  worker.join();
  EXPECT_TRUE(idle);
  EXPECT_EQ(left.load(), 0);
  EXPECT_LE(checks, 4) << "checked once at the start and once per piece of work at most";
}

// RocksDB tells listeners before its own running counts drop, so the
// listener counts what began and has not ended.
TEST(BackgroundWorkTest, CountsWorkBegunAndNotEnded) {
  BackgroundWorkListener listener;
  listener.OnFlushBegin(nullptr, rocksdb::FlushJobInfo());
  listener.OnCompactionBegin(nullptr, rocksdb::CompactionJobInfo());
  EXPECT_EQ(listener.running(), 2);
  listener.OnFlushCompleted(nullptr, rocksdb::FlushJobInfo());
  EXPECT_EQ(listener.running(), 1);
  listener.OnCompactionCompleted(nullptr, rocksdb::CompactionJobInfo());
  EXPECT_EQ(listener.running(), 0);
}

TEST(BackgroundWorkTest, WaitGivesUpAtTheDeadlineWhenNothingEnds) {
  BackgroundWorkListener listener;
  EXPECT_FALSE(listener.WaitUntilIdle([] { return true; }, absl::Now() + absl::Milliseconds(20)));
  EXPECT_TRUE(listener.WaitUntilIdle([] { return false; }, absl::InfinitePast()));
}

// A background error ends the wait (the work it stopped will not end).
TEST(BackgroundWorkTest, ABackgroundErrorWakesTheWait) {
  BackgroundWorkListener listener;
  std::atomic<bool> failed{false};
  std::thread worker([&] {
    failed.store(true);
    rocksdb::Status error = rocksdb::Status::IOError("disk full");
    listener.OnBackgroundError(rocksdb::BackgroundErrorReason::kCompaction, &error);
  });
  EXPECT_TRUE(listener.WaitUntilIdle([&] { return !failed.load(); }, absl::InfiniteFuture()));
  worker.join();
}

// An import through 1 MiB write buffers, with automatic compactions held
// off, leaves many level-0 files; let go, RocksDB starts compacting them,
// and once settled no family has a flush or compaction pending or running,
// and level 0 is below RocksDB's compaction trigger (4 files).
TEST(BackgroundWorkTest, SettleAfterImportLeavesNoCompactionPending) {
  TempDir dir;
  const std::string input = dir.Sub("in.jsonl");
  {
    std::ofstream out(input);
    for (int i = 0; i < 30000; ++i)
      out << "{\"speaker\":\"Speaker " << i % 50 << "\",\"verb\":\"said\",\"targets\":[\"T"
          << i % 7 << "\"],\"topics\":[\"topic " << i % 11 << "\"],\"content\":\"statement " << i
          << " " << std::string(200, 'x') << "\",\"occurred_at\":\"2020-01-0" << 1 + i % 9
          << "\"}\n";
  }
  auto engine = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  internal::LogStore* store = internal::ServicesOf(**engine)->log_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SetAutoCompactions(false).ok());
  auto sum = ImportFile(**engine, input, ImportOptions());
  ASSERT_TRUE(sum.ok()) << sum.status();
  ASSERT_EQ(sum->imported, 30000u);
  ASSERT_TRUE((*engine)->WaitFor((*engine)->Head(), absl::InfiniteDuration()).ok());
  auto piled = store->Property(internal::kLogFamily, "rocksdb.num-files-at-level0");
  ASSERT_TRUE(piled.has_value());
  ASSERT_GE(std::stoi(*piled), 4) << "the import should leave level-0 files to compact";
  ASSERT_TRUE(store->SetAutoCompactions(true).ok());
  ASSERT_TRUE(SettleAfterImport(**engine).ok());
  for (const char* family : {internal::kLogFamily, internal::kIdsFamily, internal::kProjFamily}) {
    SCOPED_TRACE(family);
    EXPECT_EQ(store->Property(family, "rocksdb.compaction-pending"), "0");
    EXPECT_EQ(store->Property(family, "rocksdb.mem-table-flush-pending"), "0");
    EXPECT_EQ(store->Property(family, "rocksdb.num-entries-active-mem-table"), "0");
    auto level0 = store->Property(family, "rocksdb.num-files-at-level0");
    ASSERT_TRUE(level0.has_value());
    EXPECT_LT(std::stoi(*level0), 4);
  }
  // Read-only engines: nothing to do.
  Options ro = FastOptions();
  ro.read_only = true;
  auto reader = Engine::Open(dir.Sub("store"), ro);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE(SettleAfterImport(**reader).ok());
}

}  // namespace
}  // namespace annals
