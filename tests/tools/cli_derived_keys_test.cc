// Issue 21: declarative projections keyed and filtered on attributes and
// derived fields, through the real CLI on real GDELT and ICEWS rows
// (tests/data, and the larger files of ../shared/data when present), against
// counts computed straight from the files: country dyads, the quad class
// and root code derived through the codebook against the ones GDELT wrote,
// Goldstein bounds, and impossible filters refused.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "annals/cameo.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::Result;

using Counts = std::map<std::vector<std::string>, uint64_t>;

// `projection query NAME --counts --format csv` as key tuple -> count.
Counts ParseCounts(const std::string& csv) {
  Counts out;
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  for (size_t i = 1; i < lines.size(); ++i) {  // after the header
    std::vector<std::string> cells = absl::StrSplit(lines[i], ',');
    std::vector<std::string> key(cells.begin() + 1, cells.end());
    out[key] += std::stoull(cells[0]);
  }
  return out;
}

std::vector<std::vector<std::string>> ReadTsv(const std::filesystem::path& p, bool header) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : test::Lines(test::ReadFile(p))) {
    if (header) {
      header = false;
      continue;
    }
    if (!line.empty()) rows.push_back(absl::StrSplit(line, '\t'));
  }
  return rows;
}

const CameoCode* Codebook(std::string code) {
  for (; code.size() >= 2; code.pop_back())
    if (const CameoCode* c = FindCameoCode(code)) return c;
  return nullptr;
}

class CliDerivedKeysTest : public test::CliFixture {
 protected:
  Counts Query(const std::string& name) {
    Result r = Run("projection query " + name + " --counts --format csv");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseCounts(r.out);
  }
  void Create(const std::string& args) {
    Result r = Run("projection create " + args);
    ASSERT_EQ(r.exit_code, 0) << args << ": " << r.err;
  }

  // GDELT 2.0 events: columns by their place in the codebook.
  void CheckGdelt(const std::filesystem::path& file) {
    SCOPED_TRACE(file.string());
    const auto rows = ReadTsv(file, false);
    ASSERT_GT(rows.size(), 10u);
    Result imported = Run("import --format gdelt " + test::Quote(file.string()));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    ASSERT_THAT(imported.err + imported.out,
                HasSubstr("imported " + std::to_string(rows.size())));
    Create("dyad --key attr.Actor1CountryCode,attr.Actor2CountryCode");
    Create("quads --key quad,attr.QuadClass");
    Create("roots --key root,attr.EventRootCode");
    Create("hostile --key year --where 'goldstein<=-2'");  // -2.0 is in the sample
    Create("band --key quad --where 'goldstein>-5' --where 'goldstein<5' --where-not quad=1");
    Counts dyad, quads, roots, hostile, band;
    for (const auto& r : rows) {
      ASSERT_EQ(r.size(), 61u);
      if (!r[7].empty() && !r[17].empty()) ++dyad[{r[7], r[17]}];
      const CameoCode* c = Codebook(r[26]);
      ASSERT_NE(c, nullptr) << r[26];
      ++quads[{std::to_string(c->quad_class), r[29]}];
      ++roots[{c->root_code, r[28]}];
      const double g = std::stod(r[30]);
      if (g <= -2) ++hostile[{r[1].substr(0, 4)}];
      if (g > -5 && g < 5 && c->quad_class != 1) ++band[{std::to_string(c->quad_class)}];
    }
    EXPECT_EQ(Query("dyad"), dyad);
    EXPECT_EQ(Query("quads"), quads);
    EXPECT_EQ(Query("roots"), roots);
    EXPECT_EQ(Query("hostile"), hostile);
    EXPECT_EQ(Query("band"), band);
    // The quad class and root code derived from EventCode through the
    // codebook are the ones GDELT wrote beside it.
    for (const auto& [k, n] : Query("quads")) EXPECT_EQ(k[0], k[1]) << n << " rows";
    for (const auto& [k, n] : Query("roots")) EXPECT_EQ(k[0], k[1]) << n << " rows";
    EXPECT_FALSE(hostile.empty());
  }
};

TEST_F(CliDerivedKeysTest, GdeltDyadsQuadsRootsAndGoldsteinBounds) {
  CheckGdelt(ANNALS_SOURCE_DIR "/tests/data/gdelt-v2-events.tsv");
}

TEST_F(CliDerivedKeysTest, SharedGdeltSample) {
  const std::filesystem::path f =
      ANNALS_SOURCE_DIR "/../shared/data/gdelt/events-v2-sample.tsv";
  if (!std::filesystem::exists(f)) GTEST_SKIP() << f << " is absent";
  CheckGdelt(f);
}

// ICEWS has no quad class or Goldstein column of GDELT's: quad comes from
// its CAMEO Code through the codebook, for rows of any format; its own
// Intensity is an attribute with numeric bounds.
TEST_F(CliDerivedKeysTest, IcewsQuadFromTheCodebookAndAttributeBounds) {
  std::filesystem::path f = ANNALS_SOURCE_DIR "/../shared/data/icews/events-2018-sample.tab";
  if (!std::filesystem::exists(f)) f = ANNALS_SOURCE_DIR "/tests/data/icews-events.tab";
  const auto rows = ReadTsv(f, true);
  Result imported = Run("import --format icews " + test::Quote(f.string()));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  Create("iq --key 'quad,attr.Source Country' --where 'attr.Intensity<=-2'");
  Create("weeks --key week --where quad=4");
  Counts iq, weeks;
  std::map<std::string, bool> seen;  // ICEWS ids repeat only across files
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 20u);
    if (seen[r[0] + ":" + r[1]]) continue;
    seen[r[0] + ":" + r[1]] = true;
    const CameoCode* c = Codebook(r[6]);
    if (c == nullptr) continue;
    if (!r[7].empty() && std::stod(r[7]) <= -2 && !r[4].empty())
      ++iq[{std::to_string(c->quad_class), r[4]}];
    if (c->quad_class == 4) {
      struct tm tm = {};
      ASSERT_NE(strptime(r[1].c_str(), "%Y-%m-%d", &tm), nullptr) << r[1];
      char buf[16];
      strftime(buf, sizeof buf, "%G-W%V", &tm);
      ++weeks[{buf}];
    }
  }
  EXPECT_FALSE(iq.empty());
  EXPECT_EQ(Query("iq"), iq);
  EXPECT_EQ(Query("weeks"), weeks);
}

TEST_F(CliDerivedKeysTest, ImpossibleFiltersAreRefusedAndDefinitionsShown) {
  ASSERT_EQ(Run("import " + test::Quote(ANNALS_SOURCE_DIR "/tests/data/gdelt-v2-events.tsv"))
                .exit_code, 0);
  for (const char* bad :
       {"--where quad=5", "--where 'goldstein<=-5' --where 'goldstein>=0'",
        "--where quad=4 --where-not 'quad>=3'", "--where day=2025-02-30",
        "--where 'speaker<=3'", "--where 'goldstein>10'", "--where root=112"}) {
    Result r = Run(std::string("projection create bad --key speaker ") + bad);
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_THAT(r.err, HasSubstr("where")) << bad;
  }
  EXPECT_THAT(Run("projections").out, testing::Not(HasSubstr("bad")));
  Create("neg --key quad --where 'goldstein<=-5' --where-not 'attr.NumMentions>=10'");
  EXPECT_THAT(Run("projections --format jsonl").out,
              HasSubstr("key=quad where=goldstein<=-5 where-not=attr.NumMentions>=10"));
  EXPECT_THAT(Run("projection create --help").out, HasSubstr("'goldstein<=-5'"));
}

}  // namespace
}  // namespace annals
