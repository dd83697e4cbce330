// Issue 21: `annals series` through the real CLI: the formats, coarse-dated
// statements in their own rows beside the periods, empty periods as zeros,
// --as-of, --projection groups, measures on real GDELT rows against a count
// straight from the file, bad usage (exit 1) and a full output (exit 2).
#include <cstdint>
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

class CliSeriesTest : public test::CliFixture {
 protected:
  void Import(const std::string& file) {
    Result r = Run("import " + test::Quote(file));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Ok(const std::string& args) {
    Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return r.out;
  }
};

TEST_F(CliSeriesTest, FormatsCoarseBucketsZerosAndAsOf) {
  Import(ANNALS_SOURCE_DIR "/tools/samples/rare-earths-talks.jsonl");
  const std::string jsonl =
      "{\"speaker\":\"Donald Trump\",\"verb\":\"said\",\"content\":\"x\",\"code\":\"190\","
      "\"occurred_at\":\"2025\"}\n"
      "{\"speaker\":\"Donald Trump\",\"verb\":\"said\",\"content\":\"y\",\"code\":\"010\","
      "\"occurred_at\":\"2025-05-02\"}\n";
  ASSERT_EQ(Run("import -", jsonl).exit_code, 0);
  EXPECT_EQ(Ok("series --actor 'donald  TRUMP' --by month --format csv"),
            "period,precision,count\r\n2025,year,1\r\n2025-03,month,3\r\n"
            "2025-04,month,0\r\n2025-05,month,1\r\n");
  // As of the sample alone: no bucket, no May.
  EXPECT_EQ(Ok("series --actor 'Donald Trump' --as-of 12 --format csv"),
            "period,precision,count\r\n2025-03,month,3\r\n");
  EXPECT_EQ(Ok("series --actor 'Donald Trump' --by year --measure quad-counts --format csv"),
            "period,precision,count,quad1,quad2,quad3,quad4\r\n2025,year,5,1,0,3,1\r\n");
  EXPECT_EQ(Ok("series --actor 'Donald Trump' --from 2025-05 --to 2025-05-03 --by day "
                "--measure goldstein-mean --format jsonl"),
            "{\"period\":\"2025-05-01\",\"precision\":\"day\",\"count\":0,\"goldstein_mean\":null}\n"
            "{\"period\":\"2025-05-02\",\"precision\":\"day\",\"count\":1,\"goldstein_mean\":0}\n"
            "{\"period\":\"2025-05-03\",\"precision\":\"day\",\"count\":0,\"goldstein_mean\":null}\n");
  const std::string table = Ok("series --actor 'Donald Trump' --by week");
  EXPECT_THAT(table, HasSubstr("PERIOD"));
  EXPECT_THAT(table, HasSubstr("2025        year"));
  EXPECT_THAT(table, HasSubstr("2025-W18    week"));
  // Corrections and retractions count as timelines list them.
  ASSERT_EQ(Run("retract 8 --reason test").exit_code, 0);
  EXPECT_THAT(Ok("series --actor 'Donald Trump' --to 2025-03 --format csv"),
              HasSubstr("2025-03,month,2\r\n"));
  EXPECT_THAT(Ok("series --topic 'rare earth metals' --by month --format csv"),
              HasSubstr("2025-03,month,"));
  EXPECT_EQ(Ok("series --actor Nobody --format csv"), "period,precision,count\r\n");
  EXPECT_THAT(Ok("series --help"), HasSubstr("--measure"));
}

TEST_F(CliSeriesTest, GdeltQuadCountsAndProjectionGroups) {
  const std::string file = ANNALS_SOURCE_DIR "/tests/data/gdelt-v2-events.tsv";
  Import(file);
  ASSERT_EQ(Run("projection create byq --key quad").exit_code, 0);
  // Brute force: rows per (year, quad class of EventCode).
  std::map<std::string, std::vector<uint64_t>> want;
  for (const std::string& line : test::Lines(test::ReadFile(file))) {
    std::vector<std::string> c = absl::StrSplit(line, '\t');
    ASSERT_EQ(c.size(), 61u);
    const CameoCode* code = FindCameoCode(c[26]);
    ASSERT_NE(code, nullptr);
    auto& row = want[c[1].substr(0, 4)];
    row.resize(4);
    ++row[code->quad_class - 1];
  }
  for (int quad = 1; quad <= 4; ++quad) {
    std::string expect = "period,precision,count\r\n";
    int first = 0, last = 0;
    for (const auto& [year, quads] : want)
      if (quads[quad - 1]) {
        if (!first) first = std::stoi(year);
        last = std::stoi(year);
      }
    for (int y = first; first && y <= last; ++y) {
      const auto it = want.find(std::to_string(y));
      expect += std::to_string(y) + ",year," +
                std::to_string(it == want.end() ? 0 : it->second[quad - 1]) + "\r\n";
    }
    EXPECT_EQ(Ok("series --projection byq " + std::to_string(quad) + " --by year --format csv"),
              expect)
        << "quad " << quad;
  }
}

TEST_F(CliSeriesTest, BadUsageAndAFullOutput) {
  Import(ANNALS_SOURCE_DIR "/tools/samples/rare-earths-talks.jsonl");
  for (const char* bad : {"series", "series --actor X --topic Y", "series --actor X --by fortnight",
                          "series --topic X --role speaker", "series --actor X --from 2025 --to 2024",
                          "series --projection actors", "series --actor X --measure mean",
                          "series --actor X extra"}) {
    Result r = Run(bad);
    EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.err;
  }
  EXPECT_EQ(Run("series --actor 'Donald Trump'", "", "/dev/full").exit_code, 2);
}

}  // namespace
}  // namespace annals
