// The append path: every field survives a round trip through the log, seqs
// stay gapless under concurrent appenders, appends are idempotent, and
// invalid input writes nothing.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::Bulk;
using test::FastOptions;
using test::FullStatement;
using test::Msg;
using test::SmallStatement;
using test::T;
using test::TempDir;

// Field-by-field, so a failure names the field that did not survive.
void ExpectSameStatement(const Statement& got, const Statement& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.speaker, want.speaker);
  EXPECT_EQ(got.targets, want.targets);
  EXPECT_EQ(got.verb, want.verb);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.event_type, want.event_type);
  EXPECT_EQ(got.topics, want.topics);
  EXPECT_EQ(got.content, want.content);
  EXPECT_EQ(got.quote, want.quote);
  EXPECT_EQ(got.occurred_at, want.occurred_at);
  EXPECT_EQ(got.source.outlet, want.source.outlet);
  EXPECT_EQ(got.source.url, want.source.url);
  EXPECT_EQ(got.source.published_at, want.source.published_at);
  EXPECT_EQ(got.source.via, want.source.via);
  ASSERT_EQ(got.attributes.size(), want.attributes.size());
  for (size_t i = 0; i < want.attributes.size(); ++i) {
    EXPECT_EQ(got.attributes[i].key, want.attributes[i].key) << "attribute " << i;
    EXPECT_EQ(got.attributes[i].value, want.attributes[i].value) << "attribute " << i;
  }
  EXPECT_TRUE(got == want);
}

class AppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(AppendTest, EveryFieldRoundTripsThroughEveryReadPath) {
  // One statement per precision; the first is fully populated.
  std::vector<Statement> want;
  for (const char* when :
       {"2025-03-31T14:05:00.123456Z", "2025", "2025-03", "2025-03-31",
        "2025-03-31T14:05:00Z", "1969-12-31T23:59:59.5Z"}) {
    Statement s = FullStatement();
    s.id = std::string("caller-") + when;
    s.occurred_at = T(when);
    want.push_back(s);
  }
  // Absent optional fields stay absent (not turned into something else).
  Statement sparse;
  sparse.targets = {"Kyiv"};
  sparse.code = "0211";
  sparse.occurred_at = T("2025-01");
  want.push_back(sparse);

  int64_t before = absl::ToUnixMicros(absl::Now());
  std::vector<uint64_t> seqs;
  for (const Statement& s : want) {
    auto r = engine_->Append(s);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->duplicate);
    seqs.push_back(r->seq);
  }
  int64_t after = absl::ToUnixMicros(absl::Now());
  ASSERT_EQ(engine_->Head(), want.size());
  // The content id was derived for the statement without a caller id.
  want.back().id = ContentId(sparse);

  std::vector<Event> via_get;
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("statement " + std::to_string(i));
    EXPECT_EQ(seqs[i], i + 1);
    auto e = engine_->Get(seqs[i]);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->seq, i + 1);
    EXPECT_EQ(e->id, want[i].id);
    EXPECT_EQ(e->schema_version, 1);
    EXPECT_EQ(e->kind, EventKind::kStatement);
    EXPECT_STREQ(EventKindName(e->kind), "statement");
    EXPECT_GE(e->recorded_at, before);
    EXPECT_LE(e->recorded_at, after);
    if (i > 0) EXPECT_GE(e->recorded_at, via_get.back().recorded_at);
    ExpectSameStatement(e->statement, want[i]);

    auto found = engine_->FindById(want[i].id);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(*found, i + 1);
    via_get.push_back(*std::move(e));
  }

  auto read = engine_->Read(1, 100);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, via_get);

  std::vector<Event> via_iter;
  auto it = engine_->NewIterator(0);
  for (; it->Valid(); it->Next()) via_iter.push_back(it->event());
  EXPECT_TRUE(it->status().ok()) << it->status();
  EXPECT_EQ(via_iter, via_get);
}

TEST_F(AppendTest, FullStatementSurvivesReopen) {
  Statement s = FullStatement();
  auto r = engine_->Append(s);
  ASSERT_TRUE(r.ok()) << r.status();
  auto before = engine_->Get(r->seq);
  ASSERT_TRUE(before.ok());
  engine_.reset();

  auto reopened = Engine::Open(dir_.Sub("store"), FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto e = (*reopened)->Get(1);
  ASSERT_TRUE(e.ok()) << e.status();
  ExpectSameStatement(e->statement, s);
  EXPECT_EQ(*e, *before);
}

TEST_F(AppendTest, BatchAssignsConsecutiveSeqsInOrder) {
  ASSERT_TRUE(engine_->Append(SmallStatement(0)).ok());
  std::vector<Statement> batch = {SmallStatement(1), SmallStatement(2),
                                  SmallStatement(3)};
  auto r = engine_->Append(batch);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*r)[i].seq, i + 2);
    EXPECT_FALSE((*r)[i].duplicate);
    auto e = engine_->Get(i + 2);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->statement.content, batch[i].content);
  }
  // One batch shares one recorded_at.
  EXPECT_EQ(engine_->Get(2)->recorded_at, engine_->Get(4)->recorded_at);
  EXPECT_EQ(engine_->Head(), 4u);
}

TEST_F(AppendTest, EmptyBatchWritesNothing) {
  auto r = engine_->Append(std::span<const Statement>());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(engine_->Head(), 0u);
}

// --- idempotency ---

TEST_F(AppendTest, ReappendingReturnsOriginalSeqAsDuplicate) {
  Statement content_id = SmallStatement(1);
  Statement caller_id = FullStatement();
  ASSERT_EQ(engine_->Append(content_id)->seq, 1u);
  ASSERT_EQ(engine_->Append(SmallStatement(2))->seq, 2u);
  ASSERT_EQ(engine_->Append(caller_id)->seq, 3u);

  auto again = engine_->Append(content_id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, 1u);

  again = engine_->Append(caller_id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, 3u);
  EXPECT_EQ(engine_->Head(), 3u);
}

TEST_F(AppendTest, CallerIdDecidesIdentityOverContent) {
  Statement a = SmallStatement(1);
  a.id = "reuters:42";
  ASSERT_EQ(engine_->Append(a)->seq, 1u);

  // Same caller id, different content: the id wins, nothing new is stored.
  Statement b = SmallStatement(2);
  b.id = "reuters:42";
  auto r = engine_->Append(b);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->seq, 1u);
  EXPECT_EQ(engine_->Get(1)->statement.content, a.content);

  // Same content, different caller id: a different statement.
  Statement c = SmallStatement(1);
  c.id = "reuters:43";
  r = engine_->Append(c);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->seq, 2u);

  // Same content without a caller id: stored under its content id.
  r = engine_->Append(SmallStatement(1));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->seq, 3u);
  auto e = engine_->Get(3);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, ContentId(SmallStatement(1)));
  EXPECT_EQ(e->statement.id, e->id);
  EXPECT_THAT(e->id, ::testing::MatchesRegex("h:[0-9a-f]{32}"));
  EXPECT_EQ(*engine_->FindById(e->id), 3u);
  EXPECT_EQ(*engine_->FindById("reuters:42"), 1u);
  EXPECT_EQ(engine_->FindById("reuters:44").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AppendTest, NfdAndNfcSpellingsAreTheSameStatement) {
  Statement nfc = SmallStatement(1);
  nfc.speaker = "Jos\xC3\xA9";  // U+00E9
  Statement nfd = nfc;
  nfd.speaker = "Jose\xCC\x81";  // e + U+0301
  ASSERT_FALSE(engine_->Append(nfc)->duplicate);
  auto r = engine_->Append(nfd);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->seq, 1u);
}

TEST_F(AppendTest, RepeatsInsideOneBatchGetTheFirstSeq) {
  ASSERT_EQ(engine_->Append(SmallStatement(0))->seq, 1u);
  Statement keyed = SmallStatement(9);
  keyed.id = "k1";
  Statement keyed_other_content = SmallStatement(10);
  keyed_other_content.id = "k1";
  std::vector<Statement> batch = {SmallStatement(1), keyed, SmallStatement(1),
                                  SmallStatement(0), SmallStatement(2),
                                  keyed_other_content};
  auto r = engine_->Append(batch);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), batch.size());
  EXPECT_EQ((*r)[0].seq, 2u);
  EXPECT_FALSE((*r)[0].duplicate);
  EXPECT_EQ((*r)[1].seq, 3u);
  EXPECT_FALSE((*r)[1].duplicate);
  EXPECT_EQ((*r)[2].seq, 2u);  // repeat of [0]
  EXPECT_TRUE((*r)[2].duplicate);
  EXPECT_EQ((*r)[3].seq, 1u);  // already stored before the batch
  EXPECT_TRUE((*r)[3].duplicate);
  EXPECT_EQ((*r)[4].seq, 4u);  // no gap left by the repeats
  EXPECT_FALSE((*r)[4].duplicate);
  EXPECT_EQ((*r)[5].seq, 3u);  // repeat of [1] by caller id
  EXPECT_TRUE((*r)[5].duplicate);
  EXPECT_EQ(engine_->Head(), 4u);

  // A batch of nothing but duplicates changes nothing.
  auto again = engine_->Append(batch);
  ASSERT_TRUE(again.ok());
  for (const AppendResult& a : *again) EXPECT_TRUE(a.duplicate);
  EXPECT_EQ(engine_->Head(), 4u);
}

TEST_F(AppendTest, DuplicatesAreRecognisedAfterReopen) {
  ASSERT_TRUE(engine_->Append(SmallStatement(1)).ok());
  ASSERT_TRUE(engine_->Append(FullStatement()).ok());
  engine_.reset();
  auto reopened = Engine::Open(dir_.Sub("store"), FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto r = (*reopened)->Append(FullStatement());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->seq, 2u);
  r = (*reopened)->Append(SmallStatement(1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->seq, 1u);
  EXPECT_EQ((*reopened)->Head(), 2u);
}

// --- validation on the append path ---

TEST_F(AppendTest, InvalidStatementIsRejectedWithFieldName) {
  Statement s = SmallStatement(1);
  s.speaker = "abc\xFF";
  auto r = engine_->Append(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  // A single statement's error carries no "statements[0]: " prefix.
  EXPECT_THAT(Msg(r.status()), StartsWith("speaker: "));
  EXPECT_EQ(engine_->Head(), 0u);
}

TEST_F(AppendTest, BatchWithOneInvalidStatementWritesNothing) {
  ASSERT_TRUE(engine_->Append(SmallStatement(0)).ok());
  Statement bad = SmallStatement(2);
  bad.verb.clear();
  bad.code.clear();
  std::vector<Statement> batch = {SmallStatement(1), bad, SmallStatement(3)};
  auto r = engine_->Append(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), StartsWith("statements[1]: verb: "));
  EXPECT_EQ(engine_->Head(), 1u);
  EXPECT_EQ(engine_->FindById(ContentId(SmallStatement(1))).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Get(2).status().code(), absl::StatusCode::kNotFound);

  // The valid ones go in afterwards with no gap.
  auto ok = engine_->Append(SmallStatement(1));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->seq, 2u);
  EXPECT_FALSE(ok->duplicate);
}

// A large batch is validated and hashed in parts on helper threads
// (Options::helper_threads); the caller still sees the first bad statement.
TEST_F(AppendTest, LargeBatchReportsItsFirstInvalidStatementAndWritesNothing) {
  std::vector<Statement> batch;
  for (int i = 0; i < 2000; ++i) batch.push_back(SmallStatement(i));
  batch[1500].speaker = "bad\xFF";
  batch[700].occurred_at = Timestamp{};
  auto r = engine_->Append(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Msg(r.status()), StartsWith("statements[700]: occurred_at: "));
  batch[700] = SmallStatement(700);
  r = engine_->Append(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Msg(r.status()), StartsWith("statements[1500]: speaker: "));
  EXPECT_EQ(engine_->Head(), 0u);
}

TEST_F(AppendTest, LargeBatchGetsEachStatementsOwnId) {
  std::vector<Statement> batch;
  for (int i = 0; i < 2000; ++i) batch.push_back(SmallStatement(i));
  batch[3].id = "caller-3";
  auto r = engine_->Append(batch);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ((*r)[i].seq, i + 1);
    auto found = engine_->FindById(EffectiveId(batch[i]));
    ASSERT_TRUE(found.ok()) << i << ": " << found.status();
    EXPECT_EQ(*found, i + 1);
  }
  EXPECT_TRUE(engine_->FindById("caller-3").ok());
}

// With a small memtable the id index flushes often: ids must be found
// wherever they are (memtable, immutable memtables, files), also after a
// reopen.
TEST_F(AppendTest, DuplicatesAreFoundAcrossIdIndexFlushes) {
  constexpr int kStatements = 40000;  // several flushes of a 1 MiB id memtable
  std::vector<Statement> all;
  for (int i = 0; i < kStatements; ++i) {
    all.push_back(SmallStatement(i));
    if (i % 3 == 0) all.back().id = "caller:" + std::to_string(i);
  }
  for (size_t at = 0; at < all.size(); at += 1000) {
    auto r = engine_->Append(std::span<const Statement>(all).subspan(at, 1000), Bulk());
    ASSERT_TRUE(r.ok()) << r.status();
  }
  auto check = [&](Engine& e) {
    for (size_t at = 0; at < all.size(); at += 1000) {
      auto r = e.Append(std::span<const Statement>(all).subspan(at, 1000), Bulk());
      ASSERT_TRUE(r.ok()) << r.status();
      for (size_t i = 0; i < 1000; ++i) {
        ASSERT_TRUE((*r)[i].duplicate) << at + i;
        ASSERT_EQ((*r)[i].seq, at + i + 1);
      }
    }
    EXPECT_EQ(e.Head(), static_cast<uint64_t>(kStatements));
    auto found = e.FindById("caller:39999");
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(*found, 40000u);
  };
  check(*engine_);
  engine_.reset();
  auto reopened = Engine::Open(dir_.Sub("store"), FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  check(**reopened);
}

TEST_F(AppendTest, ReservedIdPrefixIsRejected) {
  Statement s = SmallStatement(1);
  s.id = ContentId(s);  // even its own content id
  auto r = engine_->Append(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), StartsWith("id: "));
  EXPECT_EQ(engine_->Head(), 0u);
}

// --- concurrency ---

Statement ThreadStatement(int thread, int i) {
  Statement s = SmallStatement(thread * 100000 + i);
  // Half with caller ids, half with content ids.
  if (i % 2 == 0) s.id = "t" + std::to_string(thread) + "-" + std::to_string(i);
  return s;
}

Statement SharedStatement(int i) {
  Statement s = SmallStatement(-1 - i);
  s.speaker = "Shared";
  return s;
}

TEST(AppendConcurrencyTest, SeqsStayGaplessUnderConcurrentAppenders) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  constexpr int kShared = 50;  // appended by every thread: exactly one wins
  constexpr uint64_t kTotal = kThreads * kPerThread + kShared;
  TempDir dir;
  const std::string path = dir.Sub("store");

  // Per thread: (id, seq, duplicate) for everything it appended.
  struct Got {
    std::string id;
    uint64_t seq;
    bool duplicate;
  };
  std::vector<std::vector<Got>> got(kThreads);
  std::vector<std::string> errors(kThreads);
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    Engine& engine = **opened;

    // A reader checking that whatever Head() says is readable.
    std::atomic<bool> done{false};
    std::atomic<int> unreadable_heads{0};
    std::thread reader([&] {
      while (!done.load()) {
        uint64_t h = engine.Head();
        if (h > 0 && !engine.Get(h).ok()) ++unreadable_heads;
      }
    });

    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        auto record = [&](const Statement& s, const AppendResult& r) {
          got[t].push_back({EffectiveId(s), r.seq, r.duplicate});
        };
        int i = 0;
        int shared = 0;
        while (i < kPerThread) {
          if (shared < kShared) {
            Statement s = SharedStatement(shared++);
            auto r = engine.Append(s, Bulk());
            if (!r.ok()) { errors[t] = r.status().ToString(); return; }
            record(s, *r);
          }
          if (i % 40 < 20) {
            Statement s = ThreadStatement(t, i++);
            auto r = engine.Append(s, Bulk());
            if (!r.ok()) { errors[t] = r.status().ToString(); return; }
            record(s, *r);
          } else {
            std::vector<Statement> batch;
            for (int k = 0; k < 5 && i < kPerThread; ++k)
              batch.push_back(ThreadStatement(t, i++));
            auto r = engine.Append(batch, Bulk());
            if (!r.ok()) { errors[t] = r.status().ToString(); return; }
            for (size_t k = 0; k < batch.size(); ++k) record(batch[k], (*r)[k]);
          }
        }
      });
    }
    for (auto& w : writers) w.join();
    done = true;
    reader.join();
    for (int t = 0; t < kThreads; ++t) ASSERT_EQ(errors[t], "") << "thread " << t;
    EXPECT_EQ(unreadable_heads.load(), 0);

    ASSERT_EQ(engine.Head(), kTotal);
    auto stats = engine.Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->events, kTotal);
    EXPECT_EQ(stats->head, kTotal);

    // The log holds seqs 1..N exactly once, each a distinct id.
    std::map<std::string, uint64_t> id_to_seq;
    uint64_t expect_seq = 1;
    int64_t last_recorded = 0;
    auto it = engine.NewIterator(1);
    for (; it->Valid(); it->Next(), ++expect_seq) {
      const Event& e = it->event();
      ASSERT_EQ(e.seq, expect_seq);
      EXPECT_GE(e.recorded_at, last_recorded) << "seq " << e.seq;
      last_recorded = e.recorded_at;
      EXPECT_TRUE(id_to_seq.emplace(e.id, e.seq).second) << "id twice: " << e.id;
    }
    ASSERT_TRUE(it->status().ok()) << it->status();
    EXPECT_EQ(expect_seq, kTotal + 1);

    // Every append's result points at its own statement; each shared
    // statement was stored once, and every thread got that one seq.
    std::set<std::string> shared_ids;
    for (int i = 0; i < kShared; ++i)
      shared_ids.insert(EffectiveId(SharedStatement(i)));
    std::map<std::string, int> winners;
    std::map<std::string, std::set<uint64_t>> shared_seqs;
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(got[t].size(), size_t{kPerThread + kShared});
      for (const Got& g : got[t]) {
        ASSERT_EQ(id_to_seq.count(g.id), 1u) << g.id;
        EXPECT_EQ(id_to_seq[g.id], g.seq) << g.id;
        if (shared_ids.count(g.id)) {
          shared_seqs[g.id].insert(g.seq);
          if (!g.duplicate) ++winners[g.id];
        } else {
          EXPECT_FALSE(g.duplicate) << "own statement " << g.id;
        }
      }
    }
    for (const std::string& id : shared_ids) {
      EXPECT_EQ(winners[id], 1) << id;
      EXPECT_EQ(shared_seqs[id].size(), 1u) << id;
    }
  }

  // After reopening: still N, and the next append is N + 1.
  auto reopened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->Head(), kTotal);
  auto r = (*reopened)->Append(SmallStatement(-100000));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->seq, kTotal + 1);
}

}  // namespace
}  // namespace annals
