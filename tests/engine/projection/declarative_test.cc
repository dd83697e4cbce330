// Declarative projections (declarative.h): definition parsing, grouping the
// sample data, timelines per key, counts, drop, persistence across reopen,
// and as-of answers like the built-in timelines.
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/import.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"

namespace annals {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using test::FastOptions;
using test::ModelLog;
using test::Msg;
using test::Norm;
using test::T;
using test::TempDir;

// --- parsing ---

TEST(ParseProjectionDefinitionTest, AcceptsKeysAndFilters) {
  auto def = ParseProjectionDefinition("by_speaker.v2-x", "speaker,month",
                                       {"code=11"});
  ASSERT_TRUE(def.ok()) << def.status();
  EXPECT_EQ(def->name, "by_speaker.v2-x");
  EXPECT_THAT(def->key, ElementsAre("speaker", "month"));
  ASSERT_EQ(def->where.size(), 1u);
  EXPECT_EQ(def->where[0].first, "code");
  EXPECT_EQ(def->where[0].second, "11");
  EXPECT_EQ(FormatProjectionDefinition(*def), "key=speaker,month where=code=11");

  for (const char* key : {"speaker", "target", "actor", "topic", "verb",
                          "event_type", "code", "code:2", "code:3", "outlet",
                          "year", "month", "actor,topic,year"}) {
    auto d = ParseProjectionDefinition("p", key, {});
    EXPECT_TRUE(d.ok()) << key << ": " << d.status();
  }
  auto two = ParseProjectionDefinition(
      "p", "topic", {"speaker=Donald Trump", "code=1"});
  ASSERT_TRUE(two.ok()) << two.status();
  ASSERT_EQ(two->where.size(), 2u);
  EXPECT_EQ(two->where[0].second, "Donald Trump");
  EXPECT_TRUE(ParseProjectionDefinition(std::string(64, 'a'), "topic", {}).ok());
}

TEST(ParseProjectionDefinitionTest, RejectsWithTheBadFieldNamed) {
  auto bad_key = ParseProjectionDefinition("p", "speaker,spekaer", {});
  EXPECT_EQ(bad_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(bad_key.status()), HasSubstr("spekaer"));

  auto bad_where_field = ParseProjectionDefinition("p", "speaker", {"colour=red"});
  EXPECT_EQ(bad_where_field.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(bad_where_field.status()), HasSubstr("colour"));

  for (const char* where : {"code11", "=11", "code"}) {
    auto r = ParseProjectionDefinition("p", "speaker", {where});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << where << ": " << r.status();
  }
  for (const char* key : {"", "code:", "code:x", "code:0"}) {
    auto r = ParseProjectionDefinition("p", key, {});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << "key \"" << key << "\": " << r.status();
  }
  for (std::string name : {std::string(""), std::string("bad name"),
                           std::string("slash/es"), std::string(65, 'a'),
                           std::string("caf\xC3\xA9")}) {
    auto r = ParseProjectionDefinition(name, "speaker", {});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << "name \"" << name << "\": " << r.status();
  }
}

// --- a reference for grouping ---

std::vector<std::string> FieldValues(const Statement& s, const std::string& f) {
  std::vector<std::string> v;
  if (f == "speaker") {
    if (!s.speaker.empty()) v.push_back(s.speaker);
  } else if (f == "target") {
    v = s.targets;
  } else if (f == "actor") {
    if (!s.speaker.empty()) v.push_back(s.speaker);
    for (const auto& t : s.targets) v.push_back(t);
  } else if (f == "topic") {
    v = s.topics;
  } else if (f == "code") {
    v.push_back(s.code);
  } else if (f.rfind("code:", 0) == 0) {
    size_t n = std::stoul(f.substr(5));
    if (s.code.size() >= n) v.push_back(s.code.substr(0, n));
  } else if (f == "year") {
    v.push_back(FormatTime(s.occurred_at).substr(0, 4));
  } else if (f == "month") {
    if (s.occurred_at.precision >= Precision::kMonth) {
      v.push_back(FormatTime(s.occurred_at).substr(0, 7));
    }
  } else {
    ADD_FAILURE() << "model does not know field " << f;
  }
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& x : v) {
    if (seen.insert(Norm(x)).second) out.push_back(Norm(x));
  }
  return out;
}

bool Passes(const Statement& s, const ProjectionDefinition& def) {
  for (const auto& [field, value] : def.where) {
    if (field == "code") {
      if (s.code.rfind(value, 0) != 0) return false;
      continue;
    }
    bool any = false;
    for (const auto& x : FieldValues(s, field)) any = any || x == Norm(value);
    if (!any) return false;
  }
  return true;
}

// Normalised key tuples of a statement.
std::set<std::vector<std::string>> Keys(const Statement& s,
                                        const ProjectionDefinition& def) {
  std::set<std::vector<std::string>> out = {{}};
  for (const auto& f : def.key) {
    std::set<std::vector<std::string>> next;
    for (const auto& prefix : out) {
      for (const auto& v : FieldValues(s, f)) {
        auto k = prefix;
        k.push_back(v);
        next.insert(k);
      }
    }
    out = next;
  }
  return out;
}

std::map<std::vector<std::string>, uint64_t> ModelCounts(
    const ModelLog& m, const ProjectionDefinition& def) {
  ModelLog::View v = m.ViewAt(m.head());
  std::map<std::vector<std::string>, uint64_t> out;
  for (uint64_t seq : m.statement_seqs()) {
    if (v.IsRetracted(seq)) continue;
    const Statement& s = v.Current(seq);
    if (!Passes(s, def)) continue;
    for (const auto& k : Keys(s, def)) ++out[k];
  }
  return out;
}

std::vector<TimelineEntry> ModelTimeline(const ModelLog& m,
                                         const ProjectionDefinition& def,
                                         const std::vector<std::string>& key,
                                         uint64_t as_of, bool incl) {
  ModelLog::View v = m.ViewAt(as_of);
  std::vector<std::string> want;
  for (const auto& k : key) want.push_back(Norm(k));
  std::vector<TimelineEntry> out;
  for (uint64_t seq : m.statement_seqs()) {
    if (seq > as_of) break;
    if (v.IsRetracted(seq) && !incl) continue;
    const Statement& s = v.Current(seq);
    if (!Passes(s, def) || Keys(s, def).count(want) == 0) continue;
    out.push_back(v.MakeEntry(seq, Role::kAny));
  }
  ModelLog::View::SortEntries(&out);
  return out;
}

std::map<std::vector<std::string>, uint64_t> NormCounts(
    const std::vector<GroupCount>& groups) {
  std::map<std::vector<std::string>, uint64_t> out;
  for (const auto& g : groups) {
    std::vector<std::string> k;
    for (const auto& x : g.key) k.push_back(Norm(x));
    EXPECT_EQ(out.count(k), 0u) << "group listed twice: " << k[0];
    out[k] = g.count;
  }
  return out;
}

std::vector<uint64_t> Seqs(const std::vector<TimelineEntry>& es) {
  std::vector<uint64_t> out;
  for (const auto& e : es) out.push_back(e.event.seq);
  return out;
}

class DeclarativeTest : public ::testing::Test {
 protected:
  void Open() {
    auto opened = Engine::Open(dir_.Sub("store"), FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
  }
  void SetUp() override {
    Open();
    auto summary = ImportJsonlFile(
        *engine_, ANNALS_SOURCE_DIR "/tools/samples/rare-earths-talks.jsonl",
        ImportOptions{}, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status();
    ASSERT_EQ(summary->imported, 12u);
    ASSERT_EQ(engine_->Head(), 12u);
  }
  void Model() {
    auto m = ModelLog::FromEngine(*engine_);
    ASSERT_TRUE(m.ok()) << m.status();
    model_ = *std::move(m);
  }

  ProjectionDefinition Def(const std::string& name, const std::string& key,
                           std::vector<std::string> where = {}) {
    auto def = ParseProjectionDefinition(name, key, where);
    EXPECT_TRUE(def.ok()) << def.status();
    return def.ok() ? *def : ProjectionDefinition{};
  }

  std::vector<TimelineEntry> Group(const std::string& projection,
                                   std::vector<std::string> key,
                                   std::optional<uint64_t> as_of = {},
                                   bool incl = false) {
    TimelineQuery q;
    q.projection = projection;
    q.key = std::move(key);
    q.as_of = as_of;
    q.include_retracted = incl;
    q.limit = 0;
    auto r = test::FetchAll(*engine_, q);
    EXPECT_TRUE(r.ok()) << test::DescribeQuery(q) << ": " << r.status();
    return r.ok() ? *r : std::vector<TimelineEntry>{};
  }

  // Engine and model agree on every group's timeline and on the counts.
  void ExpectMatchesModel(const ProjectionDefinition& def,
                          std::optional<uint64_t> as_of = {}) {
    SCOPED_TRACE(def.name);
    uint64_t n = as_of.value_or(model_.head());
    // Every group that exists at any point, so vanished ones are checked.
    std::set<std::vector<std::string>> keys;
    ModelLog::View head = model_.ViewAt(model_.head());
    for (uint64_t seq : model_.statement_seqs()) {
      for (const auto& e : model_.events()) {
        if ((e.kind == EventKind::kStatement && e.seq == seq) ||
            (e.kind == EventKind::kCorrection && e.target == seq)) {
          for (const auto& k : Keys(e.statement, def)) keys.insert(k);
        }
      }
    }
    for (const auto& k : keys) {
      for (bool incl : {false, true}) {
        auto got = Group(def.name, k, as_of, incl);
        EXPECT_TRUE(test::SameEntries(got, ModelTimeline(model_, def, k, n, incl),
                                      false))
            << "key " << ::testing::PrintToString(k) << " as of " << n
            << (incl ? " incl" : "");
      }
    }
    if (!as_of) {
      auto counts = engine_->Counts(def.name, "", 0);
      ASSERT_TRUE(counts.ok()) << counts.status();
      for (size_t i = 1; i < counts->size(); ++i) {
        EXPECT_GE((*counts)[i - 1].count, (*counts)[i].count) << "largest first";
      }
      EXPECT_EQ(NormCounts(*counts), ModelCounts(model_, def));
    }
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ModelLog model_;
};

TEST_F(DeclarativeTest, GroupsTheSampleData) {
  ASSERT_TRUE(engine_->CreateProjection(Def("accusations", "speaker", {"code=11"})).ok());
  ASSERT_TRUE(engine_->CreateProjection(Def("topic_month", "topic,month")).ok());
  ASSERT_TRUE(engine_->CreateProjection(
                          Def("trump_topics", "topic", {"speaker= DONALD  TRUMP"}))
                  .ok());
  ASSERT_TRUE(engine_->CreateProjection(
                          Def("putin_1", "code:2,year",
                              {"code=1", "speaker=vladimir putin"}))
                  .ok());
  Model();

  // code=11 is a prefix: 112 (Trump's accusation), not 1011 or 1312.
  auto trump = Group("accusations", {"donald trump"});
  ASSERT_THAT(Seqs(trump), ElementsAre(8u));
  EXPECT_EQ(trump[0].event.statement.verb, "accused");
  EXPECT_EQ(trump[0].event.id, "mt-2025-03-31-rare-earths-08");
  EXPECT_EQ(trump[0].status, EntryStatus::kActive);
  EXPECT_EQ(trump[0].version_seq, 8u);
  EXPECT_THAT(Seqs(Group("accusations", {" DONALD\tTRUMP"})), ElementsAre(8u));
  EXPECT_THAT(Group("accusations", {"Vladimir Putin"}), IsEmpty());
  auto counts = engine_->Counts("accusations", "", 0);
  ASSERT_TRUE(counts.ok()) << counts.status();
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_THAT((*counts)[0].key, ElementsAre("Donald Trump"));
  EXPECT_EQ((*counts)[0].count, 1u);

  // topic,month: the month period sorts before the days in it; the year
  // precision has no month.
  EXPECT_THAT(Seqs(Group("topic_month", {"rare earth metals", "2025-03"})),
              ElementsAre(7u, 8u, 1u, 2u, 3u, 11u, 12u));
  EXPECT_THAT(Seqs(Group("topic_month", {"Rare Earth Metals", "2025-02"})),
              ElementsAre(4u, 6u));
  EXPECT_THAT(Seqs(Group("topic_month", {"peace process", "2025-03"})),
              ElementsAre(10u, 9u));
  TimelineQuery rq;
  rq.projection = "topic_month";
  rq.key = {"rare earth metals", "2025-03"};
  rq.reverse = true;
  rq.limit = 3;
  auto rev = test::FetchAll(*engine_, rq);
  ASSERT_TRUE(rev.ok()) << rev.status();
  EXPECT_THAT(Seqs(*rev), ElementsAre(12u, 11u, 3u, 2u, 1u, 8u, 7u));

  counts = engine_->Counts("topic_month", "", 2);
  ASSERT_TRUE(counts.ok()) << counts.status();
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_THAT((*counts)[0].key, ElementsAre("rare earth metals", "2025-03"));
  EXPECT_EQ((*counts)[0].count, 7u);
  EXPECT_EQ((*counts)[1].count, 3u);  // US-Russia relations, 2025-03
  counts = engine_->Counts("topic_month", "us-", 0);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(NormCounts(*counts),
            (std::map<std::vector<std::string>, uint64_t>{
                {{"us-russia relations", "2025-03"}, 3},
                {{"us-russia relations", "2025-02"}, 2},
                {{"us-ukraine minerals deal", "2025-03"}, 2}}));

  auto list = engine_->Projections();
  std::map<std::string, ProjectionInfo> by_name;
  for (const auto& p : list) by_name[p.name] = p;
  ASSERT_EQ(by_name.count("topic_month"), 1u);
  EXPECT_EQ(by_name["topic_month"].definition,
            FormatProjectionDefinition(Def("topic_month", "topic,month")));
  EXPECT_EQ(by_name["accusations"].definition, "key=speaker where=code=11");
  EXPECT_TRUE(by_name["actors"].definition.empty());

  for (const char* name : {"accusations", "topic_month", "trump_topics", "putin_1"}) {
    ProjectionDefinition def;
    if (std::string(name) == "accusations") def = Def(name, "speaker", {"code=11"});
    if (std::string(name) == "topic_month") def = Def(name, "topic,month");
    if (std::string(name) == "trump_topics") {
      def = Def(name, "topic", {"speaker= DONALD  TRUMP"});
    }
    if (std::string(name) == "putin_1") {
      def = Def(name, "code:2,year", {"code=1", "speaker=vladimir putin"});
    }
    ExpectMatchesModel(def);
  }
}

TEST_F(DeclarativeTest, BuiltInCountsOnTheSampleData) {
  auto topics = engine_->Counts("topics", "us-", 0);
  ASSERT_TRUE(topics.ok()) << topics.status();
  EXPECT_EQ(NormCounts(*topics),
            (std::map<std::vector<std::string>, uint64_t>{
                {{"us-russia relations"}, 5}, {{"us-ukraine minerals deal"}, 2}}));
  auto actors = engine_->Counts("actors", "", 2);
  ASSERT_TRUE(actors.ok()) << actors.status();
  ASSERT_EQ(actors->size(), 2u);
  EXPECT_THAT((*actors)[0].key, ElementsAre("United States"));
  EXPECT_EQ((*actors)[0].count, 5u);
  EXPECT_THAT((*actors)[1].key, ElementsAre("Vladimir Putin"));
  EXPECT_EQ((*actors)[1].count, 4u);
  actors = engine_->Counts("actors", "", 0);
  ASSERT_TRUE(actors.ok());
  EXPECT_EQ(NormCounts(*actors),
            (std::map<std::vector<std::string>, uint64_t>{
                {{"united states"}, 5},
                {{"vladimir putin"}, 4},
                {{"donald trump"}, 3},
                {{"volodymyr zelensky"}, 3},
                {{"kirill dmitriev"}, 3},
                {{"ukraine"}, 2},
                {{"russia"}, 2},
                {{"russian natural resources ministry"}, 1},
                {{"the moscow times"}, 1}}));
  EXPECT_EQ(engine_->Counts("no-such", "", 0).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DeclarativeTest, DropCreateAgainAndRefusals) {
  auto def = Def("accusations", "speaker", {"code=11"});
  ASSERT_TRUE(engine_->CreateProjection(def).ok());
  EXPECT_EQ(engine_->CreateProjection(def).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(engine_->CreateProjection(Def("actors", "speaker")).code(),
            absl::StatusCode::kAlreadyExists);
  for (std::string name : {std::string(""), std::string("bad name"),
                           std::string(65, 'a')}) {
    ProjectionDefinition bad;
    bad.name = name;
    bad.key = {"speaker"};
    EXPECT_EQ(engine_->CreateProjection(bad).code(),
              absl::StatusCode::kInvalidArgument) << name;
  }
  EXPECT_THAT(Seqs(Group("accusations", {"Donald Trump"})), ElementsAre(8u));

  ASSERT_TRUE(engine_->DropProjection("accusations").ok());
  TimelineQuery q;
  q.projection = "accusations";
  q.key = {"Donald Trump"};
  EXPECT_EQ(engine_->Timeline(q).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->Counts("accusations", "", 0).status().code(),
            absl::StatusCode::kNotFound);
  for (const auto& p : engine_->Projections()) EXPECT_NE(p.name, "accusations");
  EXPECT_EQ(engine_->DropProjection("accusations").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->DropProjection("actors").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->DropProjection("topics").code(),
            absl::StatusCode::kFailedPrecondition);

  // Same name, another definition: nothing of the old one is left.
  ASSERT_TRUE(engine_->CreateProjection(Def("accusations", "speaker", {"code=13"})).ok());
  // The threat (1312), no longer the accusation (112).
  EXPECT_THAT(Seqs(Group("accusations", {"Donald Trump"})), ElementsAre(9u));
  auto counts = engine_->Counts("accusations", "", 0);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(NormCounts(*counts),
            (std::map<std::vector<std::string>, uint64_t>{{{"donald trump"}, 1}}));

  // Drop survives reopen.
  ASSERT_TRUE(engine_->DropProjection("accusations").ok());
  engine_.reset();
  Open();
  EXPECT_EQ(engine_->Timeline(q).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DeclarativeTest, DefinitionsPersistAcrossReopen) {
  auto def = Def("topic_month", "topic,month");
  ASSERT_TRUE(engine_->CreateProjection(def).ok());
  ASSERT_TRUE(engine_->WaitFor(engine_->Head(), absl::Seconds(60)).ok());
  engine_.reset();
  Open();
  bool found = false;
  for (const auto& p : engine_->Projections()) {
    if (p.name == "topic_month") {
      found = true;
      EXPECT_EQ(p.definition, FormatProjectionDefinition(def));
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(engine_->CreateProjection(def).code(), absl::StatusCode::kAlreadyExists);
  // It keeps following the log after the reopen.
  Statement s;
  s.speaker = "Donald Trump";
  s.verb = "said";
  s.code = "010";
  s.topics = {"RARE EARTH METALS"};
  s.content = "new";
  s.occurred_at = T("2025-03-15");
  auto r = engine_->Append(s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Seqs(Group("topic_month", {"rare earth metals", "2025-03"})),
              ElementsAre(7u, r->seq, 8u, 1u, 2u, 3u, 11u, 12u));
  Model();
  ExpectMatchesModel(def);
  // And a rebuild gives the same.
  ASSERT_TRUE(engine_->Rebuild("topic_month").ok());
  ASSERT_TRUE(engine_->WaitForRebuild("topic_month", absl::Seconds(60)).ok());
  ExpectMatchesModel(def);
}

TEST_F(DeclarativeTest, AsOfWorksLikeTheBuiltIns) {
  auto acc = Def("accusations", "speaker", {"code=11"});
  auto tm = Def("topic_month", "topic,month");
  ASSERT_TRUE(engine_->CreateProjection(acc).ok());
  ASSERT_TRUE(engine_->CreateProjection(tm).ok());

  auto correct = [&](uint64_t seq, auto&& edit) {
    auto cur = engine_->CurrentStatement(seq);
    ASSERT_TRUE(cur.ok()) << cur.status();
    Statement c = *cur;
    c.id.clear();
    edit(c);
    auto r = engine_->Correct(seq, c, "test");
    ASSERT_TRUE(r.ok()) << r.status();
  };
  // 13: Trump's accusation is recoded; 14: Putin's demand becomes one.
  correct(8, [](Statement& c) { c.code = "0211"; });
  correct(10, [](Statement& c) { c.code = "111"; });
  // 15: statement 6 moves from February into March; 16: 12 is retracted.
  correct(6, [](Statement& c) { c.occurred_at = T("2025-03-15"); });
  ASSERT_TRUE(engine_->Retract(12, "wrong source").ok());
  // 17: a statement keyed anew.
  correct(4, [](Statement& c) { c.topics = {"annexed territories"}; });
  ASSERT_EQ(engine_->Head(), 17u);
  Model();

  EXPECT_THAT(Group("accusations", {"Donald Trump"}), IsEmpty());
  EXPECT_THAT(Seqs(Group("accusations", {"Donald Trump"}, 12)), ElementsAre(8u));
  EXPECT_THAT(Seqs(Group("accusations", {"Donald Trump"}, 13)), IsEmpty());
  auto putin = Group("accusations", {"vladimir putin"});
  ASSERT_THAT(Seqs(putin), ElementsAre(10u));
  EXPECT_EQ(putin[0].status, EntryStatus::kCorrected);
  EXPECT_EQ(putin[0].version_seq, 14u);
  EXPECT_EQ(putin[0].event.statement.code, "111");
  EXPECT_THAT(Group("accusations", {"vladimir putin"}, 13), IsEmpty());

  EXPECT_THAT(Seqs(Group("topic_month", {"rare earth metals", "2025-02"})),
              IsEmpty());
  EXPECT_THAT(Seqs(Group("topic_month", {"rare earth metals", "2025-02"}, 14)),
              ElementsAre(4u, 6u));
  EXPECT_THAT(Seqs(Group("topic_month", {"rare earth metals", "2025-02"}, 15)),
              ElementsAre(4u));
  EXPECT_THAT(Seqs(Group("topic_month", {"rare earth metals", "2025-03"})),
              ElementsAre(7u, 6u, 8u, 1u, 2u, 3u, 11u));
  auto with_retracted =
      Group("topic_month", {"rare earth metals", "2025-03"}, std::nullopt, true);
  ASSERT_EQ(with_retracted.size(), 8u);
  EXPECT_EQ(with_retracted.back().event.seq, 12u);
  EXPECT_EQ(with_retracted.back().status, EntryStatus::kRetracted);

  TimelineQuery q;
  q.projection = "topic_month";
  q.key = {"rare earth metals", "2025-03"};
  q.as_of = 18;
  EXPECT_EQ(engine_->Timeline(q).status().code(), absl::StatusCode::kOutOfRange);

  for (uint64_t n = 0; n <= engine_->Head(); ++n) {
    ExpectMatchesModel(acc, n);
    ExpectMatchesModel(tm, n);
  }
  ExpectMatchesModel(acc);
  ExpectMatchesModel(tm);
  // Byte-identical after more appends.
  auto before = Group("topic_month", {"rare earth metals", "2025-03"}, 15, true);
  correct(1, [](Statement& c) { c.topics = {"sanctions"}; });
  ASSERT_TRUE(engine_->Retract(2, "dup").ok());
  auto after = Group("topic_month", {"rare earth metals", "2025-03"}, 15, true);
  EXPECT_TRUE(test::IdenticalEntries(before, after));
}

}  // namespace
}  // namespace annals
