// Timelines against a brute-force reference model (model.h): hand-written
// cases for each rule first, then randomised logs (fixed seeds) compared
// query by query for every name, role, flag, range, page size and as-of.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "engine/timeline/random_log.h"

namespace annals {
namespace {

using test::FastOptions;
using test::FetchAll;
using test::Generator;
using test::ModelLog;
using test::T;
using test::TempDir;

class TimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }

  uint64_t Add(std::string speaker, std::vector<std::string> targets,
               std::string when, std::vector<std::string> topics = {}) {
    Statement s;
    s.speaker = std::move(speaker);
    s.targets = std::move(targets);
    s.topics = std::move(topics);
    s.verb = "said";
    s.code = "010";
    s.content = "statement " + std::to_string(++n_);
    s.occurred_at = T(when);
    auto r = engine_->Append(s);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->seq : 0;
  }

  uint64_t AddAlias(std::string_view alias, std::string_view canonical) {
    auto r = engine_->Alias(alias, canonical);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->seq : 0;
  }

  std::vector<TimelineEntry> Query(TimelineQuery q) {
    auto r = FetchAll(*engine_, q);
    EXPECT_TRUE(r.ok()) << test::DescribeQuery(q) << ": " << r.status();
    return r.ok() ? *r : std::vector<TimelineEntry>{};
  }
  std::vector<TimelineEntry> Actor(std::string name, Role role = Role::kAny,
                                   std::optional<uint64_t> as_of = {}) {
    TimelineQuery q;
    q.name = std::move(name);
    q.role = role;
    q.as_of = as_of;
    q.limit = 0;
    return Query(q);
  }
  static std::vector<uint64_t> Seqs(const std::vector<TimelineEntry>& es) {
    std::vector<uint64_t> out;
    for (const auto& e : es) out.push_back(e.event.seq);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(TimelineTest, NamesMatchAfterNormalisation) {
  uint64_t a = Add("Volodymyr  Zelensky", {"Russia"}, "2025-01-01");
  uint64_t b = Add("Donald Trump", {" VOLODYMYR\tZELENSKY "}, "2025-01-02");
  uint64_t c = Add("Zelensky", {"ZELENSKY"}, "2025-01-03");
  uint64_t d = Add("Jose\xCC\x81", {"Russia"}, "2025-01-04");  // decomposed é
  auto got = Actor("volodymyr zelensky");
  ASSERT_THAT(Seqs(got), ElementsAre(a, b));
  EXPECT_EQ(got[0].role, Role::kSpeaker);
  EXPECT_EQ(got[1].role, Role::kTarget);
  // No alias: names are shown as written.
  EXPECT_EQ(got[0].event.statement.speaker, "Volodymyr  Zelensky");
  EXPECT_EQ(got[1].event.statement.targets[0], " VOLODYMYR\tZELENSKY ");
  EXPECT_THAT(Seqs(Actor("zelensky")), ElementsAre(c));
  EXPECT_THAT(Seqs(Actor("JOS\xC3\x89")), ElementsAre(d));  // composed É
  EXPECT_THAT(Seqs(Actor("Zelensky Volodymyr")), IsEmpty());
}

TEST_F(TimelineTest, SpeakerAndTargetAtOnceIsOneEntryWithBothRoles) {
  uint64_t a = Add("Vladimir Putin", {"vladimir putin", "VLADIMIR PUTIN"},
                   "2025-01-01");
  uint64_t b = Add("Vladimir Putin", {"NATO"}, "2025-01-02");
  uint64_t c = Add("NATO", {"Vladimir  Putin"}, "2025-01-03");
  auto any = Actor("vladimir putin");
  ASSERT_THAT(Seqs(any), ElementsAre(a, b, c));
  EXPECT_EQ(any[0].role, Role::kAny);
  EXPECT_EQ(any[1].role, Role::kSpeaker);
  EXPECT_EQ(any[2].role, Role::kTarget);
  EXPECT_THAT(Seqs(Actor("vladimir putin", Role::kSpeaker)), ElementsAre(a, b));
  EXPECT_THAT(Seqs(Actor("vladimir putin", Role::kTarget)), ElementsAre(a, c));
}

TEST_F(TimelineTest, AliasChainsRepointingAndDisplayNames) {
  uint64_t s1 = Add("Zelenskyy", {"Russia"}, "2025-01-01");
  uint64_t s2 = Add("Volodymyr Zelensky", {"Russia"}, "2025-01-02");
  uint64_t s3 = Add("Russia", {"V. Zelensky"}, "2025-01-03");
  uint64_t a1 = AddAlias("ZELENSKYY", "volodymyr zelensky");
  {
    auto got = Actor("Zelenskyy");
    ASSERT_THAT(Seqs(got), ElementsAre(s1, s2));
    // One display rule (17.3): every name of an alias class, the canonical
    // one included, is shown as the alias event wrote the canonical name.
    EXPECT_EQ(got[0].event.statement.speaker, "volodymyr zelensky");
    EXPECT_EQ(got[1].event.statement.speaker, "volodymyr zelensky");
    EXPECT_THAT(Seqs(Actor("volodymyr zelensky")), ElementsAre(s1, s2));
  }
  // Chain: zelenskyy -> volodymyr zelensky -> president zelensky.
  uint64_t a2 = AddAlias("Volodymyr Zelensky", "President Zelensky");
  {
    auto got = Actor("president zelensky");
    ASSERT_THAT(Seqs(got), ElementsAre(s1, s2));
    EXPECT_EQ(got[0].event.statement.speaker, "President Zelensky");
    EXPECT_EQ(got[1].event.statement.speaker, "President Zelensky");
    EXPECT_THAT(Seqs(Actor("zelenskyy")), ElementsAre(s1, s2));
  }
  // Re-point: zelenskyy now names V. Zelensky.
  uint64_t a3 = AddAlias("Zelenskyy", "V. Zelensky");
  {
    auto got = Actor("v. zelensky");
    ASSERT_THAT(Seqs(got), ElementsAre(s1, s3));
    EXPECT_EQ(got[0].event.statement.speaker, "V. Zelensky");
    EXPECT_EQ(got[1].event.statement.targets[0], "V. Zelensky");
    EXPECT_THAT(Seqs(Actor("President Zelensky")), ElementsAre(s2));
  }
  // As of each alias, the aliases of that moment.
  {
    auto got = Actor("president zelensky", Role::kAny, a2);
    ASSERT_THAT(Seqs(got), ElementsAre(s1, s2));
    EXPECT_EQ(got[0].event.statement.speaker, "President Zelensky");
    got = Actor("Zelenskyy", Role::kAny, a1);
    ASSERT_THAT(Seqs(got), ElementsAre(s1, s2));
    EXPECT_EQ(got[0].event.statement.speaker, "volodymyr zelensky");
    got = Actor("Zelenskyy", Role::kAny, a1 - 1);
    ASSERT_THAT(Seqs(got), ElementsAre(s1));
    EXPECT_EQ(got[0].event.statement.speaker, "Zelenskyy");
    EXPECT_THAT(Seqs(Actor("Zelenskyy", Role::kAny, a3)), ElementsAre(s1, s3));
  }
  // The display name is the latest alias event's spelling of the root.
  uint64_t p = Add("Putin", {"NATO"}, "2025-02-01");
  uint64_t b1 = AddAlias("Putin", "Vladimir Putin");
  uint64_t b2 = AddAlias("VVP", "VLADIMIR  PUTIN");
  auto before = Actor("putin", Role::kAny, b1);
  ASSERT_THAT(Seqs(before), ElementsAre(p));
  EXPECT_EQ(before[0].event.statement.speaker, "Vladimir Putin");
  EXPECT_THAT(Seqs(Actor("vvp", Role::kAny, b1)), IsEmpty());
  auto got = Actor("vvp", Role::kAny, b2);
  ASSERT_THAT(Seqs(got), ElementsAre(p));
  EXPECT_EQ(got[0].event.statement.speaker, "VLADIMIR  PUTIN");
}

TEST_F(TimelineTest, TopicTimelinesShowCanonicalNamesToo) {
  uint64_t s = Add("Zelenskyy", {"Putin", "NATO"}, "2025-01-01",
                   {"Ceasefire", "sanctions"});
  AddAlias("zelenskyy", "Volodymyr Zelensky");
  AddAlias("PUTIN", "Vladimir Putin");
  TimelineQuery q;
  q.kind = TimelineKind::kTopic;
  q.name = "  CEASEFIRE ";
  auto got = Query(q);
  ASSERT_THAT(Seqs(got), ElementsAre(s));
  EXPECT_EQ(got[0].event.statement.speaker, "Volodymyr Zelensky");
  EXPECT_THAT(got[0].event.statement.targets,
              ElementsAre("Vladimir Putin", "NATO"));
  EXPECT_THAT(got[0].event.statement.topics, ElementsAre("Ceasefire", "sanctions"));
  // Topics have no aliases.
  q.name = "cease fire";
  EXPECT_THAT(Query(q), IsEmpty());
}

TEST_F(TimelineTest, RefusesAliasCyclesAndSelfAliases) {
  AddAlias("a", "b");
  AddAlias("c", "a");
  uint64_t head = engine_->Head();
  auto r = engine_->Alias("A", "c");  // a -> c -> a
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  r = engine_->Alias("b", "C");  // b -> c -> a -> b
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  r = engine_->Alias("x  y", " X Y");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  r = engine_->Alias("", "b");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_EQ(engine_->Head(), head);
  // Re-pointing that does not close a loop is fine...
  r = engine_->Alias("a", "d");
  EXPECT_TRUE(r.ok()) << r.status();
  // ...and once a no longer points at b, b -> a is no cycle either: only
  // the current parents count, not earlier alias events.
  r = engine_->Alias("b", "a");
  EXPECT_TRUE(r.ok()) << r.status();
  // Now b -> a -> d, c -> a: d -> c would close d -> c -> a -> d.
  r = engine_->Alias("d", "c");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  // Repeating the first alias, a -> b, would now close b -> a -> b: it is
  // refused, not taken for a duplicate of the stored one.
  head = engine_->Head();
  r = engine_->Alias("a", "b");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_EQ(engine_->Head(), head);
  uint64_t s = Add("B", {}, "2025-01-01");
  auto got = Actor("c");
  ASSERT_THAT(Seqs(got), ElementsAre(s));
  EXPECT_EQ(got[0].event.statement.speaker, "d");
}

TEST_F(TimelineTest, OrdersByTimeThenPrecisionThenSeq) {
  uint64_t s1 = Add("X", {}, "2024-01-01T00:00:00Z");
  uint64_t s2 = Add("X", {}, "2024-01-01");
  uint64_t s3 = Add("X", {}, "2024-01");
  uint64_t s4 = Add("X", {}, "2024");
  uint64_t s5 = Add("X", {}, "2023-12-31T23:59:59Z");
  uint64_t s6 = Add("X", {}, "2024");
  uint64_t s7 = Add("X", {}, "2024-01-01T00:00:00.5Z");
  auto got = Actor("x");
  EXPECT_THAT(Seqs(got), ElementsAre(s5, s4, s6, s3, s2, s1, s7));
  TimelineQuery q;
  q.name = "x";
  q.reverse = true;
  q.limit = 0;
  EXPECT_THAT(Seqs(Query(q)), ElementsAre(s7, s1, s2, s3, s6, s4, s5));
  q.limit = 2;
  EXPECT_THAT(Seqs(Query(q)), ElementsAre(s7, s1, s2, s3, s6, s4, s5));
}

TEST_F(TimelineTest, FromIsInclusiveAndToCoversItsWholePeriod) {
  uint64_t a = Add("X", {}, "2024-03-31");
  uint64_t b = Add("X", {}, "2024-04");
  uint64_t c = Add("X", {}, "2024-04-30T23:59:59Z");
  uint64_t d = Add("X", {}, "2024-05-01");
  uint64_t e = Add("X", {}, "2024");
  uint64_t f = Add("X", {}, "2025-01-01T00:00:00Z");
  auto range = [&](const char* from, const char* to) {
    TimelineQuery q;
    q.name = "X";
    q.limit = 0;
    if (from) q.from = T(from);
    if (to) q.to = T(to);
    return Seqs(Query(q));
  };
  EXPECT_THAT(range(nullptr, "2024-04"), ElementsAre(e, a, b, c));
  EXPECT_THAT(range(nullptr, "2024-04-30"), ElementsAre(e, a, b, c));
  EXPECT_THAT(range(nullptr, "2024-04-30T23:59:58Z"), ElementsAre(e, a, b));
  EXPECT_THAT(range(nullptr, "2024-04-30T23:59:59Z"), ElementsAre(e, a, b, c));
  EXPECT_THAT(range(nullptr, "2024-03-31"), ElementsAre(e, a));
  EXPECT_THAT(range(nullptr, "2024-03-30"), ElementsAre(e));
  EXPECT_THAT(range(nullptr, "2024"), ElementsAre(e, a, b, c, d));
  EXPECT_THAT(range(nullptr, "2023"), IsEmpty());
  EXPECT_THAT(range("2024-04", nullptr), ElementsAre(b, c, d, f));
  EXPECT_THAT(range("2024-04-01", "2024-04"), ElementsAre(b, c));
  EXPECT_THAT(range("2024-04-15", "2024-12"), ElementsAre(c, d));
  EXPECT_THAT(range("2025", "2025"), ElementsAre(f));
  EXPECT_THAT(range("2024-05-02", "2024-04"), IsEmpty());
}

TEST_F(TimelineTest, CorrectionsAndRetractionsAsOf) {
  uint64_t s1 = Add("Sergey Lavrov", {"NATO"}, "2025-01-01");
  uint64_t s2 = Add("Sergey Lavrov", {"Ukraine"}, "2025-01-02");
  auto cur = engine_->CurrentStatement(s1);
  ASSERT_TRUE(cur.ok()) << cur.status();
  Statement c = *cur;
  c.id.clear();
  c.speaker = "Maria Zakharova";
  c.occurred_at = T("2025-01-05");
  auto c1 = engine_->Correct(s1, c, "wrong speaker");
  ASSERT_TRUE(c1.ok()) << c1.status();
  auto r2 = engine_->Retract(s2, "not said");
  ASSERT_TRUE(r2.ok()) << r2.status();

  EXPECT_THAT(Seqs(Actor("sergey lavrov", Role::kAny, s2)), ElementsAre(s1, s2));
  EXPECT_THAT(Seqs(Actor("sergey lavrov", Role::kAny, c1->seq)), ElementsAre(s2));
  EXPECT_THAT(Seqs(Actor("sergey lavrov")), IsEmpty());
  auto z = Actor("maria zakharova");
  ASSERT_THAT(Seqs(z), ElementsAre(s1));
  EXPECT_EQ(z[0].status, EntryStatus::kCorrected);
  EXPECT_EQ(z[0].version_seq, c1->seq);
  EXPECT_EQ(z[0].event.kind, EventKind::kStatement);
  EXPECT_EQ(z[0].event.seq, s1);
  EXPECT_EQ(z[0].event.id, engine_->Get(s1)->id);
  EXPECT_EQ(z[0].event.statement.id, engine_->Get(s1)->id);
  EXPECT_EQ(z[0].event.recorded_at, engine_->Get(s1)->recorded_at);
  EXPECT_EQ(z[0].event.statement.occurred_at, T("2025-01-05"));
  EXPECT_THAT(Seqs(Actor("maria zakharova", Role::kAny, s2)), IsEmpty());

  TimelineQuery q;
  q.name = "Sergey Lavrov";
  q.include_retracted = true;
  q.limit = 0;
  auto all = Query(q);
  ASSERT_THAT(Seqs(all), ElementsAre(s2));
  EXPECT_EQ(all[0].status, EntryStatus::kRetracted);
  EXPECT_EQ(all[0].version_seq, s2);
  q.as_of = r2->seq - 1;
  all = Query(q);
  ASSERT_THAT(Seqs(all), ElementsAre(s2));
  EXPECT_EQ(all[0].status, EntryStatus::kActive);

  // A retracted statement is shown with the values current at the query.
  auto r1 = engine_->Retract(s1, "doubtful");
  ASSERT_TRUE(r1.ok()) << r1.status();
  q.name = "maria zakharova";
  q.as_of.reset();
  all = Query(q);
  ASSERT_THAT(Seqs(all), ElementsAre(s1));
  EXPECT_EQ(all[0].status, EntryStatus::kRetracted);
  EXPECT_EQ(all[0].version_seq, c1->seq);
  EXPECT_EQ(all[0].event.statement.speaker, "Maria Zakharova");

  // Refusals.
  EXPECT_EQ(engine_->Correct(s2, c, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Retract(s2, "again").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Retract(engine_->Head() + 5, "x").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Retract(c1->seq, "not a statement").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TimelineTest, AsOfBeyondHeadIsOutOfRangeAndPagesCarryAsOf) {
  for (int i = 0; i < 7; ++i) Add("X", {}, "2025-01-01");
  TimelineQuery q;
  q.name = "x";
  q.as_of = engine_->Head() + 1;
  EXPECT_EQ(engine_->Timeline(q).status().code(), absl::StatusCode::kOutOfRange);
  q.kind = TimelineKind::kTopic;
  EXPECT_EQ(engine_->Timeline(q).status().code(), absl::StatusCode::kOutOfRange);
  q.kind = TimelineKind::kActor;
  q.as_of = 4;
  q.limit = 3;
  auto p = engine_->Timeline(q);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->as_of, 4u);
  EXPECT_THAT(Seqs(p->entries), ElementsAre(1, 2, 3));
  ASSERT_FALSE(p->next_cursor.empty());
  q.cursor = p->next_cursor;
  p = engine_->Timeline(q);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(Seqs(p->entries), ElementsAre(4));
  EXPECT_EQ(p->next_cursor, "");
  EXPECT_EQ(p->as_of, 4u);
  q.as_of.reset();
  q.cursor.clear();
  q.limit = 7;
  p = engine_->Timeline(q);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->as_of, engine_->Head());
  EXPECT_EQ(p->entries.size(), 7u);
  EXPECT_EQ(p->next_cursor, "");  // exactly full: nothing more
  q.as_of = 0;
  q.cursor.clear();
  p = engine_->Timeline(q);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->entries, IsEmpty());
  EXPECT_EQ(p->as_of, 0u);
}

// --- randomised logs against the model ---

// Ranges used by the sweeps, mixing precisions.
std::vector<std::pair<const char*, const char*>> Ranges() {
  return {{"2024", nullptr},
          {nullptr, "2024"},
          {"2024-02", "2024-06"},
          {"2024-01-15", "2025-01-01"},
          {"2023-06-02T00:00:00Z", "2024-12-31T23:59:59Z"},
          {"2024-06-15T12:30:00Z", "2024-06-15T12:30:00Z"},
          {"2025-02", nullptr}};
}

struct Sweeper {
  const Engine& engine;
  const ModelLog& model;
  int failures = 0;
  int queries = 0;

  void Check(const TimelineQuery& q) {
    ++queries;
    if (failures >= 15) return;  // enough to diagnose; keep output short
    auto r = test::EngineMatchesModel(engine, model, q);
    if (!r) {
      ++failures;
      ADD_FAILURE() << r.message();
    }
  }
};

void SweepAll(const Engine& engine, const ModelLog& model, Generator& gen) {
  Sweeper s{engine, model};
  // Every spelling of every actor: all roles, both flags, both directions.
  for (const auto& name : gen.AllActorQueries()) {
    for (Role role : {Role::kAny, Role::kSpeaker, Role::kTarget}) {
      for (bool incl : {false, true}) {
        for (bool rev : {false, true}) {
          TimelineQuery q;
          q.name = name;
          q.role = role;
          q.include_retracted = incl;
          q.reverse = rev;
          q.limit = 0;
          s.Check(q);
        }
      }
    }
    TimelineQuery q;
    q.name = name;
    q.limit = static_cast<size_t>(gen.Uniform(1, 4));
    q.include_retracted = gen.Percent(50);
    q.reverse = gen.Percent(50);
    q.role = static_cast<Role>(gen.Uniform(1, 3));
    s.Check(q);
  }
  for (const auto& name : gen.AllTopicQueries()) {
    for (bool incl : {false, true}) {
      for (bool rev : {false, true}) {
        TimelineQuery q;
        q.kind = TimelineKind::kTopic;
        q.name = name;
        q.include_retracted = incl;
        q.reverse = rev;
        q.limit = 0;
        s.Check(q);
        q.limit = 3;
        s.Check(q);
      }
    }
  }
  // Ranges, on one spelling per name.
  for (auto [from, to] : Ranges()) {
    for (bool actor : {true, false}) {
      for (const auto& name : actor ? gen.ActorQueries() : gen.TopicQueries()) {
        TimelineQuery q;
        q.kind = actor ? TimelineKind::kActor : TimelineKind::kTopic;
        q.name = name;
        if (from) q.from = test::T(from);
        if (to) q.to = test::T(to);
        q.include_retracted = gen.Percent(30);
        q.reverse = gen.Percent(30);
        q.limit = gen.Percent(30) ? 2 : 0;
        if (actor) q.role = static_cast<Role>(gen.Uniform(1, 3));
        s.Check(q);
      }
    }
  }
  // As of random points.
  for (int i = 0; i < 8; ++i) {
    uint64_t as_of = static_cast<uint64_t>(
        gen.Uniform(0, static_cast<int>(model.head())));
    for (bool actor : {true, false}) {
      for (const auto& name : actor ? gen.ActorQueries() : gen.TopicQueries()) {
        for (bool incl : {false, true}) {
          TimelineQuery q;
          q.kind = actor ? TimelineKind::kActor : TimelineKind::kTopic;
          q.name = name;
          q.as_of = as_of;
          q.include_retracted = incl;
          q.limit = gen.Percent(25) ? 3 : 0;
          q.reverse = gen.Percent(25);
          if (gen.Percent(25)) q.from = gen.RandomTime();
          if (gen.Percent(25)) q.to = gen.RandomTime();
          s.Check(q);
        }
      }
    }
  }
  EXPECT_EQ(s.failures, 0) << "of " << s.queries << " queries";
}

class TimelineModelTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(TimelineModelTest, RandomLogMatchesModel) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog model;
  Generator gen(GetParam(), engine.get(), &model);
  const uint64_t events = test::RandomLogSize(GetParam());
  ASSERT_TRUE(test::GrowLog(gen, model, events));
  ASSERT_EQ(engine->Head(), model.head());
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());

  // Query as_of beyond the head.
  TimelineQuery q;
  q.name = "Vladimir Putin";
  q.as_of = model.head() + 1;
  EXPECT_EQ(engine->Timeline(q).status().code(), absl::StatusCode::kOutOfRange);

  SweepAll(*engine, model, gen);

  // The same answers after reopening (the projections come from disk).
  engine.reset();
  opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine = *std::move(opened);
  Sweeper s{*engine, model};
  for (const auto& name : gen.ActorQueries()) {
    TimelineQuery aq;
    aq.name = name;
    aq.include_retracted = true;
    aq.limit = 0;
    s.Check(aq);
  }
  for (const auto& name : gen.TopicQueries()) {
    TimelineQuery tq;
    tq.kind = TimelineKind::kTopic;
    tq.name = name;
    tq.limit = 0;
    s.Check(tq);
  }
  EXPECT_EQ(s.failures, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TimelineModelTest,
                         ::testing::Values(11, 202, 3003, 40004, 123456789));

// A log written with no timelines, then both timelines built, rebuilt,
// and kept live by `bulk` (options that send them down the bulk path),
// checked against the model after each step.
void CheckBulkPaths(uint64_t seed, const Options& bulk) {
  TempDir dir;
  Options bare = FastOptions();
  bare.builtin_projections = false;  // the log first, no timelines yet
  auto opened = Engine::Open(dir.Sub("store"), bare);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog model;
  Generator gen(seed, engine.get(), &model);
  const uint64_t events = test::RandomLogSize(seed);
  ASSERT_TRUE(test::GrowLog(gen, model, events));
  engine.reset();

  opened = Engine::Open(dir.Sub("store"), bulk);  // builds both timelines
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine = *std::move(opened);
  gen.set_engine(engine.get());
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());
  SweepAll(*engine, model, gen);

  for (const char* name : {"actors", "topics"}) {
    ASSERT_TRUE(engine->Rebuild(name).ok()) << name;
    ASSERT_TRUE(engine->WaitForRebuild(name, absl::Seconds(60)).ok()) << name;
  }
  SweepAll(*engine, model, gen);
  // Appends after the switch: live bulk batches (files ingested on top of
  // the live generation), with corrections and retractions of statements
  // applied in earlier batches.
  ASSERT_TRUE(test::GrowLog(gen, model, events + 40));
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());
  SweepAll(*engine, model, gen);
}

// The bulk path (sorted files ingested instead of write batches) is taken
// by projections catching up from far behind: here with batches small
// enough that corrections and retractions read statement state both from
// their own batch and from files ingested before it.
TEST_P(TimelineModelTest, BulkBuildAndBulkRebuildMatchModel) {
  Options bulk = FastOptions();
  bulk.bulk_rebuild_min_lag = 1;
  bulk.bulk_rebuild_batch_events = 1 + GetParam() % 40;
  // Once live, batches of a few events go through the live bulk path.
  bulk.live_bulk_min_lag = 1 + GetParam() % 5;
  bulk.live_bulk_batch_events = 1 + GetParam() % 13;
  CheckBulkPaths(GetParam(), bulk);
}

// The same with bulk batches ended by their output's bytes
// (Options::bulk_batch_max_bytes), not their event counts: a batch that
// stops at the limit must leave the event it stopped at, whole, to the
// next batch. A limit of 1 byte makes every batch that writes a key end
// after one event.
TEST_P(TimelineModelTest, BulkBatchesEndedByBytesMatchModel) {
  Options bulk = FastOptions();
  bulk.bulk_rebuild_min_lag = 1;
  bulk.live_bulk_min_lag = 1;
  bulk.bulk_batch_max_bytes = GetParam() % 2 == 0 ? 1 : 1 + GetParam() % 9000;
  CheckBulkPaths(GetParam(), bulk);
}

// Every as-of point of a small log, for a few names.
class TimelineEveryAsOfTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(TimelineEveryAsOfTest, EverySeqMatchesModel) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog model;
  test::GenOptions options;
  options.p_correct = 20;
  options.p_retract = 10;
  options.p_alias = 15;
  options.max_actors = 5;
  Generator gen(GetParam(), engine.get(), &model, options);
  // Few names, so that each timeline is long and aliases connect them.
  ASSERT_TRUE(test::GrowLog(gen, model, 60));
  std::vector<std::string> actors = {"Vladimir Putin", "ZELENSKYY",
                                     "maria zakharova", " DONALD  TRUMP",
                                     "President Putin", "Volodymyr Zelensky"};
  std::vector<std::string> topics = {"SANCTIONS", "ceasefire", "peace process"};
  Sweeper s{*engine, model};
  for (uint64_t n = 0; n <= model.head(); ++n) {
    for (bool incl : {false, true}) {
      for (const auto& name : actors) {
        TimelineQuery q;
        q.name = name;
        q.as_of = n;
        q.include_retracted = incl;
        q.limit = 0;
        s.Check(q);
        q.limit = 2;
        q.reverse = true;
        q.role = Role::kTarget;
        s.Check(q);
      }
      for (const auto& name : topics) {
        TimelineQuery q;
        q.kind = TimelineKind::kTopic;
        q.name = name;
        q.as_of = n;
        q.include_retracted = incl;
        q.limit = 0;
        s.Check(q);
      }
    }
  }
  EXPECT_EQ(s.failures, 0) << "of " << s.queries << " queries";
}

INSTANTIATE_TEST_SUITE_P(Seeds, TimelineEveryAsOfTest,
                         ::testing::Values(5, 6, 7));

}  // namespace
}  // namespace annals
