// Mentions (issue 21, annals/mention.h) against a real store: appended as
// events of their own kind, idempotent by content, linked to their event
// by id whether it is stored before, after or never; MentionsOf agrees
// with a brute-force scan of the log at every as_of; timelines and counts
// ignore them; verify checks their records; a bad batch writes nothing.
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/engine.h"
#include "annals/mention.h"
#include "annals/status.h"
#include "annals/verify.h"
#include "engine/test_util.h"
#include "log/records.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::FastOptions;
using test::Msg;
using test::SmallStatement;
using test::TempDir;

Mention MentionOf(std::string event_id, std::string url, int n = 0) {
  Mention m;
  m.event_id = std::move(event_id);
  m.source.outlet = "outlet " + std::to_string(n % 3);
  m.source.url = std::move(url);
  m.source.published_at = ParseTime("2025-03-31T10:00:0" + std::to_string(n % 10) + "Z").value();
  m.attributes = {{"Confidence", std::to_string(10 * (n % 10))}, {"SentenceID", "1"}};
  return m;
}

class MentionsTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    engine_.reset();
    auto e = Engine::Open(dir_.path() + "/store", FastOptions());
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = *std::move(e);
  }
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(MentionsTest, StoredAsMentionEventsAndIdempotentByContent) {
  std::vector<Mention> batch = {MentionOf("gdelt:1", "https://a.example/1", 1),
                                MentionOf("gdelt:1", "https://b.example/1", 2),
                                MentionOf("gdelt:1", "https://a.example/1", 1)};
  auto r = engine_->AppendMentions(batch);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].seq, 1u);
  EXPECT_EQ((*r)[1].seq, 2u);
  EXPECT_TRUE((*r)[2].duplicate);  // the same row twice in one batch
  EXPECT_EQ((*r)[2].seq, 1u);
  auto again = engine_->AppendMentions(std::span<const Mention>(batch.data(), 2));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE((*again)[0].duplicate && (*again)[1].duplicate);
  // Provenance (import.*) is not part of the id: the same row from another file.
  Mention from_elsewhere = batch[0];
  from_elsewhere.attributes.push_back({"import.file", "other.tsv"});
  EXPECT_EQ(MentionId(from_elsewhere), MentionId(batch[0]));
  EXPECT_NE(MentionId(batch[0]), MentionId(batch[1]));
  EXPECT_EQ(engine_->Head(), 2u);

  Reopen();
  auto e = engine_->Get(2);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->kind, EventKind::kMention);
  EXPECT_EQ(std::string(EventKindName(e->kind)), "mention");
  EXPECT_EQ(e->id, MentionId(batch[1]));
  EXPECT_EQ(e->mentioned, "gdelt:1");
  EXPECT_EQ(e->statement.source, batch[1].source);
  EXPECT_EQ(e->statement.attributes, batch[1].attributes);
  auto found = engine_->FindById(MentionId(batch[1]));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, 2u);
}

TEST_F(MentionsTest, ABadMentionWritesNothingAndIsNamedByIndex) {
  Mention no_event = MentionOf("", "https://a.example/", 0);
  Mention nul = MentionOf("gdelt:2", std::string("https://a\0b", 11), 0);
  Mention too_long = MentionOf(std::string(Limits::kId + 1, '9'), "u", 0);
  for (const Mention& bad : {no_event, nul, too_long}) {
    std::vector<Mention> batch = {MentionOf("gdelt:1", "https://ok/", 0), bad};
    auto r = engine_->AppendMentions(batch);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Msg(r.status()), HasSubstr("mentions[1]: "));
    EXPECT_EQ(BadStatementIndex(r.status()), 1u);
  }
  EXPECT_EQ(engine_->Head(), 0u);
}

// MentionsOf against a scan of the log, at random as_of points, with
// mentions before, after and without their events, and ids that are
// prefixes of each other ("gdelt:1", "gdelt:12").
TEST_F(MentionsTest, MentionsOfAgreesWithAScanOfTheLogAtEveryPoint) {
  std::mt19937 rng(21);
  const std::vector<std::string> ids = {"gdelt:1", "gdelt:12", "gdelt:123", "x", "gdelt:9"};
  for (int round = 0; round < 40; ++round) {
    if (rng() % 3 == 0) {
      Statement s = SmallStatement(round);
      s.id = ids[rng() % ids.size()] + (rng() % 2 ? "" : "-other");
      ASSERT_TRUE(engine_->Append(s).ok());
      continue;
    }
    std::vector<Mention> batch;
    for (size_t i = 0, n = 1 + rng() % 4; i < n; ++i)
      batch.push_back(MentionOf(ids[rng() % ids.size()],
                                "https://site/" + std::to_string(rng() % 30), round));
    ASSERT_TRUE(engine_->AppendMentions(batch).ok());
  }
  auto events = engine_->Read(1, engine_->Head());
  ASSERT_TRUE(events.ok());
  for (uint64_t as_of : {uint64_t{0}, uint64_t{1}, engine_->Head() / 3, engine_->Head() / 2,
                         engine_->Head() - 1, engine_->Head()}) {
    for (const std::string& id : ids) {
      std::vector<MentionRef> want;
      for (const Event& e : *events)
        if (e.kind == EventKind::kMention && e.mentioned == id &&
            (as_of == 0 || e.seq <= as_of))
          want.push_back({e.seq, e.statement.source.outlet});
      auto got = engine_->MentionsOf(std::vector<std::string>{id}, as_of);
      ASSERT_TRUE(got.ok()) << got.status();
      ASSERT_EQ(got->size(), 1u);
      EXPECT_EQ((*got)[0], want) << id << " as of " << as_of;
    }
    // All at once: the same lists, in the order asked (a repeat included).
    std::vector<std::string> all = ids;
    all.push_back(ids[0]);
    auto lists = engine_->MentionsOf(all, as_of);
    ASSERT_TRUE(lists.ok()) << lists.status();
    ASSERT_EQ(lists->size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      auto one = engine_->MentionsOf(std::vector<std::string>{all[i]}, as_of);
      ASSERT_TRUE(one.ok());
      EXPECT_EQ((*lists)[i], (*one)[0]);
    }
  }
  auto report = VerifyStore(dir_.path() + "/store");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->problem_count, 0u);
}

TEST_F(MentionsTest, TimelinesAndCountsLeaveMentionsOut) {
  Statement s = SmallStatement(1);
  s.id = "gdelt:1";
  ASSERT_TRUE(engine_->Append(s).ok());
  auto before = engine_->Counts({"actors", "", 0});
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(engine_->AppendMentions(std::vector<Mention>{MentionOf("gdelt:1", "u", 1)}).ok());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(30)).ok());
  auto after = engine_->Counts({"actors", "", 0});
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) EXPECT_EQ((*after)[i].count, (*before)[i].count);
  TimelineQuery q;
  q.kind = TimelineKind::kActor;
  q.name = s.speaker;
  q.wait = true;
  auto page = engine_->Timeline(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].event.seq, 1u);
}

TEST_F(MentionsTest, VerifyFindsAMissingOrStrayMentionRecord) {
  ASSERT_TRUE(engine_->AppendMentions(std::vector<Mention>{MentionOf("gdelt:1", "u", 1),
                                                           MentionOf("gdelt:2", "v", 2)})
                  .ok());
  engine_.reset();
  const std::string path = dir_.path() + "/store";
  test::WithRawDb(path, [](const test::RawDb& raw) {
    ASSERT_TRUE(raw.db->Delete({}, raw.meta, internal::MentionKey("gdelt:1", 1)).ok());
    ASSERT_TRUE(raw.db->Put({}, raw.meta, internal::MentionKey("gdelt:3", 2), "").ok());
    ASSERT_TRUE(raw.db->Put({}, raw.meta, internal::MentionKey("gdelt:1", 99), "").ok());
    // The right key, another outlet.
    ASSERT_TRUE(raw.db->Put({}, raw.meta, internal::MentionKey("gdelt:2", 2), "x").ok());
  });
  auto report = VerifyStore(path);
  ASSERT_TRUE(report.ok()) << report.status();
  std::string all;
  for (const auto& p : report->problems) all += p.detail + "\n";
  EXPECT_THAT(all, HasSubstr("the mention record for seq 1 is missing"));
  EXPECT_THAT(all, HasSubstr("the mention record for seq 2 disagrees with the log"));
  EXPECT_THAT(all, HasSubstr("a mention record for seq 99 has no mention in the log"));
  // Seq 2's two records (another event's, and its own with another outlet)
  // are each reported, and seq 2 as missing a record that agrees: five
  // problems in all.
  EXPECT_EQ(report->problem_count, 5u) << all;
}

}  // namespace
}  // namespace annals
