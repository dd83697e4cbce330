// The search index as part of the store: `verify` compares it with a
// replay of the log (each kind of damage found), and backups carry it to
// the restored store.
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "annals/backup.h"
#include "annals/search.h"
#include "annals/verify.h"
#include "engine/search/search_seqs.h"
#include "engine/test_util.h"
#include "facade/services.h"
#include "gtest/gtest.h"
#include "search/search_index.h"
#include "search/search_follower.h"
#include "serve/search_wire.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using test::FastOptions;
using test::Seqs;
using test::T;
using test::TempDir;

Statement Said(const std::string& speaker, const std::string& content) {
  Statement s;
  s.speaker = speaker;
  s.verb = "said";
  s.content = content;
  s.quote = "a quoted rare earth";
  s.topics = {"minerals"};
  s.occurred_at = T("2025-03-01");
  return s;
}

SearchQuery Query(const std::string& text) {
  SearchQuery q;
  q.text = text;
  q.limit = 100;
  return q;
}

// A store of 6 statements, one corrected and one retracted, with its
// English index caught up (in the store's search/).
void Fill(Engine& e, const std::string& store) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(e.Append(Said("Speaker " + std::to_string(i % 2),
                              "talks on rare earth metals, round " + std::to_string(i)))
                    .ok());
  Statement fixed = Said("Speaker 0", "talks on cobalt instead");
  ASSERT_TRUE(e.Correct(1, fixed, "misquoted").ok());
  ASSERT_TRUE(e.Retract(2, "withdrawn").ok());
  ASSERT_EQ(Seqs(Search(e, store + "/search", Query("metals"))).size(), 4u);
}

class SearchVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = dir_.Sub("store");
    auto engine = Engine::Open(store_, FastOptions());
    ASSERT_TRUE(engine.ok()) << engine.status();
    Fill(**engine, store_);
  }

  std::string IndexDir() const { return store_ + "/search/english"; }

  // Changes the index behind verify's back.
  void Tamper(const std::function<void(Xapian::WritableDatabase&)>& change) {
    Xapian::WritableDatabase db(IndexDir(), Xapian::DB_OPEN);
    change(db);
    db.commit();
  }

  // The document of statement `seq` valid from `version`.
  static Xapian::docid DocOf(Xapian::WritableDatabase& db, uint64_t seq, uint64_t version) {
    const std::string term = internal::SeqTerm(seq);
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
      if (db.get_document(*it).get_value(internal::kValidFrom) ==
          internal::OrderedValue(static_cast<int64_t>(version)))
        return *it;
    ADD_FAILURE() << "no document of " << seq << " as of " << version;
    return 0;
  }

  VerifyReport Verify() {
    auto report = VerifyStore(store_);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }

  // verify finds exactly one kind of problem: a search mismatch.
  void ExpectMismatch(const std::string& what) {
    VerifyReport r = Verify();
    ASSERT_GT(r.problem_count, 0u) << what << " was not found";
    for (const VerifyProblem& p : r.problems) {
      EXPECT_EQ(p.kind, ProblemKind::kSearchMismatch) << p.detail;
      EXPECT_EQ(p.subject, "search:english");
    }
  }

  TempDir dir_;
  std::string store_;
};

TEST_F(SearchVerifyTest, AnIndexMatchingTheLogIsChecked) {
  VerifyReport r = Verify();
  EXPECT_EQ(r.problem_count, 0u) << (r.problems.empty() ? "" : r.problems[0].detail);
  EXPECT_EQ(r.projections_checked,
            (std::vector<std::string>{"actors", "topics", "search:english"}));
}

TEST_F(SearchVerifyTest, AReopenedRetractedVersionIsFound) {
  Tamper([](Xapian::WritableDatabase& db) {
    Xapian::docid id = DocOf(db, 2, 2);
    Xapian::Document d = db.get_document(id);
    d.add_value(internal::kValidUntil, internal::OrderedValue(internal::kForever));
    db.replace_document(id, d);
  });
  ExpectMismatch("a retracted statement made current again");
}

TEST_F(SearchVerifyTest, AMissingWordIsFound) {
  Tamper([](Xapian::WritableDatabase& db) {
    Xapian::docid id = DocOf(db, 3, 3);
    Xapian::Document d = db.get_document(id);
    d.remove_term("metals");
    db.replace_document(id, d);
  });
  ExpectMismatch("a word removed from a document");
}

TEST_F(SearchVerifyTest, AnExtraOrMissingDocumentIsFound) {
  Tamper([](Xapian::WritableDatabase& db) { db.add_document(db.get_document(DocOf(db, 4, 4))); });
  ExpectMismatch("a document added twice");
  Tamper([](Xapian::WritableDatabase& db) {
    db.delete_document(db.get_lastdocid());
    db.delete_document(DocOf(db, 1, 7));  // the correction's version
  });
  ExpectMismatch("a version's document deleted");
}

TEST_F(SearchVerifyTest, AMovedWordIsFound) {
  Tamper([](Xapian::WritableDatabase& db) {
    Xapian::docid id = DocOf(db, 1, 1);  // positions are compared in seq 1's
    Xapian::Document d = db.get_document(id);
    d.remove_posting("talks", 1);
    d.add_posting("talks", 50);  // the same frequency, another place
    db.replace_document(id, d);
  });
  ExpectMismatch("a word at another position");
}

TEST_F(SearchVerifyTest, AWrongEventIdIsFound) {
  Tamper([](Xapian::WritableDatabase& db) { db.set_metadata(internal::IdKey(3), "other"); });
  ExpectMismatch("another event's id recorded");
}

TEST_F(SearchVerifyTest, AnIndexSearchWouldRebuildIsNotedNotCompared) {
  Tamper([](Xapian::WritableDatabase& db) {
    db.set_metadata(internal::IdKey(8), "another log");  // the checkpoint's event
    db.add_document(Xapian::Document());                 // would not match
  });
  VerifyReport r = Verify();
  EXPECT_EQ(r.problem_count, 0u) << (r.problems.empty() ? "" : r.problems[0].detail);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("search:english"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[0].find("another log"), std::string::npos) << r.notes[0];
}

TEST(SearchBackupTest, ABackupCarriesTheIndexToTheRestoredStore) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  const std::string backup = dir.Sub("backup");
  auto engine = Engine::Open(store, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  Fill(**engine, store);
  auto first = Backup(**engine, backup);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->search_indexes, (std::vector<std::string>{"english"}));
  EXPECT_TRUE(fs::exists(fs::path(backup) / "search" / "1" / "english" / "iamglass"));

  // More events, not yet searched: the backup copies the index as it
  // stands, and keeps the newest backup's copy only.
  ASSERT_TRUE((*engine)->Append(Said("Speaker 9", "metals again")).ok());
  // A user's files under the backup's search/, even under a copy's name,
  // are not annals's copies: never removed.
  fs::create_directories(fs::path(backup) / "search" / "0");
  std::ofstream(fs::path(backup) / "search" / "0" / "mine.txt") << "notes";
  std::ofstream(fs::path(backup) / "search" / "notes.txt") << "notes";
  auto second = Backup(**engine, backup);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->backup_id, 2u);
  EXPECT_FALSE(fs::exists(fs::path(backup) / "search" / "1"));
  EXPECT_TRUE(fs::exists(fs::path(backup) / "search" / "0" / "mine.txt"));
  EXPECT_TRUE(fs::exists(fs::path(backup) / "search" / "notes.txt"));
  Xapian::Database copy((fs::path(backup) / "search" / "2" / "english").string());
  EXPECT_EQ(copy.get_metadata(internal::kCheckpointKey), "8");
  const std::vector<uint64_t> want = Seqs(Search(**engine, store + "/search", Query("metals")));
  engine->reset();

  const std::string restored = dir.Sub("restored");
  auto info = RestoreStore(backup, restored);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->search_indexes, (std::vector<std::string>{"english"}));
  auto report = VerifyStore(restored);  // the copy is checked, as it is
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->problem_count, 0u);
  EXPECT_EQ(report->projections_checked.back(), "search:english");
  EXPECT_EQ(Xapian::Database(restored + "/search/english").get_metadata(
                internal::kCheckpointKey),
            "8");  // the copy, which the first search catches up
  auto reopened = Engine::Open(restored, FastOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(Seqs(Search(**reopened, restored + "/search", Query("metals"))), want);
}

TEST(SearchBackupTest, OnlyTheStoresOwnIndexesAreCopiedAndNoneIsChanged) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  auto engine = Engine::Open(store, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_TRUE((*engine)->Append(Said("A", "cobalt")).ok());
  auto none = Backup(**engine, dir.Sub("b1"));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->search_indexes.empty());
  EXPECT_FALSE(fs::exists(fs::path(dir.Sub("b1")) / "search"));
  fs::create_directories(store + "/search");
  {
    Xapian::WritableDatabase foreign(store + "/search/french", Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document d;
    d.add_term("someone");
    foreign.add_document(d);
    foreign.commit();
  }
  // A copy of an index under a name that is no language is not an index
  // of the store's: read by nothing, changed by nothing.
  ASSERT_EQ(Seqs(Search(**engine, store + "/search", Query("cobalt"))).size(), 1u);
  fs::copy(store + "/search/english", store + "/search/english.old");
  auto left_out = Backup(**engine, dir.Sub("b2"));
  ASSERT_TRUE(left_out.ok()) << left_out.status();
  EXPECT_EQ(left_out->search_indexes, (std::vector<std::string>{"english"}));
  EXPECT_EQ(Xapian::Database(store + "/search/french").get_doccount(), 1u);  // kept
  Xapian::Database old(store + "/search/english.old");
  EXPECT_EQ(old.get_doccount(), 1u);
  EXPECT_EQ(old.get_metadata(internal::kLanguageKey), "english");
}

// The server's follower keeps the indexes that exist up with the log, on
// its own; stopped midway, it leaves a consistent index behind.
TEST(SearchFollowerTest, KeepsTheExistingIndexesUpWithTheLog) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  auto engine = Engine::Open(store, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  Fill(**engine, store);  // the English index at 8
  const auto checkpoint = [&] {
    return Xapian::Database(store + "/search/english").get_metadata(internal::kCheckpointKey);
  };
  internal::SetSearchBatchEventsForTest(7);  // steps and batches of a few events
  {
    internal::SearchFollower follower(**engine, store + "/search");
    for (int i = 0; i < 30; ++i)
      ASSERT_TRUE((*engine)->Append(Said("B", "cobalt " + std::to_string(i))).ok());
    follower.Notify();
    ASSERT_TRUE(follower.AwaitCaughtUp(38, absl::Seconds(60)));
    EXPECT_EQ(checkpoint(), "38");  // applied by the follower, not by a search
    EXPECT_FALSE(fs::exists(store + "/search/none"));  // no index is made

    // Another writer holding the index: the follower tries again at the
    // next head move instead of waiting for it.
    auto hold = std::make_unique<internal::IndexWriteHold>(store + "/search/english");
    ASSERT_TRUE(hold->held());
    ASSERT_TRUE((*engine)->Append(Said("B", "cobalt held")).ok());
    follower.Notify();
    EXPECT_FALSE(follower.AwaitCaughtUp(39, absl::Milliseconds(300)));
    hold.reset();
    ASSERT_TRUE((*engine)->Append(Said("B", "cobalt free")).ok());
    follower.Notify();
    ASSERT_TRUE(follower.AwaitCaughtUp(40, absl::Seconds(60)));
    EXPECT_EQ(checkpoint(), "40");

    // Paused (a backup in the server), it takes no step: the lock is free.
    follower.Pause();
    ASSERT_TRUE((*engine)->Append(Said("B", "cobalt paused")).ok());
    follower.Notify();
    EXPECT_FALSE(follower.AwaitCaughtUp(41, absl::Milliseconds(300)));
    EXPECT_TRUE(internal::IndexWriteHold(store + "/search/english").held());
    follower.Resume();
    ASSERT_TRUE(follower.AwaitCaughtUp(41, absl::Seconds(60)));

    std::vector<Statement> many;
    for (int i = 0; i < 3000; ++i) many.push_back(Said("C", "nickel " + std::to_string(i)));
    ASSERT_TRUE((*engine)->Append(many).ok());
    follower.Notify();
  }  // stopped at once, whatever it had applied committed
  {
    // Stopped while another writer holds the index: it never waited for it.
    internal::IndexWriteHold hold(store + "/search/english");
    ASSERT_TRUE(hold.held());
    internal::SearchFollower follower(**engine, store + "/search");
    ASSERT_TRUE((*engine)->Append(Said("B", "cobalt last")).ok());
    follower.Notify();
    EXPECT_FALSE(follower.AwaitCaughtUp((*engine)->Head(), absl::Milliseconds(300)));
  }
  internal::SetSearchBatchEventsForTest(0);
  engine->reset();
  auto report = VerifyStore(store);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->problem_count, 0u)
      << (report->problems.empty() ? "" : report->problems[0].detail);
  EXPECT_EQ(report->projections_checked.back(), "search:english");
}

// Options::follow_search_indexes: a writable engine keeps the indexes
// under STORE/search up with its appends on its own thread, including one
// its own search has just made (before it, the engine had none to follow);
// without the option, only searches move an index.
TEST(EngineSearchFollowTest, AWritableEngineKeepsItsIndexesUpWhenAsked) {
  for (bool follow : {false, true}) {
    SCOPED_TRACE(follow ? "following" : "not following");
    TempDir dir;
    const std::string store = dir.Sub("store");
    {
      auto engine = Engine::Open(store, FastOptions());
      ASSERT_TRUE(engine.ok()) << engine.status();
      for (int i = 0; i < 3; ++i)
        ASSERT_TRUE((*engine)->Append(Said("A", "metals " + std::to_string(i))).ok());
    }
    Options o = FastOptions();
    o.follow_search_indexes = follow;
    auto engine = Engine::Open(store, o);
    ASSERT_TRUE(engine.ok()) << engine.status();
    const internal::EngineServices* services = internal::ServicesOf(**engine);
    ASSERT_NE(services, nullptr);
    internal::LiveSearch* live = services->live_search();
    ASSERT_EQ(live != nullptr, follow);
    const auto checkpoint = [&] {  // read from the index, not searched (that catches it up)
      return Xapian::Database(store + "/search/english").get_metadata(internal::kCheckpointKey);
    };
    // The follower's first round has found no index (and made none): it
    // now sleeps through appends until a search says one may exist.
    if (follow) ASSERT_TRUE(live->AwaitCaughtUp(3, absl::Seconds(60)));
    EXPECT_FALSE(fs::exists(store + "/search"));
    ASSERT_EQ(Seqs(Search(**engine, store + "/search", Query("metals"))).size(), 3u);
    ASSERT_TRUE((*engine)->Append(Said("B", "cobalt")).ok());
    // The round the search asked for, or one the append woke, reaches 4;
    // only a round an append wakes after it can reach 24.
    if (follow) ASSERT_TRUE(live->AwaitCaughtUp(4, absl::Seconds(60)));
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE((*engine)->Append(Said("B", "cobalt " + std::to_string(i))).ok());
    if (follow) ASSERT_TRUE(live->AwaitCaughtUp(24, absl::Seconds(60)));
    EXPECT_EQ(checkpoint(), follow ? "24" : "3");
    if (!follow) continue;

    // A backup pauses it while it copies the indexes, and resumes it.
    ASSERT_TRUE(Backup(**engine, dir.Sub("backup")).ok());
    ASSERT_TRUE((*engine)->Append(Said("B", "cobalt after")).ok());
    ASSERT_TRUE(live->AwaitCaughtUp(25, absl::Seconds(60)));  // resumed
    EXPECT_EQ(checkpoint(), "25");
  }
}

// With no index to follow, a head move does not wake the follower (a
// wake-up per committed group, for nothing); an
// index made behind its back waits for its own searches until a search
// through the server says one may exist (IndexMayExist).
TEST(SearchFollowerTest, WithNoIndexHeadMovesDoNotWakeItUntilASearchMayHaveMadeOne) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  auto engine = Engine::Open(store, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_TRUE((*engine)->Append(Said("A", "cobalt one")).ok());
  const auto checkpoint = [&] {
    return Xapian::Database(store + "/search/english").get_metadata(internal::kCheckpointKey);
  };
  internal::SearchFollower follower(**engine, store + "/search");
  ASSERT_TRUE(follower.AwaitCaughtUp(1, absl::Seconds(60)));  // its first round: none
  ASSERT_EQ(Seqs(Search(**engine, store + "/search", Query("cobalt"))).size(), 1u);
  ASSERT_EQ(checkpoint(), "1");
  ASSERT_TRUE((*engine)->Append(Said("B", "cobalt two")).ok());
  follower.Notify();
  EXPECT_FALSE(follower.AwaitCaughtUp(2, absl::Milliseconds(300)));
  EXPECT_EQ(checkpoint(), "1");
  follower.IndexMayExist();
  ASSERT_TRUE(follower.AwaitCaughtUp(2, absl::Seconds(60)));
  EXPECT_EQ(checkpoint(), "2");
  ASSERT_TRUE((*engine)->Append(Said("B", "cobalt three")).ok());
  follower.Notify();  // following it now
  ASSERT_TRUE(follower.AwaitCaughtUp(3, absl::Seconds(60)));
  EXPECT_EQ(checkpoint(), "3");
}

// The server's searches never wait for an index's write lock (that could
// hold a server thread for as long as a build in another process takes,
// and hold up its shutdown): while another writer holds it, a search of a
// stale index answers kUnavailable, alone or after one round of the
// follower; with the lock free, it catches up; once the server stops,
// a catch-up is not begun.
TEST(ServedSearchTest, NeverWaitsForTheIndexLock) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  auto engine = Engine::Open(store, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  Fill(**engine, store);  // the English index at 8; seq 1 corrected to cobalt by 7
  ASSERT_TRUE((*engine)->Append(Said("B", "cobalt held")).ok());  // 9
  const std::string root = store + "/search";
  {
    internal::IndexWriteHold hold(root + "/english");
    ASSERT_TRUE(hold.held());
    auto alone = internal::SearchServedStore(**engine, Query("cobalt"), true, nullptr);
    EXPECT_TRUE(absl::IsUnavailable(alone.status())) << alone.status();
    internal::SearchFollower follower(**engine, root);
    auto after_round = internal::SearchServedStore(**engine, Query("cobalt"), true, &follower);
    EXPECT_TRUE(absl::IsUnavailable(after_round.status())) << after_round.status();
  }
  internal::SearchFollower follower(**engine, root);
  std::vector<uint64_t> found =
      Seqs(internal::SearchServedStore(**engine, Query("cobalt"), true, &follower));
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<uint64_t>{1, 9}));
  ASSERT_TRUE((*engine)->Append(Said("B", "cobalt late")).ok());  // 10: nobody notifies
  follower.Stop();
  auto stopped = internal::SearchServedStore(**engine, Query("cobalt"), true, &follower);
  EXPECT_TRUE(absl::IsUnavailable(stopped.status())) << stopped.status();
  EXPECT_EQ(Xapian::Database(root + "/english").get_metadata(internal::kCheckpointKey), "9");
  // As of a point the index answers for, no catch-up is needed.
  SearchQuery as_of_nine = Query("cobalt");
  as_of_nine.as_of = 9;
  EXPECT_EQ(Seqs(internal::SearchServedStore(**engine, as_of_nine, true, &follower)).size(), 2u);
}

// `--topic` takes a topic's words: each topic holding all of them, stemmed
// in the query's language, whatever their order and punctuation.
TEST(SearchTopicTest, ATopicFindsTheTopicsHoldingItsWords) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  auto engine = Engine::Open(store, FastOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  for (const char* topic : {"rare earth metals", "Rare-earth exports", "earth day", "rare coins"}) {
    Statement s = Said("A", std::string("talks on ") + topic);
    s.topics = {topic};
    auto appended = (*engine)->Append(s);
    ASSERT_TRUE(appended.ok()) << appended.status();
    ASSERT_FALSE(appended->duplicate);
  }
  auto found = [&](const std::string& topic) {
    SearchQuery q = Query("talks");
    q.topic = topic;
    std::vector<uint64_t> seqs = Seqs(Search(**engine, store + "/search", q));
    std::sort(seqs.begin(), seqs.end());
    return seqs;
  };
  EXPECT_EQ(found("rare earth"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(found("metal"), (std::vector<uint64_t>{1}));  // stemmed
  EXPECT_EQ(found("EARTH"), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(found("earth day"), (std::vector<uint64_t>{3}));
  EXPECT_EQ(found("coins, rare"), (std::vector<uint64_t>{4}));
  EXPECT_EQ(found("rare earth metals and more"), (std::vector<uint64_t>{}));
  EXPECT_EQ(found("minerals"), (std::vector<uint64_t>{}));
}

}  // namespace
}  // namespace annals
