// Series (annals/series.h) against a brute-force oracle: random logs with
// corrections, retractions and aliases (model.h), actor and topic series by
// day, ISO week, month and year, as of random points and in date ranges.
// The oracle buckets the model's timeline with strftime (%G-W%V for weeks),
// fills empty periods by walking every day of the range, and computes the
// measures from the codebook and the GoldsteinScale attributes itself.
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "annals/cameo.h"
#include "annals/engine.h"
#include "annals/series.h"
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

std::string Label(int64_t micros, const std::string& fmt) {
  time_t secs = static_cast<time_t>(std::floor(micros / 1e6));
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof buf, fmt.c_str(), &tm);
  return buf;
}

const char* Format(const std::string& by) {
  return by == "day" ? "%Y-%m-%d" : by == "week" ? "%G-W%V" : by == "month" ? "%Y-%m" : "%Y";
}

struct Row {
  std::string precision;
  uint64_t count = 0, scored = 0;
  double sum = 0;
  std::vector<uint64_t> quad = std::vector<uint64_t>(4);
  bool operator==(const Row& o) const {
    return precision == o.precision && count == o.count && scored == o.scored &&
           std::fabs(sum - o.sum) < 1e-6 && quad == o.quad;
  }
};

std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << r.precision << " n=" << r.count << " scored=" << r.scored << " sum=" << r.sum
            << " quads=" << r.quad[0] << "," << r.quad[1] << "," << r.quad[2] << ","
            << r.quad[3];
}

// Fine periods in order, and coarse buckets by label.
struct Answer {
  std::vector<std::pair<std::string, Row>> fine;
  std::map<std::string, Row> coarse;
  bool operator==(const Answer& o) const { return fine == o.fine && coarse == o.coarse; }
};

std::ostream& operator<<(std::ostream& os, const Answer& a) {
  for (const auto& [l, r] : a.fine) os << "\n  " << l << " " << r;
  for (const auto& [l, r] : a.coarse) os << "\n  [" << l << "] " << r;
  return os;
}

Answer Oracle(const ModelLog& model, uint64_t as_of, const TimelineQuery& q,
              const std::string& by) {
  const Precision needs = by == "year" ? Precision::kYear
                          : by == "month" ? Precision::kMonth
                                          : Precision::kDay;
  std::map<std::string, Row> fine;
  Answer a;
  std::optional<int64_t> lo, hi;
  for (const TimelineEntry& e : model.ViewAt(as_of).Query(q)) {
    const Statement& s = e.event.statement;
    const Timestamp& t = s.occurred_at;
    const bool coarse = t.precision < needs;
    Row* r;
    if (coarse) {
      r = &a.coarse[Label(t.micros, t.precision == Precision::kYear ? "%Y" : "%Y-%m")];
      r->precision = t.precision == Precision::kYear ? "year" : "month";
    } else {
      r = &fine[Label(t.micros, Format(by))];
      lo = std::min(lo.value_or(t.micros), t.micros);
      hi = std::max(hi.value_or(t.micros), t.micros);
    }
    ++r->count;
    if (auto g = Goldstein(s)) {
      r->sum += *g;
      ++r->scored;
    }
    if (const CameoCode* c = Codebook(s.code)) ++r->quad[c->quad_class - 1];
  }
  if (q.from.present()) lo = q.from.micros;
  if (q.to.present()) hi = test::PeriodEnd(q.to) - 1;
  if (lo && hi) {
    const int64_t day = 86400LL * 1000000;
    for (int64_t m = *lo - ((*lo % day) + day) % day; m <= *hi; m += day) {
      const std::string l = Label(m, Format(by));
      if (a.fine.empty() || a.fine.back().first != l) {
        Row r = fine.count(l) ? fine[l] : Row{};
        r.precision = by;
        a.fine.emplace_back(l, r);
      }
    }
  }
  return a;
}

Answer FromEngine(const Series& s) {
  Answer a;
  for (const SeriesRow& r : s.rows) {
    Row row;
    row.precision = r.precision;
    row.count = r.count;
    row.scored = r.scored;
    row.sum = r.goldstein_sum;
    row.quad.assign(r.quad.begin(), r.quad.end());
    if (r.coarse) {
      EXPECT_EQ(a.coarse.count(r.period), 0u) << r.period << " twice";
      a.coarse[r.period] = row;
    } else {
      a.fine.emplace_back(r.period, row);
    }
  }
  return a;
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

class SeriesModelTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SeriesModelTest, RandomLogMatchesTheOracle) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog model;
  test::GenOptions options;
  options.decorate = Decorate;
  Generator gen(GetParam(), engine.get(), &model, options);
  ASSERT_TRUE(test::GrowLog(gen, model, test::RandomLogSize(GetParam())));
  ASSERT_TRUE(engine->WaitFor(engine->Head(), absl::Seconds(60)).ok());

  std::vector<uint64_t> points = {model.head()};
  for (int i = 0; i < 3; ++i)
    points.push_back(static_cast<uint64_t>(gen.Uniform(1, static_cast<int>(model.head()))));
  const std::vector<std::pair<const char*, const char*>> ranges = {
      {nullptr, nullptr}, {"2024", nullptr}, {"2023-06-15", "2024-12"}};
  std::vector<TimelineQuery> queries;
  for (const std::string& a : gen.ActorQueries()) {
    TimelineQuery q;
    q.kind = TimelineKind::kActor;
    q.name = a;
    q.role = queries.size() % 3 == 0 ? Role::kSpeaker : Role::kAny;
    queries.push_back(q);
  }
  for (const std::string& t : gen.TopicQueries()) {
    TimelineQuery q;
    q.kind = TimelineKind::kTopic;
    q.name = t;
    queries.push_back(q);
  }
  size_t nonempty = 0, coarse = 0;
  for (uint64_t as_of : points)
    for (const auto& [from, to] : ranges)
      for (const char* by : {"day", "week", "month", "year"})
        for (TimelineQuery q : queries) {
          q.as_of = as_of;
          if (from) q.from = T(from);
          if (to) q.to = T(to);
          SeriesQuery sq;
          sq.timeline = q;
          sq.by = *ParseSeriesPeriod(by);
          auto got = ComputeSeries(*engine, sq);
          ASSERT_TRUE(got.ok()) << got.status();
          EXPECT_EQ(got->as_of, as_of);
          const Answer want = Oracle(model, as_of, q, by);
          nonempty += !want.fine.empty();
          coarse += want.coarse.size();
          EXPECT_EQ(FromEngine(*got), want)
              << q.name << " by " << by << " as of " << as_of << " from "
              << (from ? from : "-") << " to " << (to ? to : "-");
        }
  EXPECT_GT(nonempty, 0u);
  EXPECT_GT(coarse, 0u);  // coarse buckets were exercised
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeriesModelTest, ::testing::Values(5, 808, 31337));

// A year-dated statement in a month series is a row of its own, before the
// months, never merged into January; empty months are zero rows.
TEST(SeriesTest, CoarseBucketsBesideThePeriodsAndEmptyPeriodsAsZeros) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  int n = 0;
  for (const char* when : {"2025", "2025-01-20", "2025-04-02", "2025-04"}) {
    Statement s;
    s.speaker = "Ada";
    s.verb = "said";
    s.code = "112";
    s.content = "statement " + std::to_string(++n);
    s.occurred_at = T(when);
    ASSERT_TRUE(engine->Append(s).ok());
  }
  SeriesQuery q;
  q.timeline.name = "ada";
  auto got = ComputeSeries(*engine, q);
  ASSERT_TRUE(got.ok()) << got.status();
  std::vector<std::string> shown;
  for (const SeriesRow& r : got->rows)
    shown.push_back(r.period + "/" + r.precision + "/" + std::to_string(r.count));
  EXPECT_EQ(shown, (std::vector<std::string>{"2025/year/1", "2025-01/month/1", "2025-02/month/0",
                                             "2025-03/month/0", "2025-04/month/2"}));
  q.by = SeriesPeriod::kWeek;
  got = ComputeSeries(*engine, q);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_FALSE(got->rows.empty());
  EXPECT_EQ(got->rows.front().period, "2025");
  EXPECT_TRUE(got->rows.front().coarse);
  uint64_t month_bucket = 0;
  for (const SeriesRow& r : got->rows)
    if (r.period == "2025-04") month_bucket = r.count;
  EXPECT_EQ(month_bucket, 1u);  // "2025-04" among the weeks
}

// Empty periods are filled between the first and the last statement: a
// span of millennia by day is refused (with what to do), not millions of
// rows; by year it is a short series.
TEST(SeriesTest, ASpanOfTooManyPeriodsIsRefused) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  for (const char* when : {"0001-01-01", "9999-12-31"}) {
    Statement s;
    s.speaker = "Ada";
    s.verb = "said";
    s.content = when;
    s.occurred_at = T(when);
    ASSERT_TRUE(engine->Append(s).ok());
  }
  SeriesQuery q;
  q.timeline.name = "ada";
  q.by = SeriesPeriod::kDay;
  auto days = ComputeSeries(*engine, q);
  ASSERT_FALSE(days.ok());
  EXPECT_EQ(days.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(days.status().message()), ::testing::HasSubstr("--by"));
  q.by = SeriesPeriod::kYear;
  auto years = ComputeSeries(*engine, q);
  ASSERT_TRUE(years.ok()) << years.status();
  EXPECT_EQ(years->rows.size(), 9999u);
  q.by = SeriesPeriod::kDay;  // bounded by the query: fine
  q.timeline.from = T("0001-01-01");
  q.timeline.to = T("0001-12-31");
  auto bounded = ComputeSeries(*engine, q);
  ASSERT_TRUE(bounded.ok()) << bounded.status();
  EXPECT_EQ(bounded->rows.size(), 365u);
}

}  // namespace
}  // namespace annals
