// Declarative projections keyed and filtered on attributes (attr.NAME) and
// derived fields (quad, root, goldstein, day, week; month and year as
// before): definition parsing and its refusals, then counts on random logs
// with corrections, retractions and aliases against a brute-force oracle
// written apart from the engine (ISO weeks by strftime's %G-W%V), as of
// random points and in date ranges.
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/cameo.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "engine/timeline/random_log.h"
#include "projection/declarative_projection.h"

namespace annals {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::Msg;
using test::Norm;
using test::T;
using test::TempDir;

// --- parsing ---

TEST(DerivedKeysParseTest, AcceptsAttributesDerivedFieldsAndRanges) {
  for (const char* key : {"attr.Actor1CountryCode,attr.Actor2CountryCode", "quad", "root",
                          "goldstein", "week", "day", "quad,month", "attr.QuadClass,year"}) {
    auto d = ParseProjectionDefinition("p", key, {});
    EXPECT_TRUE(d.ok()) << key << ": " << d.status();
  }
  auto def = ParseProjectionDefinition(
      "p", "speaker",
      {"goldstein<=-5", "quad=3,4", "attr.QuadClass=4", "!root=11", "attr.X=a,b", "day=2024-12-31",
       "week=2025-W01", "goldstein > -9.5", "!attr.NumMentions>=10"});
  ASSERT_TRUE(def.ok()) << def.status();
  EXPECT_THAT(def->where,
              ElementsAre(Pair("goldstein<=", "-5"), Pair("quad", "3"), Pair("quad", "4"),
                          Pair("attr.QuadClass", "4"), Pair("!root", "11"),
                          Pair("attr.X", "a,b"),  // attribute values may hold commas
                          Pair("day", "2024-12-31"), Pair("week", "2025-W01"),
                          Pair("goldstein>", "-9.5"), Pair("!attr.NumMentions>=", "10")));
  EXPECT_EQ(FormatProjectionDefinition(*ParseProjectionDefinition("p", "quad", {"goldstein<=-5"})),
            "key=quad where=goldstein<=-5");
  // A year among months, a month among days or weeks: the coarse buckets.
  for (const char* w : {"month=2018", "day=2018-03", "week=2018", "week=2020-W53"})
    EXPECT_TRUE(ParseProjectionDefinition("p", "speaker", {w}).ok()) << w;
}

TEST(DerivedKeysParseTest, RefusesImpossibleAndMalformedFilters) {
  struct Case {
    std::vector<std::string> where;
    const char* says;
  };
  const Case cases[] = {
      {{"speaker<=3"}, "only quad, goldstein and attr.NAME"},
      {{"goldstein<=abc"}, "not a number"},
      {{"quad=5"}, "quad never has that value"},
      {{"quad=x"}, "quad never has that value"},
      {{"goldstein=11"}, "goldstein never has that value"},
      {{"goldstein>10"}, "goldstein is from -10 to 10"},
      {{"quad<1"}, "quad is from 1 to 4"},
      {{"goldstein<=-5", "goldstein>=0"}, "leave no value"},
      {{"goldstein<2", "goldstein>2"}, "leave no value"},
      {{"quad=4", "!quad>=3"}, "leave no value"},
      {{"quad=3,4", "!quad=3", "!quad=4"}, "leave no value"},
      {{"attr.N=abc", "attr.N>=1"}, "leave no value"},
      {{"root=99"}, "root never has that value"},
      {{"root=112"}, "root never has that value"},
      {{"day=2025-02-30"}, "day never has that value"},
      {{"week=2025-W54"}, "week never has that value"},
      {{"week=2025-W53"}, "week never has that value"},  // 2025 has 52 weeks
      {{"month=2025-13"}, "month never has that value"},
      {{"attr.=x"}, "attr.NAME needs"},
      {{"colour=red"}, "unknown field 'colour'"},
      {{"code=11", "!code=1"}, "leave no value"},
      // Negated bounds narrow the positive ones.
      {{"goldstein<=-6", "!goldstein<=-5"}, "leave no value"},
      {{"goldstein>=2", "goldstein<=3", "!goldstein>=1"}, "leave no value"},
      {{"attr.N<5", "!attr.N<6"}, "leave no value"},
      {{"goldstein<=2", "!goldstein<=2"}, "leave no value"},
  };
  for (const Case& c : cases) {
    auto r = ParseProjectionDefinition("p", "speaker", c.where);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << c.where[0] << ": " << r.status();
    EXPECT_THAT(Msg(r.status()), HasSubstr(c.says)) << c.where[0];
  }
  // The bounds on one field all hold: -5 <= goldstein <= 5 is a band.
  EXPECT_TRUE(ParseProjectionDefinition("p", "speaker", {"goldstein>=-5", "goldstein<=5"}).ok());
  EXPECT_TRUE(ParseProjectionDefinition("p", "speaker", {"goldstein<=2", "goldstein>=2"}).ok());
  // A negated bound leaves the rest of a positive one; alone it leaves the
  // statements without a score.
  EXPECT_TRUE(ParseProjectionDefinition("p", "speaker", {"goldstein<=-4", "!goldstein<=-5"}).ok());
  EXPECT_TRUE(ParseProjectionDefinition("p", "speaker", {"goldstein<=2", "!goldstein<2", "!goldstein>2"}).ok());
  EXPECT_TRUE(ParseProjectionDefinition("p", "speaker", {"!goldstein>=-10"}).ok());
}

// A definition stored before the negated-bounds check still loads (stored
// definitions are read as they were accepted); only a new one is refused.
TEST(DerivedKeysParseTest, NegatedBoundsAreCheckedForNewDefinitionsOnly) {
  ProjectionDefinition def;
  def.name = "p";
  def.key = {"speaker"};
  def.where = {{"goldstein<=", "-6"}, {"!goldstein<=", "-5"}};
  EXPECT_TRUE(internal::CheckDefinition(def).ok());
  EXPECT_EQ(internal::CheckNewDefinition(def).code(), absl::StatusCode::kInvalidArgument);
}

// --- the oracle ---

const CameoCode* OracleCodebook(std::string code) {
  for (; code.size() >= 2; code.pop_back())
    if (const CameoCode* c = FindCameoCode(code)) return c;
  return nullptr;
}

std::string Num(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%g", v == 0 ? 0.0 : v);
  return buf;
}

std::optional<double> OracleGoldstein(const Statement& s) {
  for (const Attribute& a : s.attributes) {
    if (a.key != "GoldsteinScale") continue;
    char* end = nullptr;
    double v = strtod(a.value.c_str(), &end);
    if (!a.value.empty() && end && *end == '\0' && std::isfinite(v)) return v;
  }
  if (const CameoCode* c = OracleCodebook(s.code)) return c->goldstein;
  return std::nullopt;
}

// The period label of a time: strftime, independent of the engine's.
std::string OraclePeriod(const Timestamp& t, const std::string& period) {
  time_t secs = static_cast<time_t>(std::floor(t.micros / 1e6));
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  const char* fmt = "%Y-%m-%d";
  if (period == "year" || t.precision == Precision::kYear) fmt = "%Y";
  else if (period == "month" || t.precision == Precision::kMonth) fmt = "%Y-%m";
  else if (period == "week") fmt = "%G-W%V";
  strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

// Normalised values of a field for a statement.
std::set<std::string> OracleValues(const Statement& s, const std::string& f) {
  std::set<std::string> out;
  if (f == "speaker") {
    if (!Norm(s.speaker).empty()) out.insert(Norm(s.speaker));
  } else if (f == "quad") {
    if (const CameoCode* c = OracleCodebook(s.code)) out.insert(std::to_string(c->quad_class));
  } else if (f == "root") {
    if (const CameoCode* c = OracleCodebook(s.code)) out.insert(c->root_code);
  } else if (f == "goldstein") {
    if (auto g = OracleGoldstein(s)) out.insert(Num(*g));
  } else if (f.rfind("attr.", 0) == 0) {
    for (const Attribute& a : s.attributes)
      if (a.key == f.substr(5) && !Norm(a.value).empty()) out.insert(Norm(a.value));
  } else {
    out.insert(OraclePeriod(s.occurred_at, f));
  }
  return out;
}

// A filter as the oracle reads it: field, op ("=", "<=", ...), value.
struct OFilter {
  std::string field, op, value;
  bool negate = false;
  bool Holds(const std::string& v) const {
    if (op == "=") return field == "goldstein" ? Num(std::stod(value)) == v : Norm(value) == v;
    char* end = nullptr;
    double x = strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') return false;
    double b = std::stod(value);
    return op == "<" ? x < b : op == "<=" ? x <= b : op == ">" ? x > b : x >= b;
  }
};

struct OracleDef {
  std::string name;
  std::vector<std::string> key;
  std::vector<std::string> where;  // as the CLI takes them ("!f=v" negated)
  std::vector<OFilter> filters;
};

bool OraclePasses(const Statement& s, const std::vector<OFilter>& filters) {
  std::map<std::string, std::vector<const OFilter*>> by_field;
  for (const OFilter& w : filters) {
    if (w.negate) {
      for (const auto& v : OracleValues(s, w.field))
        if (w.Holds(v)) return false;
    } else {
      by_field[w.field].push_back(&w);
    }
  }
  for (const auto& [field, ws] : by_field) {
    bool any = false;
    for (const auto& v : OracleValues(s, field)) {
      bool eq_seen = false, eq_hit = false, bounds = true;
      for (const OFilter* w : ws) {
        if (w->op == "=") {
          eq_seen = true;
          eq_hit = eq_hit || w->Holds(v);
        } else {
          bounds = bounds && w->Holds(v);
        }
      }
      any = any || (bounds && (!eq_seen || eq_hit));
    }
    if (!any) return false;
  }
  return true;
}

using Counts = std::map<std::vector<std::string>, uint64_t>;

Counts OracleCounts(const ModelLog& model, const OracleDef& def, uint64_t as_of,
                    const Timestamp& from, const Timestamp& to) {
  const ModelLog::View v = model.ViewAt(as_of);
  Counts out;
  for (uint64_t seq : model.statement_seqs()) {
    if (seq > as_of) break;
    if (v.IsRetracted(seq)) continue;
    const Statement& s = v.Current(seq);
    if (from.present() && s.occurred_at.micros < from.micros) continue;
    if (to.present() && s.occurred_at.micros >= test::PeriodEnd(to)) continue;
    if (!OraclePasses(s, def.filters)) continue;
    std::set<std::vector<std::string>> keys = {{}};
    for (const auto& f : def.key) {
      std::set<std::vector<std::string>> next;
      for (const auto& k : keys)
        for (const auto& x : OracleValues(s, f)) {
          auto n = k;
          n.push_back(f == "speaker" ? v.Root(x) : x);
          next.insert(n);
        }
      keys = next;
    }
    for (const auto& k : keys) ++out[k];
  }
  return out;
}

Counts EngineCounts(const Engine& engine, const OracleDef& def, const ModelLog::View& v,
                    std::optional<uint64_t> as_of, const Timestamp& from, const Timestamp& to) {
  CountsQuery q;
  q.projection = def.name;
  q.as_of = as_of;
  q.from = from;
  q.to = to;
  auto got = engine.Counts(q);
  EXPECT_TRUE(got.ok()) << got.status();
  Counts out;
  if (!got.ok()) return out;
  for (const GroupCount& g : *got) {
    std::vector<std::string> k;
    for (size_t i = 0; i < g.key.size(); ++i)
      k.push_back(def.key[i] == "speaker"           ? v.Root(Norm(g.key[i]))
                  : def.key[i].rfind("attr.", 0) == 0 ? Norm(g.key[i])
                                                      : g.key[i]);
    EXPECT_EQ(out.count(k), 0u) << def.name << ": group listed twice";
    out[k] = g.count;
  }
  return out;
}

// Codes of every quad class, non-CAMEO ones and codes the codebook knows
// only by a prefix; Goldstein scores as GDELT writes them, also not numbers;
// country codes in several spellings.
void Decorate(Statement& s, std::mt19937_64& rng) {
  static const char* kCodes[] = {"010", "0211", "112", "1312", "190", "1823", "0871",
                                 "20",  "061",  "X99", "173",  "1739", "14",   "0314"};
  static const char* kGold[] = {"-10.0", "-5", "2.8", "3.4", "-7.2", "abc", "0"};
  static const char* kCountry[] = {"USA", "usa", "RUS", "CHN", " chn ", "UKR"};
  auto pick = [&](int n) { return static_cast<size_t>(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
  s.code = kCodes[pick(14)];
  s.attributes.clear();
  if (pick(3) == 0) s.attributes.push_back({"GoldsteinScale", kGold[pick(7)]});
  if (pick(4) != 0) s.attributes.push_back({"Actor1CountryCode", kCountry[pick(6)]});
  if (pick(4) != 0) s.attributes.push_back({"Actor2CountryCode", kCountry[pick(6)]});
  if (pick(2) == 0) s.attributes.push_back({"QuadClass", std::to_string(1 + pick(4))});
}

std::vector<OracleDef> Definitions() {
  std::vector<OracleDef> defs = {
      {"dyad", {"attr.Actor1CountryCode", "attr.Actor2CountryCode"}, {}, {}},
      {"quadm", {"quad", "month"}, {}, {}},
      {"rootw", {"root", "week"}, {"goldstein<=-2"}, {}},
      {"gday", {"goldstein", "day"}, {"!quad=1"}, {}},
      {"q4", {"speaker"}, {"attr.QuadClass=4", "!attr.Actor1CountryCode=usa"}, {}},
      {"mix", {"speaker", "quad"}, {"quad=3,4", "goldstein>-8", "!root=11"}, {}},
      {"band", {"year"}, {"goldstein>=-5", "goldstein<5"}, {}},
      {"qmax", {"attr.QuadClass"}, {"attr.QuadClass<=2", "!goldstein>3"}, {}},
  };
  for (OracleDef& d : defs)
    for (std::string w : d.where) {
      OFilter f;
      f.negate = w[0] == '!';
      if (f.negate) w = w.substr(1);
      size_t at = w.find_first_of("<>=");
      f.field = w.substr(0, at);
      f.op = w.substr(at, (w[at + 1] == '=' && w[at] != '=') ? 2 : 1);
      const std::string value = w.substr(at + f.op.size());
      size_t start = 0;  // quad lists alternatives
      for (size_t comma; (comma = value.find(',', start)) != std::string::npos &&
                         f.field == "quad";
           start = comma + 1) {
        OFilter one = f;
        one.value = value.substr(start, comma - start);
        d.filters.push_back(one);
      }
      f.value = value.substr(start);
      d.filters.push_back(f);
    }
  return defs;
}

class DerivedKeysModelTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(DerivedKeysModelTest, RandomLogCountsMatchTheOracle) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  const std::vector<OracleDef> defs = Definitions();
  // Half are applied live, half built by replay once the log is there.
  auto create = [&](const OracleDef& d) {
    std::string keys;
    for (const auto& k : d.key) keys += (keys.empty() ? "" : ",") + k;
    auto def = ParseProjectionDefinition(d.name, keys, d.where);
    ASSERT_TRUE(def.ok()) << d.name << ": " << def.status();
    ASSERT_TRUE(engine->CreateProjection(*def).ok()) << d.name;
  };
  for (size_t i = 0; i < defs.size(); i += 2) create(defs[i]);
  ModelLog model;
  test::GenOptions options;
  options.decorate = Decorate;
  Generator gen(GetParam(), engine.get(), &model, options);
  ASSERT_TRUE(test::GrowLog(gen, model, test::RandomLogSize(GetParam())));
  for (size_t i = 1; i < defs.size(); i += 2) create(defs[i]);
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());

  std::vector<std::optional<uint64_t>> points = {std::nullopt};
  for (int i = 0; i < 5; ++i)
    points.push_back(static_cast<uint64_t>(gen.Uniform(0, static_cast<int>(model.head()))));
  const std::vector<std::pair<const char*, const char*>> ranges = {
      {nullptr, nullptr}, {"2024", nullptr}, {"2023-06", "2024-12-31"}};
  size_t nonempty = 0;
  for (const OracleDef& d : defs)
    for (const auto& as_of : points)
      for (const auto& [from, to] : ranges) {
        const Timestamp f = from ? T(from) : Timestamp{}, t = to ? T(to) : Timestamp{};
        const uint64_t n = as_of.value_or(model.head());
        const Counts want = OracleCounts(model, d, n, f, t);
        nonempty += !want.empty();
        EXPECT_EQ(EngineCounts(*engine, d, model.ViewAt(n), as_of, f, t), want)
            << d.name << " as of " << n << " from " << (from ? from : "-") << " to "
            << (to ? to : "-");
      }
  EXPECT_GT(nonempty, defs.size() * points.size());  // the oracle is not trivially empty
}

INSTANTIATE_TEST_SUITE_P(Seeds, DerivedKeysModelTest, ::testing::Values(7, 1234, 99991));

}  // namespace
}  // namespace annals
