// Networks (annals/network.h) against a brute-force oracle: random logs with
// corrections (new speakers and targets), retractions and aliases, as of
// random points, in date ranges, with filters and ego networks of depth 1
// and 2. The oracle is a model rebuilt from the log the engine stores
// (ModelLog::FromEngine: every event Read back, amendments applied by the
// model's own rules); it tallies each dyad itself, with the codebook and
// the GoldsteinScale attributes.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "annals/cameo.h"
#include "annals/engine.h"
#include "annals/network.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "engine/timeline/random_log.h"

namespace annals {
namespace {

using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::Norm;
using test::PeriodEnd;
using test::T;
using test::TempDir;

const CameoCode* Codebook(std::string code) {
  for (; code.size() >= 2; code.pop_back())
    if (const CameoCode* c = FindCameoCode(code)) return c;
  return nullptr;
}

std::optional<double> Goldstein(const Statement& s) {
  for (const Attribute& a : s.attributes) {
    if (a.key != "GoldsteinScale") continue;
    char* end = nullptr;
    double v = strtod(a.value.c_str(), &end);
    if (!a.value.empty() && *end == '\0' && std::isfinite(v)) return v;
  }
  if (const CameoCode* c = Codebook(s.code)) return c->goldstein;
  return std::nullopt;
}

struct Tally {
  uint64_t count = 0, scored = 0;
  double sum = 0;
  std::vector<uint64_t> quad = std::vector<uint64_t>(4);
  bool operator==(const Tally& o) const {
    return count == o.count && scored == o.scored && std::fabs(sum - o.sum) < 1e-6 &&
           quad == o.quad;
  }
};

std::ostream& operator<<(std::ostream& os, const Tally& t) {
  return os << "n=" << t.count << " scored=" << t.scored << " sum=" << t.sum << " quads="
            << t.quad[0] << "," << t.quad[1] << "," << t.quad[2] << "," << t.quad[3];
}

using Edges = std::map<std::pair<std::string, std::string>, Tally>;

// Whether the oracle's statement passes the test's one kind of filter:
// "code=PREFIX" (or "!code=PREFIX").
bool PassesCode(const Statement& s, const std::string& where) {
  if (where.empty()) return true;
  const bool negate = where[0] == '!';
  const std::string prefix = where.substr(negate ? 6 : 5);
  return (s.code.compare(0, prefix.size(), prefix) == 0) != negate;
}

Edges Oracle(const ModelLog& model, uint64_t as_of, const NetworkQuery& q,
             const std::string& where) {
  const ModelLog::View v = model.ViewAt(as_of);
  Edges all;
  for (uint64_t seq : model.statement_seqs()) {
    if (seq > as_of) break;
    if (v.retracted.count(seq)) continue;
    const Statement& s = v.Current(seq);
    if (q.from.present() && s.occurred_at.micros < q.from.micros) continue;
    if (q.to.present() && s.occurred_at.micros >= PeriodEnd(q.to)) continue;
    if (!PassesCode(s, where) || s.speaker.empty()) continue;
    const std::string from = v.Root(Norm(s.speaker));
    std::set<std::string> targets;
    for (const std::string& t : s.targets)
      if (v.Root(Norm(t)) != from) targets.insert(v.Root(Norm(t)));
    for (const std::string& to : targets) {
      Tally& e = all[{from, to}];
      ++e.count;
      if (auto g = Goldstein(s)) e.sum += *g, ++e.scored;
      const CameoCode* c = Codebook(s.code);
      if (c != nullptr) ++e.quad[static_cast<size_t>(c->quad_class - 1)];
    }
  }
  if (q.actor.empty()) return all;
  const std::string ego = v.Root(Norm(q.actor));
  std::set<std::string> centres = {ego};
  for (const auto& [k, e] : all) {
    if (q.depth < 2) break;
    if (k.first == ego) centres.insert(k.second);
    if (k.second == ego) centres.insert(k.first);
  }
  Edges out;
  for (const auto& [k, e] : all)
    if (centres.count(k.first) || centres.count(k.second)) out[k] = e;
  return out;
}

Edges Answer(const Network& n) {
  Edges out;
  for (const NetworkEdge& e : n.edges) {
    Tally& t = out[{e.source, e.target}];
    EXPECT_EQ(t.count, 0u) << e.source << " -> " << e.target << " twice";
    t.count = e.count;
    t.scored = e.scored;
    t.sum = e.goldstein_sum;
    t.quad.assign(e.quad.begin(), e.quad.end());
  }
  return out;
}

std::string Describe(const NetworkQuery& q, const std::string& where) {
  std::string s = "as_of=" + std::to_string(q.as_of.value_or(0)) + " actor=\"" + q.actor +
                  "\" depth=" + std::to_string(q.depth) + " where=" + where;
  if (q.from.present()) s += " from=" + FormatTime(q.from);
  if (q.to.present()) s += " to=" + FormatTime(q.to);
  return s;
}

void Decorate(Statement& s, std::mt19937_64& rng) {
  static const char* kCodes[] = {"010", "0211", "112", "1312", "190", "1823", "0871",
                                 "20",  "061",  "X99", "173",  "057"};
  static const char* kGold[] = {"-10.0", "-5", "2.8", "abc", "0.1"};
  auto pick = [&](int n) {
    return static_cast<size_t>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  s.code = kCodes[pick(12)];
  s.attributes.clear();
  if (pick(3) == 0) s.attributes.push_back({"GoldsteinScale", kGold[pick(5)]});
}

// The labels: an alias class's canonical name as its alias event wrote it;
// every label names its node (normalises to its alias root's name).
void CheckNodes(const Network& n, const ModelLog& model, uint64_t as_of) {
  const ModelLog::View v = model.ViewAt(as_of);
  std::set<std::string> ids;
  for (const NetworkEdge& e : n.edges) ids.insert(e.source), ids.insert(e.target);
  std::set<std::string> got;
  for (const NetworkNode& node : n.nodes) {
    got.insert(node.id);
    EXPECT_EQ(v.Root(Norm(node.label)), node.id) << node.label;
    auto d = v.display.find(node.id);
    if (d != v.display.end()) {
      EXPECT_EQ(node.label, d->second) << node.id;
    }
  }
  EXPECT_EQ(got, ids);
}

class NetworkModelTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(NetworkModelTest, RandomLogMatchesTheOracle) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog generated;
  test::GenOptions options;
  options.decorate = Decorate;
  Generator gen(GetParam(), engine.get(), &generated, options);
  ASSERT_TRUE(test::GrowLog(gen, generated, test::RandomLogSize(GetParam())));
  auto model = ModelLog::FromEngine(*engine);  // the log as stored, read back
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model->head(), generated.head());

  std::vector<uint64_t> points = {model->head()};
  for (int i = 0; i < 3; ++i)
    points.push_back(static_cast<uint64_t>(gen.Uniform(1, static_cast<int>(model->head()))));
  const std::vector<std::pair<const char*, const char*>> ranges = {
      {nullptr, nullptr}, {"2024", nullptr}, {"2023-06-15", "2024-12"}};
  const std::vector<std::string> wheres = {"", "code=1", "!code=02"};
  std::vector<std::pair<std::string, int>> egos = {{"", 1}};
  for (const std::string& a : gen.ActorQueries()) egos.push_back({a, 1 + egos.size() % 2});
  int checked = 0, nonempty = 0;
  for (uint64_t as_of : points) {
    for (const auto& [from, to] : ranges) {
      for (size_t w = 0; w < wheres.size(); ++w) {
        for (size_t i = 0; i < egos.size(); ++i) {
          if ((i + w) % 3 != 0 && i != 0) continue;  // a spread, not every combination
          NetworkQuery q;
          q.as_of = as_of;
          if (from) q.from = T(from);
          if (to) q.to = T(to);
          if (!wheres[w].empty()) q.where = {wheres[w]};
          q.actor = egos[i].first;
          q.depth = egos[i].second;
          auto got = ComputeNetwork(*engine, q);
          ASSERT_TRUE(got.ok()) << got.status() << " " << Describe(q, wheres[w]);
          EXPECT_EQ(got->as_of, as_of);
          const Edges want = Oracle(*model, as_of, q, wheres[w]);
          ASSERT_EQ(Answer(*got), want) << Describe(q, wheres[w]);
          CheckNodes(*got, *model, as_of);
          ++checked;
          nonempty += !want.empty();
        }
      }
    }
  }
  EXPECT_GT(nonempty, checked / 3);  // the oracle's answers are not all empty
}

INSTANTIATE_TEST_SUITE_P(Seeds, NetworkModelTest, ::testing::Values(7, 2101, 90210));

Statement Said(const std::string& speaker, std::vector<std::string> targets,
               const std::string& code) {
  Statement s;
  s.speaker = speaker;
  s.targets = std::move(targets);
  s.verb = "said";
  s.code = code;
  s.content = speaker + " " + code;
  for (const std::string& t : s.targets) s.content += " " + t;
  s.occurred_at = T("2025-03-01");
  return s;
}

TEST(NetworkTest, AliasesMergeNodesAndSelfLoopsAreDropped) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& db = **opened;
  ASSERT_TRUE(db.Append(Said("USA", {"Iran", "iran", "USA"}, "112")).ok());  // quad 3
  ASSERT_TRUE(db.Append(Said("United States", {"IRAN"}, "057")).ok());       // quad 1
  ASSERT_TRUE(db.Append(Said("Iran", {"Iraq"}, "X99")).ok());
  ASSERT_TRUE(db.Alias("USA", "United States").ok());
  auto n = ComputeNetwork(db, {});
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_EQ(n->edges.size(), 2u);
  EXPECT_EQ(n->edges[0].source, "iran");
  EXPECT_EQ(n->edges[0].target, "iraq");
  EXPECT_EQ(n->edges[0].scored, 0u);  // not a CAMEO code
  const NetworkEdge& us = n->edges[1];
  EXPECT_EQ(us.source, "united states");
  EXPECT_EQ(us.target, "iran");
  EXPECT_EQ(us.count, 2u);  // "Iran" and "iran" once; USA -> USA dropped
  EXPECT_EQ(us.quad, (std::array<uint64_t, 4>{1, 0, 1, 0}));
  EXPECT_EQ(us.scored, 2u);
  ASSERT_EQ(n->nodes.size(), 3u);
  EXPECT_EQ(n->nodes[2].label, "United States");
  EXPECT_EQ(n->nodes[0].label, "Iran");  // written so twice, "IRAN" once

  NetworkQuery before;
  before.as_of = 3;  // before the alias: two nodes for the United States
  n = ComputeNetwork(db, before);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->edges.size(), 3u);

  NetworkQuery ego;
  ego.actor = "usa";
  n = ComputeNetwork(db, ego);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->edges.size(), 1u);
  ego.depth = 2;
  n = ComputeNetwork(db, ego);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->edges.size(), 2u);
}

TEST(NetworkTest, BadQueriesAreRefused) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& db = **opened;
  ASSERT_TRUE(db.Append(Said("A", {"B"}, "010")).ok());
  NetworkQuery q;
  q.depth = 3;
  EXPECT_EQ(ComputeNetwork(db, q).status().code(), absl::StatusCode::kInvalidArgument);
  q.depth = 1;
  q.where = {"nosuchfield=1"};
  EXPECT_EQ(ComputeNetwork(db, q).status().code(), absl::StatusCode::kInvalidArgument);
  q.where = {"quad=2", "!quad=2"};
  EXPECT_EQ(ComputeNetwork(db, q).status().code(), absl::StatusCode::kInvalidArgument);
  q.where.clear();
  q.as_of = 9;
  EXPECT_EQ(ComputeNetwork(db, q).status().code(), absl::StatusCode::kOutOfRange);
  q.as_of.reset();
  q.from = T("2026");
  q.to = T("2025");
  EXPECT_EQ(ComputeNetwork(db, q).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace annals
