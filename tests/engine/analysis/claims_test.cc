// Claims (annals/claims.h) against a brute-force oracle over the timeline
// the engine answers (itself checked against the model in the timeline
// tests): random logs with corrections, retractions and aliases whose
// statements are made to repeat (few codes, days and content templates),
// every actor, exact claims and near-duplicates at two thresholds. The
// oracle compares every pair and closes the groups by repeated merging; it
// uses the engine's own signature function, as the issue asks.
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "annals/claims.h"
#include "annals/engine.h"
#include "annals/names.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "engine/timeline/random_log.h"

namespace annals {
namespace {

using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::T;
using test::TempDir;

void Decorate(Statement& s, std::mt19937_64& rng) {
  static const char* kCodes[] = {"010", "112", ""};  // "": verb and words decide
  static const char* kDays[] = {"2024-05-01", "2024-05-02", "2024-05-09", "2024-05"};
  static const char* kContent[] = {
      "accused the other side of trying to back out of the rare earths deal",
      "accused the other side of trying to back out of the rare earths deal again",
      "said talks on rare earth metals had started in earnest",
      "said talks on rare earth metals had started"};
  auto pick = [&](int n) {
    return static_cast<size_t>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  s.code = kCodes[pick(3)];
  s.occurred_at = T(kDays[pick(4)]);
  s.content = kContent[pick(4)];
  s.quote.clear();
  if (pick(4) == 0) std::swap(s.content, s.quote);  // quote-only rows
  static const char* kOutlets[] = {"Reuters", "reuters ", "AP", ""};
  s.source.outlet = kOutlets[pick(4)];
  if (s.targets.size() > 1) s.targets.resize(1);
}

std::vector<TimelineEntry> WholeTimeline(const Engine& e, TimelineQuery q) {
  std::vector<TimelineEntry> out;
  q.limit = 7;  // many pages
  for (;;) {
    auto page = e.Timeline(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return out;
    for (auto& x : page->entries) out.push_back(x);
    q.as_of = page->as_of;
    q.cursor = page->next_cursor;
    if (q.cursor.empty()) return out;
  }
}

std::string Words(const Statement& s) { return s.content.empty() ? s.quote : s.content; }

struct OracleClaim {
  std::vector<uint64_t> seqs;
  uint64_t outlets = 0;
  Timestamp first_at, last_at;
  bool operator==(const OracleClaim&) const = default;
};

// Claims in the order of their first reports.
std::vector<OracleClaim> Oracle(const std::vector<TimelineEntry>& rows, double similarity,
                                int window_days) {
  const size_t n = rows.size();
  std::vector<size_t> label(n);
  for (size_t i = 0; i < n; ++i) label[i] = i;
  auto joined = [&](size_t i, size_t j) {
    const Statement& a = rows[i].event.statement;
    const Statement& b = rows[j].event.statement;
    std::set<std::string> ta, tb;
    for (const auto& t : a.targets) ta.insert(NormalizedName(t));
    for (const auto& t : b.targets) tb.insert(NormalizedName(t));
    const bool same_speaker = NormalizedName(a.speaker) == NormalizedName(b.speaker);
    if (same_speaker && ta == tb && a.code == b.code && a.occurred_at == b.occurred_at &&
        (!a.code.empty() || (a.verb == b.verb && Words(a) == Words(b))))
      return true;
    if (similarity == 0 || !same_speaker || a.speaker.empty()) return false;
    const int64_t apart = std::llabs(a.occurred_at.micros - b.occurred_at.micros);
    return apart <= int64_t{window_days} * 86400 * 1000000 &&
           ContentSimilarity(ContentSignature(Words(a)), ContentSignature(Words(b))) >=
               similarity;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j)
        if (label[i] != label[j] && joined(i, j)) {
          const size_t from = std::max(label[i], label[j]), to = std::min(label[i], label[j]);
          for (size_t& l : label)
            if (l == from) l = to;
          changed = true;
        }
  }
  std::map<size_t, OracleClaim> groups;  // labels are first indexes
  std::map<size_t, std::set<std::string>> outlets;
  for (size_t i = 0; i < n; ++i) {
    OracleClaim& c = groups[label[i]];
    const Statement& s = rows[i].event.statement;
    if (c.seqs.empty()) c.first_at = c.last_at = s.occurred_at;
    c.seqs.push_back(rows[i].event.seq);
    c.last_at = std::max(c.last_at, s.occurred_at);
    if (!s.source.outlet.empty()) outlets[label[i]].insert(NormalizedName(s.source.outlet));
  }
  std::vector<OracleClaim> out;
  for (auto& [l, c] : groups) {
    c.outlets = outlets[l].size();
    out.push_back(c);
  }
  return out;
}

class ClaimsModelTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ClaimsModelTest, RandomLogMatchesTheOracle) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog model;
  test::GenOptions options;
  options.decorate = Decorate;
  options.max_actors = 4;  // so that statements repeat
  Generator gen(GetParam(), engine.get(), &model, options);
  ASSERT_TRUE(test::GrowLog(gen, model, test::RandomLogSize(GetParam())));
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());
  size_t joined = 0, near = 0;
  for (const std::string& a : gen.ActorQueries()) {
    TimelineQuery q;
    q.kind = TimelineKind::kActor;
    q.name = a;
    const std::vector<TimelineEntry> rows = WholeTimeline(*engine, q);
    for (double similarity : {0.0, 0.5, 0.9}) {
      SCOPED_TRACE(absl::StrCat(a, " similarity ", similarity));
      ClaimsQuery cq;
      cq.timeline = q;
      cq.similarity = similarity;
      cq.window_days = 2;
      auto claims = ComputeClaims(*engine, cq);
      ASSERT_TRUE(claims.ok()) << claims.status();
      std::vector<OracleClaim> got;
      for (const Claim& c : claims->claims) {
        got.push_back({c.seqs, c.outlets, c.first_at, c.last_at});
        EXPECT_EQ(c.first.event.seq, c.seqs.front());
      }
      const auto want = Oracle(rows, similarity, 2);
      EXPECT_TRUE(got == want);
      EXPECT_EQ(claims->statements, rows.size());
      if (similarity == 0) joined += rows.size() - want.size();
      if (similarity == 0.5) near += rows.size() - want.size();
    }
  }
  EXPECT_GT(joined, 5u);  // the log does repeat itself
  EXPECT_GT(near, joined);  // and near-duplicates join more
}

INSTANTIATE_TEST_SUITE_P(Seeds, ClaimsModelTest, ::testing::Values(7, 4242));

TEST(ClaimsTest, SignaturesAreStableAndSimilarityIsBounded) {
  const auto a = ContentSignature("Dmitriev said talks on rare earth metals had started");
  EXPECT_EQ(a, ContentSignature("DMITRIEV said: talks on rare-earth metals had started!"));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(ContentSimilarity(a, a), 1.0);
  EXPECT_LT(ContentSimilarity(a, ContentSignature("Trump accused Zelensky")), 0.2);
  EXPECT_EQ(ContentSimilarity(a, ContentSignature("")), 0.0);
  EXPECT_TRUE(ContentSignature("   ").empty());
}

TEST(ClaimsTest, BadParametersAreRefused) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(engine.ok());
  ClaimsQuery q;
  q.timeline.name = "x";
  q.similarity = 1.5;
  EXPECT_EQ(ComputeClaims(**engine, q).status().code(), absl::StatusCode::kInvalidArgument);
  q.similarity = 0.5;
  q.window_days = -1;
  EXPECT_EQ(ComputeClaims(**engine, q).status().code(), absl::StatusCode::kInvalidArgument);
  q.window_days = 2000000000;  // would overflow in micros
  EXPECT_EQ(ComputeClaims(**engine, q).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace annals
