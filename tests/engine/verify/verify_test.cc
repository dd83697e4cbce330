// VerifyStore: a healthy store verifies clean; each kind of damage, done
// through RocksDB to a closed store, is named by its kind and seq; and the
// engine serves a damaged event as kDataLoss rather than crashing.
#include "annals/verify.h"

#include <algorithm>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/status.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "codec/event_codec.h"
#include "log/keys.h"
#include "projection/entry_keys.h"
#include "projection/runner.h"
#include "rocksdb/write_batch.h"

namespace annals {
namespace {

using test::FastOptions;
using test::RawDb;
using test::TempDir;
using test::WithRawDb;
using ::testing::HasSubstr;

// A store with statements, corrections, retractions, aliases and a
// declarative projection, all projections caught up, closed.
void MakeStore(const std::string& path) {
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ProjectionDefinition def;
  def.name = "by_speaker";
  def.key = {"speaker"};
  ASSERT_TRUE(engine.CreateProjection(def).ok());
  test::ModelLog model;
  test::Generator gen(7, &engine, &model);
  ASSERT_TRUE(gen.AppendBatch(60).ok());
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(gen.Step().ok());
  ASSERT_TRUE(engine.WaitFor(engine.Head(), absl::Seconds(60)).ok());
}

VerifyReport Verify(const std::string& path) {
  auto report = VerifyStore(path);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *report : VerifyReport{};
}

// The problems of `kind`, as "seq: detail" lines, for readable failures.
std::vector<const VerifyProblem*> OfKind(const VerifyReport& r, ProblemKind kind) {
  std::vector<const VerifyProblem*> out;
  for (const auto& p : r.problems)
    if (p.kind == kind) out.push_back(&p);
  return out;
}

std::string Describe(const VerifyReport& r) {
  std::string out;
  for (const auto& p : r.problems)
    out += std::string(ProblemKindName(p.kind)) + " @" + std::to_string(p.seq) + ": " +
           p.detail + "\n";
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  return out;
}

bool Names(const VerifyReport& r, ProblemKind kind, uint64_t seq) {
  for (const auto* p : OfKind(r, kind))
    if (p->seq == seq) return true;
  return false;
}

std::string LogValue(const RawDb& raw, uint64_t seq) {
  std::string v;
  EXPECT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.log, internal::EncodeU64(seq), &v).ok());
  return v;
}

uint64_t Head(const RawDb& raw) {
  std::string v;
  EXPECT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.meta, internal::kMetaHead, &v).ok());
  return internal::DecodeU64(v).value_or(0);
}

// The data prefix of projection `name`'s answering generation.
std::string ProjPrefix(const RawDb& raw, const std::string& name) {
  std::string v;
  EXPECT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.meta,
                          std::string(internal::kMetaProjActive) + name, &v).ok());
  return internal::ProjectionPrefix(name, internal::DecodeU32(v).value_or(0));
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.Sub("store");
    ASSERT_NO_FATAL_FAILURE(MakeStore(path_));
  }
  void Damage(const std::function<void(const RawDb&)>& fn) { WithRawDb(path_, fn); }

  TempDir dir_;
  std::string path_;
};

TEST_F(VerifyTest, HealthyStoreIsClean) {
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.events, r.head);
  EXPECT_GE(r.head, 120u);
  EXPECT_GT(r.id_entries, 0u);
  EXPECT_THAT(r.projections_checked,
              ::testing::UnorderedElementsAre("actors", "topics", "by_speaker"));
}

TEST_F(VerifyTest, FlippedByteIsUndecodableAndServedAsDataLoss) {
  std::string actor;
  Damage([&](const RawDb& raw) {
    std::string v = LogValue(raw, 5);
    auto e = internal::DecodeEvent(v);
    ASSERT_TRUE(e.ok());
    actor = e->statement.speaker.empty() ? e->statement.targets.at(0) : e->statement.speaker;
    v[v.size() / 2] ^= 0x10;
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.log, internal::EncodeU64(5), v).ok());
  });
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(Names(r, ProblemKind::kUndecodable, 5)) << Describe(r);
  EXPECT_EQ(r.problem_count, 1u) << Describe(r);

  // Normal operation: that one event is kDataLoss; the rest still serve.
  auto engine = Engine::Open(path_, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_EQ((*engine)->Get(5).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE((*engine)->Get(6).ok());
  // Timeline pages show the copy their entries carry, checked when it was
  // copied and again (its own checksum) when it is read: still served.
  TimelineQuery q;
  q.name = actor;
  q.include_retracted = true;
  q.limit = 0;
  EXPECT_TRUE((*engine)->Timeline(q).ok());
  // Rebuilding over the damage fails cleanly at that seq.
  ASSERT_TRUE((*engine)->Rebuild("topics").ok());
  absl::Status st = (*engine)->WaitForRebuild("topics", absl::Seconds(60));
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(test::Msg(st), HasSubstr("seq 5"));
}

TEST_F(VerifyTest, DeletedEntryIsAGapAndItsIdDangles) {
  Damage([](const RawDb& raw) {
    ASSERT_TRUE(raw.db->Delete(rocksdb::WriteOptions(), raw.log, internal::EncodeU64(7)).ok());
  });
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(Names(r, ProblemKind::kGap, 7)) << Describe(r);
  EXPECT_TRUE(Names(r, ProblemKind::kIdDangling, 7)) << Describe(r);
}

TEST_F(VerifyTest, TruncatedLogDisagreesWithTheHead) {
  uint64_t head = 0;
  Damage([&](const RawDb& raw) {
    head = Head(raw);
    ASSERT_TRUE(
        raw.db->Delete(rocksdb::WriteOptions(), raw.log, internal::EncodeU64(head)).ok());
  });
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(Names(r, ProblemKind::kHeadMismatch, head)) << Describe(r);
  // Every projection now claims an event the log does not hold.
  EXPECT_TRUE(Names(r, ProblemKind::kCheckpointAhead, head)) << Describe(r);
}

TEST_F(VerifyTest, EntryUnderAnotherSeqIsMisplaced) {
  Damage([](const RawDb& raw) {
    std::string v = LogValue(raw, 2);  // intact, but claims seq 2
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.log, internal::EncodeU64(9), v).ok());
  });
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(Names(r, ProblemKind::kMisplacedSeq, 9)) << Describe(r);
}

TEST_F(VerifyTest, IdIndexMismatchesBothWays) {
  std::string id3;
  Damage([&](const RawDb& raw) {
    // Find the ids of seqs 3 and 4 through the index.
    std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.ids));
    std::string id4;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto seq = internal::DecodeU64(it->value().ToString());
      if (seq == 3u) id3 = it->key().ToString();
      if (seq == 4u) id4 = it->key().ToString();
    }
    ASSERT_FALSE(id3.empty());
    ASSERT_FALSE(id4.empty());
    rocksdb::WriteBatch b;
    b.Delete(raw.ids, id3);                              // log -> index broken
    b.Put(raw.ids, id4, internal::EncodeU64(8));         // points at another event
    b.Put(raw.ids, "no-such-event", internal::EncodeU64(100000));  // beyond the log
    ASSERT_TRUE(raw.db->Write(rocksdb::WriteOptions(), &b).ok());
  });
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(Names(r, ProblemKind::kIdMissing, 3)) << Describe(r);
  EXPECT_TRUE(Names(r, ProblemKind::kIdMissing, 4)) << Describe(r);
  EXPECT_TRUE(Names(r, ProblemKind::kIdDangling, 8)) << Describe(r);
  EXPECT_TRUE(Names(r, ProblemKind::kIdDangling, 100000)) << Describe(r);
}

TEST_F(VerifyTest, DeletedOrChangedProjectionEntriesMismatch) {
  Damage([](const RawDb& raw) {
    ASSERT_NE(raw.proj, nullptr);
    const std::string prefix = ProjPrefix(raw, "actors");
    std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.proj));
    std::string entry, state;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      char tag = it->key()[prefix.size()];
      if (tag == 'e' && entry.empty()) entry = it->key().ToString();
      if (tag == 's' && state.empty()) state = it->key().ToString();
    }
    ASSERT_FALSE(entry.empty());
    ASSERT_FALSE(state.empty());
    rocksdb::WriteBatch b;
    b.Delete(raw.proj, entry);
    b.Put(raw.proj, state, "bogus state");
    b.Put(raw.proj, prefix + "zzz", "a key no event wrote");
    ASSERT_TRUE(raw.db->Write(rocksdb::WriteOptions(), &b).ok());
  });
  VerifyReport r = Verify(path_);
  auto mismatches = OfKind(r, ProblemKind::kProjectionMismatch);
  ASSERT_EQ(mismatches.size(), 3u) << Describe(r);
  for (const auto* p : mismatches) EXPECT_EQ(p->subject, "actors");
  std::string all = Describe(r);
  EXPECT_THAT(all, HasSubstr("missing from the store"));
  EXPECT_THAT(all, HasSubstr("differs from the log's"));
  EXPECT_THAT(all, HasSubstr("not produced by the log"));
  // With the projection comparison off, the same store passes.
  VerifyOptions fast;
  fast.projections = false;
  auto quick = VerifyStore(path_, fast);
  ASSERT_TRUE(quick.ok());
  EXPECT_TRUE(quick->ok()) << Describe(*quick);
}

// Timeline entries carry each event's stored bytes (entry_keys.h): a byte
// flipped in that copy is a projection mismatch for verify, and a page that
// shows the entry reports kDataLoss instead of serving the damaged copy.
TEST_F(VerifyTest, DamagedEventCopyInAnEntryMismatchesAndIsDataLoss) {
  std::string actor;
  uint64_t seq = 0;
  Damage([&](const RawDb& raw) {
    ASSERT_NE(raw.proj, nullptr);
    const std::string prefix = ProjPrefix(raw, "actors");
    std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.proj));
    std::string key, value;
    for (it->Seek(prefix + "e"); it->Valid() && it->key().starts_with(prefix + "e"); it->Next()) {
      const std::string k = it->key().ToString(), v = it->value().ToString();
      auto e = internal::ParseEntry(std::string_view(k).substr(prefix.size()), v);
      ASSERT_TRUE(e.has_value());
      if (e->until != internal::kOpen || e->stmt != e->from) continue;  // a current original
      ASSERT_GT(e->event.size(), 20u) << "entries carry the event";
      auto decoded = internal::DecodeEvent(e->event);
      ASSERT_TRUE(decoded.ok()) << decoded.status();
      EXPECT_EQ(e->event, LogValue(raw, e->from)) << "the copy is the log's bytes";
      actor = internal::DecodeGroup(e->group)->at(0);
      seq = e->stmt;
      key = k;
      value = v;
      break;
    }
    ASSERT_FALSE(key.empty());
    value[value.size() - value.size() / 3] ^= 0x10;  // inside the copied event
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.proj, key, value).ok());
  });
  VerifyReport r = Verify(path_);
  ASSERT_TRUE(Names(r, ProblemKind::kProjectionMismatch, seq)) << Describe(r);
  EXPECT_EQ(r.problem_count, 1u) << Describe(r);
  EXPECT_THAT(Describe(r), HasSubstr("differs from the log's"));

  auto engine = Engine::Open(path_, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_TRUE((*engine)->Get(seq).ok());  // the log itself is intact
  TimelineQuery q;
  q.name = actor;
  q.limit = 0;
  auto page = (*engine)->Timeline(q);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kDataLoss) << page.status();
}

// An entry whose value cannot be read ends a timeline page (and counts)
// with damage, not silently after the rows before it.
TEST_F(VerifyTest, AnUnreadableEntryEndsTimelinesAndCountsAsDamage) {
  std::string actor;
  Damage([&](const RawDb& raw) {
    ASSERT_NE(raw.proj, nullptr);
    const std::string prefix = ProjPrefix(raw, "actors");
    std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.proj));
    it->Seek(prefix + "e");
    ASSERT_TRUE(it->Valid() && it->key().starts_with(prefix + "e"));
    const std::string k = it->key().ToString();
    auto e = internal::ParseEntry(std::string_view(k).substr(prefix.size()), it->value().ToString());
    ASSERT_TRUE(e.has_value());
    actor = internal::DecodeGroup(e->group)->at(0);
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.proj, k, "bad").ok());
  });
  auto engine = Engine::Open(path_, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  TimelineQuery q;
  q.name = actor;
  q.limit = 0;
  auto page = (*engine)->Timeline(q);
  EXPECT_TRUE(IsStoreDamaged(page.status())) << page.status();
  CountsQuery c;
  c.projection = "actors";
  c.from = Timestamp{0, Precision::kYear};
  auto counts = (*engine)->Counts(c);
  EXPECT_TRUE(IsStoreDamaged(counts.status())) << counts.status();
}

TEST_F(VerifyTest, CheckpointAheadOfTheHead) {
  uint64_t head = 0;
  Damage([&](const RawDb& raw) {
    head = Head(raw);
    std::string v;
    ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.meta,
                            std::string(internal::kMetaProjActive) + "topics", &v).ok());
    uint32_t gen = *internal::DecodeU32(v);
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.meta,
                            internal::GenerationKey("topics", gen),
                            internal::EncodeGeneration(1, head + 5)).ok());
  });
  VerifyReport r = Verify(path_);
  auto ahead = OfKind(r, ProblemKind::kCheckpointAhead);
  ASSERT_EQ(ahead.size(), 1u) << Describe(r);
  EXPECT_EQ(ahead[0]->subject, "topics");
  EXPECT_EQ(ahead[0]->seq, head + 5);
}

TEST_F(VerifyTest, MissingCorrectionRecord) {
  uint64_t target = 0;
  Damage([&](const RawDb& raw) {
    std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.meta));
    const std::string p = internal::kMetaCorrected;
    it->Seek(p);
    ASSERT_TRUE(it->Valid() && it->key().starts_with(p)) << "the generator made no correction";
    target = *internal::DecodeU64(it->key().ToString().substr(p.size()));
    ASSERT_TRUE(raw.db->Delete(rocksdb::WriteOptions(), raw.meta, it->key()).ok());
  });
  VerifyReport r = Verify(path_);
  EXPECT_TRUE(Names(r, ProblemKind::kAmendRecord, target)) << Describe(r);
}

TEST(VerifyStoreTest, NoStoreAndForeignDatabase) {
  TempDir dir;
  EXPECT_EQ(VerifyStore(dir.Sub("missing")).status().code(), absl::StatusCode::kNotFound);
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir.Sub("foreign"), &db).ok());
    delete db;
  }
  EXPECT_EQ(VerifyStore(dir.Sub("foreign")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace annals
