// The read path: Get / Read / NewIterator bounds, snapshot iteration, stats,
// and damaged log entries reported as kDataLoss rather than served or
// crashing.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/engine.h"
#include "engine/test_util.h"
#include "facade/services.h"
#include "log/log_store.h"
#include "log/keys.h"
#include "log/prefetch_iterator.h"
#include "log/records.h"
#include "annals/status.h"
#include "xxhash.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::FastOptions;
using test::Msg;
using test::RawDb;
using test::SmallStatement;
using test::T;
using test::TempDir;
using test::WithRawDb;

class ReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }
  void AppendN(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = engine_->Append(SmallStatement(static_cast<int>(engine_->Head()) + 1));
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

// Standing names the latest correction and the retraction of a statement
// (what `annals show` prints), for the live engine and a read-only view.
TEST_F(ReadTest, StandingNamesTheLatestCorrectionAndTheRetraction) {
  AppendN(3);  // seqs 1..3
  Statement c = SmallStatement(20);
  ASSERT_TRUE(engine_->Correct(2, c, "first fix").ok());           // 4
  ASSERT_TRUE(engine_->Correct(2, SmallStatement(21), "second").ok());  // 5
  ASSERT_TRUE(engine_->Retract(3, "withdrawn").ok());             // 6
  auto check = [](const Engine& e) {
    auto untouched = e.Standing(1);
    ASSERT_TRUE(untouched.ok()) << untouched.status();
    EXPECT_EQ(untouched->corrected_by, 0u);
    EXPECT_EQ(untouched->retracted_by, 0u);
    auto corrected = e.Standing(2);
    ASSERT_TRUE(corrected.ok()) << corrected.status();
    EXPECT_EQ(corrected->corrected_by, 5u);
    EXPECT_EQ(corrected->retracted_by, 0u);
    auto retracted = e.Standing(3);
    ASSERT_TRUE(retracted.ok()) << retracted.status();
    EXPECT_EQ(retracted->corrected_by, 0u);
    EXPECT_EQ(retracted->retracted_by, 6u);
    EXPECT_EQ(e.Standing(7).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(e.Standing(0).status().code(), absl::StatusCode::kNotFound);
  };
  check(*engine_);
  engine_.reset();
  Options ro = FastOptions();
  ro.read_only = true;
  auto reader = Engine::Open(dir_.Sub("store"), ro);
  ASSERT_TRUE(reader.ok()) << reader.status();
  check(**reader);
}

TEST_F(ReadTest, EmptyStore) {
  EXPECT_EQ(engine_->Head(), 0u);
  EXPECT_EQ(engine_->Get(1).status().code(), absl::StatusCode::kNotFound);
  auto read = engine_->Read(1, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
  auto it = engine_->NewIterator(1);
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
  auto stats = engine_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 0u);
  EXPECT_EQ(stats->head, 0u);
  EXPECT_FALSE(stats->first_occurred_at.present());
  EXPECT_FALSE(stats->last_occurred_at.present());
}

TEST_F(ReadTest, GetOutsideTheLogIsNotFound) {
  AppendN(3);
  EXPECT_EQ(engine_->Get(0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Get(4).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Get(UINT64_MAX).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(engine_->Get(3).ok());
}

TEST_F(ReadTest, ReadReturnsTheRequestedWindow) {
  AppendN(10);
  auto seqs = [](const std::vector<Event>& events) {
    std::vector<uint64_t> out;
    for (const Event& e : events) out.push_back(e.seq);
    return out;
  };
  auto r = engine_->Read(3, 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seqs(*r), (std::vector<uint64_t>{3, 4, 5, 6}));
  r = engine_->Read(8, 100);  // fewer at the end
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seqs(*r), (std::vector<uint64_t>{8, 9, 10}));
  r = engine_->Read(0, 2);  // 0 reads from the start
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seqs(*r), (std::vector<uint64_t>{1, 2}));
  r = engine_->Read(11, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = engine_->Read(1, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  auto all = engine_->Read(1, 10);
  ASSERT_TRUE(all.ok());
  for (const Event& e : *all)
    EXPECT_EQ(e.statement.content, SmallStatement(static_cast<int>(e.seq)).content);
}

TEST_F(ReadTest, IteratorStartsAtFromSeqAndSeesASnapshot) {
  AppendN(5);
  auto it = engine_->NewIterator(3);
  AppendN(2);  // after the iterator was created: not seen by it
  std::vector<uint64_t> seen;
  for (; it->Valid(); it->Next()) seen.push_back(it->event().seq);
  EXPECT_TRUE(it->status().ok()) << it->status();
  EXPECT_EQ(seen, (std::vector<uint64_t>{3, 4, 5}));

  auto fresh = engine_->NewIterator(6);
  ASSERT_TRUE(fresh->Valid());
  EXPECT_EQ(fresh->event().seq, 6u);
  auto past = engine_->NewIterator(8);
  EXPECT_FALSE(past->Valid());
  EXPECT_TRUE(past->status().ok());
}

TEST_F(ReadTest, StatsTrackOccurredRangeIncludingPre1970) {
  Statement a = SmallStatement(1);
  a.occurred_at = T("2025-03-31T14:05:00Z");
  Statement b = SmallStatement(2);
  b.occurred_at = T("1969-07-20T20:17:40.5Z");
  Statement c = SmallStatement(3);
  c.occurred_at = T("2030");
  for (const auto& s : {a, b, c}) ASSERT_TRUE(engine_->Append(s).ok());
  auto check = [&](const Engine& e) {
    auto stats = e.Stats();
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->events, 3u);
    EXPECT_EQ(stats->head, 3u);
    EXPECT_EQ(stats->first_occurred_at, b.occurred_at);
    EXPECT_EQ(stats->last_occurred_at, c.occurred_at);
    EXPECT_GT(stats->bytes_on_disk, 0u);
  };
  check(*engine_);
  engine_.reset();
  auto reopened = Engine::Open(dir_.Sub("store"), FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  check(**reopened);
}

// --- damaged log entries ---

enum class Damage { kFlippedByte, kOddGarbage, kTruncatedValidChecksum,
                    kEntryOfAnotherSeq, kEmpty };

std::string DamageName(const ::testing::TestParamInfo<Damage>& info) {
  switch (info.param) {
    case Damage::kFlippedByte: return "FlippedByte";
    case Damage::kOddGarbage: return "OddGarbage";
    case Damage::kTruncatedValidChecksum: return "TruncatedValidChecksum";
    case Damage::kEntryOfAnotherSeq: return "EntryOfAnotherSeq";
    case Damage::kEmpty: return "Empty";
  }
  return "Unknown";
}

// Wraps `payload` with a correct checksum header, as the codec would.
std::string WithChecksum(std::string_view payload) {
  uint64_t sum = XXH64(payload.data(), payload.size(), 0);
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(sum >> (8 * i)));
  out.append(payload);
  return out;
}

// Writes three statements, closes the store, then replaces the stored value
// of seq 2 behind the engine's back.
void MakeDamagedStore(const std::string& path, Damage damage) {
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE((*opened)->Append(SmallStatement(i)).ok());
  }
  WithRawDb(path, [&](const RawDb& raw) {
    std::string v2, v1;
    ASSERT_TRUE(raw.db->Get({}, raw.log, internal::EncodeU64(2), &v2).ok());
    ASSERT_TRUE(raw.db->Get({}, raw.log, internal::EncodeU64(1), &v1).ok());
    ASSERT_GT(v2.size(), 24u);
    std::string bad;
    switch (damage) {
      case Damage::kFlippedByte:
        bad = v2;
        bad[bad.size() / 2] ^= 0x20;
        break;
      case Damage::kOddGarbage:
        bad = "garbage";  // 7 bytes
        break;
      case Damage::kTruncatedValidChecksum: {
        std::string_view payload = std::string_view(v2).substr(8);
        bad = WithChecksum(payload.substr(0, (payload.size() / 2) & ~size_t{7}));
        break;
      }
      case Damage::kEntryOfAnotherSeq:
        bad = v1;  // intact, but claims seq 1
        break;
      case Damage::kEmpty:
        bad = "";
        break;
    }
    ASSERT_NE(bad, v2);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    ASSERT_TRUE(raw.db->Put(wo, raw.log, internal::EncodeU64(2), bad).ok());
  });
}

// MakeDamagedStore, then opens it.
void OpenDamagedStore(const TempDir& dir, Damage damage, std::unique_ptr<Engine>* out) {
  const std::string path = dir.Sub("store");
  ASSERT_NO_FATAL_FAILURE(MakeDamagedStore(path, damage));
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  *out = *std::move(opened);
}

class DamagedLogTest : public ::testing::TestWithParam<Damage> {};

TEST_P(DamagedLogTest, DamagedEntryIsDataLossAndNeighboursStayReadable) {
  TempDir dir;
  std::unique_ptr<Engine> opened;
  ASSERT_NO_FATAL_FAILURE(OpenDamagedStore(dir, GetParam(), &opened));
  Engine& engine = *opened;
  EXPECT_EQ(engine.Head(), 3u);

  auto e2 = engine.Get(2);
  ASSERT_FALSE(e2.ok());
  EXPECT_EQ(e2.status().code(), absl::StatusCode::kDataLoss) << e2.status();
  EXPECT_THAT(Msg(e2.status()), HasSubstr("seq 2"));

  auto e1 = engine.Get(1);
  ASSERT_TRUE(e1.ok()) << e1.status();
  EXPECT_EQ(e1->statement.content, SmallStatement(1).content);
  auto e3 = engine.Get(3);
  ASSERT_TRUE(e3.ok()) << e3.status();
  EXPECT_EQ(e3->statement.content, SmallStatement(3).content);

  // The id index is separate and still points at seq 2.
  auto found = engine.FindById(ContentId(SmallStatement(2)));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, 2u);

  // A scan stops at the damage and says why.
  auto it = engine.NewIterator(1);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->event().seq, 1u);
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(it->status().code(), absl::StatusCode::kDataLoss) << it->status();

  auto from3 = engine.NewIterator(3);
  ASSERT_TRUE(from3->Valid());
  EXPECT_EQ(from3->event().seq, 3u);

  auto read = engine.Read(1, 10);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);

  // Appending still works and continues the log.
  auto r = engine.Append(SmallStatement(4));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->seq, 4u);
}

INSTANTIATE_TEST_SUITE_P(AllDamage, DamagedLogTest,
                         ::testing::Values(Damage::kFlippedByte,
                                           Damage::kOddGarbage,
                                           Damage::kTruncatedValidChecksum,
                                           Damage::kEntryOfAnotherSeq,
                                           Damage::kEmpty),
                         DamageName);

// Read(from, limit) asks for `limit` events; damage beyond them must not
// fail the read of intact ones.
TEST(DamagedLogReadTest, ReadStopsAtLimitWithoutTouchingLaterDamage) {
  TempDir dir;
  std::unique_ptr<Engine> engine;
  ASSERT_NO_FATAL_FAILURE(OpenDamagedStore(dir, Damage::kFlippedByte, &engine));
  auto read = engine->Read(1, 1);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].seq, 1u);
}

// The read-ahead iterator replays use (log/prefetch_iterator.h) returns what
// a plain scan does, in chunks, up to its limit, and stops cleanly when
// abandoned while its helper waits on a full queue.
TEST_F(ReadTest, PrefetchingIteratorMatchesAPlainScan) {
  constexpr uint64_t kChunk = internal::PrefetchingIterator::kChunkEvents;
  constexpr uint64_t kEvents = kChunk * (internal::PrefetchingIterator::kChunks + 2) + 17;
  std::vector<Statement> batch;
  for (uint64_t i = 1; i <= kEvents; ++i) batch.push_back(SmallStatement(static_cast<int>(i)));
  ASSERT_TRUE(engine_->Append(batch).ok());
  ASSERT_EQ(engine_->Head(), kEvents);
  internal::LogStore* db = internal::ServicesOf(*engine_)->log_store();
  ASSERT_NE(db, nullptr);
  for (uint64_t from : {uint64_t{0}, uint64_t{1}, kChunk, kChunk + 1, kEvents, kEvents + 1}) {
    for (uint64_t max : {uint64_t{0}, uint64_t{1}, kChunk, 3 * kChunk + 5}) {
      const uint64_t first = std::max<uint64_t>(from, 1);
      uint64_t last = kEvents;
      if (max != 0) last = std::min(last, first + max - 1);
      auto it = db->NewPrefetchingIterator(from, max, internal::DecodeDepth::kFull);
      uint64_t want = first;
      for (; it->Valid(); it->Next(), ++want) {
        ASSERT_EQ(it->event().seq, want) << "from " << from << " max " << max;
        ASSERT_EQ(it->event().statement.content,
                  SmallStatement(static_cast<int>(want)).content);
      }
      EXPECT_TRUE(it->status().ok()) << it->status();
      EXPECT_EQ(want, last + 1) << "from " << from << " max " << max;
    }
  }
  // Abandoned after a few events: the helper is blocked on a full queue.
  auto it = db->NewPrefetchingIterator(1, 0, internal::DecodeDepth::kFull);
  for (int i = 0; i < 3; ++i) it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->event().seq, 4u);
  it.reset();  // must not hang
}

TEST(DamagedLogReadTest, PrefetchingIteratorStopsAtDamageAndNotBeforeItsLimit) {
  TempDir dir;
  std::unique_ptr<Engine> engine;
  ASSERT_NO_FATAL_FAILURE(OpenDamagedStore(dir, Damage::kFlippedByte, &engine));
  internal::LogStore* db = internal::ServicesOf(*engine)->log_store();
  ASSERT_NE(db, nullptr);

  auto all = db->NewPrefetchingIterator(1, 0, internal::DecodeDepth::kFull);
  ASSERT_TRUE(all->Valid());
  EXPECT_EQ(all->event().seq, 1u);
  all->Next();
  EXPECT_FALSE(all->Valid());
  EXPECT_EQ(all->status().code(), absl::StatusCode::kDataLoss) << all->status();
  EXPECT_THAT(Msg(all->status()), HasSubstr("seq 2"));

  // A limit that ends before the damage never reads it.
  auto one = db->NewPrefetchingIterator(1, 1, internal::DecodeDepth::kFull);
  ASSERT_TRUE(one->Valid());
  one->Next();
  EXPECT_FALSE(one->Valid());
  EXPECT_TRUE(one->status().ok()) << one->status();

  auto from3 = db->NewPrefetchingIterator(3, 0, internal::DecodeDepth::kFull);
  ASSERT_TRUE(from3->Valid());
  EXPECT_EQ(from3->event().seq, 3u);
  from3->Next();
  EXPECT_FALSE(from3->Valid());
  EXPECT_TRUE(from3->status().ok()) << from3->status();
}

// Issue 16.2: seqs missing from the log (entries deleted under annals)
// end every scan with IsStoreDamaged naming them, rather than a clean end
// after part of the log.
TEST(MissingSeqsTest, ScansReportSeqsMissingFromTheLog) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    auto engine = Engine::Open(path, FastOptions());
    ASSERT_TRUE(engine.ok()) << engine.status();
    std::vector<Statement> batch;
    for (int i = 1; i <= 10; ++i) batch.push_back(SmallStatement(i));
    ASSERT_TRUE((*engine)->Append(batch).ok());
  }
  WithRawDb(path, [](const RawDb& raw) {
    for (uint64_t seq : {5, 6})
      ASSERT_TRUE(raw.db->Delete(rocksdb::WriteOptions(), raw.log, internal::EncodeSeq(seq)).ok());
  });
  auto engine = Engine::Open(path, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto it = (*engine)->NewIterator(1);
  uint64_t seen = 0;
  for (; it->Valid(); it->Next()) EXPECT_EQ(it->event().seq, ++seen);
  EXPECT_EQ(seen, 4u);
  EXPECT_TRUE(IsStoreDamaged(it->status())) << it->status();
  EXPECT_THAT(Msg(it->status()), HasSubstr("seqs 5 to 6 are missing"));
  // From after the hole the scan is whole.
  auto after = (*engine)->NewIterator(7);
  for (seen = 6; after->Valid(); after->Next()) EXPECT_EQ(after->event().seq, ++seen);
  EXPECT_EQ(seen, 10u);
  EXPECT_TRUE(after->status().ok()) << after->status();
  auto read = (*engine)->Read(1, 100);
  EXPECT_TRUE(IsStoreDamaged(read.status())) << read.status();
  // Both ends of the log are intact, so only a count finds the hole.
  auto stats = (*engine)->Stats();
  EXPECT_TRUE(IsStoreDamaged(stats.status())) << stats.status();
  EXPECT_THAT(Msg(stats.status()), HasSubstr("2 are missing"));
  internal::LogStore* db = internal::ServicesOf(**engine)->log_store();
  ASSERT_NE(db, nullptr);
  auto pre = db->NewPrefetchingIterator(1, 0, internal::DecodeDepth::kFull);
  for (seen = 0; pre->Valid(); pre->Next()) ++seen;
  EXPECT_EQ(seen, 4u);
  EXPECT_TRUE(IsStoreDamaged(pre->status())) << pre->status();
}

// A hole left by entries removed and compacted away (no deletion left in
// the log to see): the log's first and last seqs agree with its head, so
// the open is clean, and stats finds the hole by counting what is stored.
TEST(MissingSeqsTest, StatsReportsAHoleThatLeavesBothEndsIntact) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    auto engine = Engine::Open(path, FastOptions());
    ASSERT_TRUE(engine.ok()) << engine.status();
    std::vector<Statement> batch;
    for (int i = 1; i <= 50; ++i) batch.push_back(SmallStatement(i));
    ASSERT_TRUE((*engine)->Append(batch).ok());
    auto stats = (*engine)->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->events, 50u);
  }
  WithRawDb(path, [](const RawDb& raw) {
    for (uint64_t seq = 20; seq <= 22; ++seq)
      ASSERT_TRUE(raw.db->Delete(rocksdb::WriteOptions(), raw.log, internal::EncodeSeq(seq)).ok());
    rocksdb::CompactRangeOptions all;
    all.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    ASSERT_TRUE(raw.db->Flush(rocksdb::FlushOptions(), raw.log).ok());
    ASSERT_TRUE(raw.db->CompactRange(all, raw.log, nullptr, nullptr).ok());
  });
  for (bool read_only : {true, false}) {
    SCOPED_TRACE(read_only ? "read-only" : "writable");
    Options options = FastOptions();
    options.read_only = read_only;
    auto engine = Engine::Open(path, options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto stats = (*engine)->Stats();
    EXPECT_TRUE(IsStoreDamaged(stats.status())) << stats.status();
    EXPECT_THAT(Msg(stats.status()), HasSubstr("holds 47 events but its head is 50"));
  }
}

// The log's table file holding seqs 101..200 removed. RocksDB's
// read-only (secondary) view skips a missing file without an error (it
// keeps the last version whose files all exist), so annals must find the
// loss itself: either at open (the log's ends disagree with its head) or
// in the scan (a hole). A writable open is refused by RocksDB.
TEST(MissingSeqsTest, ALogTableFileGoneIsReportedAsDamage) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  std::string second_file;
  for (int part = 0; part < 3; ++part) {
    {
      auto engine = Engine::Open(path, FastOptions());
      ASSERT_TRUE(engine.ok()) << engine.status();
      std::vector<Statement> batch;
      for (int i = 1; i <= (part < 2 ? 100 : 5); ++i) batch.push_back(SmallStatement(part * 100 + i));
      ASSERT_TRUE((*engine)->Append(batch).ok());
    }
    if (part == 2) break;  // the last part stays in the write-ahead log
    WithRawDb(path, [&](const RawDb& raw) {
      ASSERT_TRUE(raw.db->Flush(rocksdb::FlushOptions(), raw.log).ok());
      std::vector<rocksdb::LiveFileMetaData> files;
      raw.db->GetLiveFilesMetaData(&files);
      for (const auto& f : files)
        if (part == 1 && f.column_family_name == internal::kLogFamily &&
            f.smallestkey == internal::EncodeSeq(101))
          second_file = f.db_path + f.name;
    });
  }
  ASSERT_FALSE(second_file.empty());
  ASSERT_TRUE(std::filesystem::remove(second_file)) << second_file;

  Options ro = FastOptions();
  ro.read_only = true;
  auto engine = Engine::Open(path, ro);
  if (!engine.ok()) {
    EXPECT_TRUE(IsStoreDamaged(engine.status())) << engine.status();
  } else {
    auto it = (*engine)->NewIterator(1);
    while (it->Valid()) it->Next();
    EXPECT_TRUE(IsStoreDamaged(it->status())) << it->status();
    EXPECT_TRUE(IsStoreDamaged((*engine)->Read(1, 1000).status()));
    engine->reset();
  }
  auto writer = Engine::Open(path, FastOptions());
  EXPECT_FALSE(writer.ok());
  EXPECT_TRUE(IsStoreDamaged(writer.status())) << writer.status();
}

}  // namespace
}  // namespace annals
