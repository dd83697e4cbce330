// Issue 21, `annals claims`, through the real CLI: one row per claim in
// table, CSV and JSON Lines; near-duplicates with --similarity; the answer
// as of a seq does not change when reports are appended later; clear errors.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::Result;

const char kReports[] =
    "{\"speaker\":\"Trump\",\"targets\":[\"Zelensky\"],\"verb\":\"accused\",\"code\":\"112\","
    "\"content\":\"Trump accused Zelensky of trying to back out of the rare earths deal\","
    "\"occurred_at\":\"2025-03-31\",\"source\":{\"outlet\":\"Reuters\"}}\n"
    "{\"speaker\":\"Trump\",\"targets\":[\"zelensky\"],\"verb\":\"accused\",\"code\":\"112\","
    "\"content\":\"Trump says Zelensky wants out of the deal\","
    "\"occurred_at\":\"2025-03-31\",\"source\":{\"outlet\":\"AP\"}}\n"
    "{\"speaker\":\"Trump\",\"targets\":[\"Zelensky\"],\"verb\":\"accused\",\"code\":\"112\","
    "\"content\":\"Trump accused Zelensky of trying to back out of the rare earths deal, he "
    "told reporters\",\"occurred_at\":\"2025-04-01\",\"source\":{\"outlet\":\"BBC\"}}\n"
    "{\"speaker\":\"Trump\",\"targets\":[\"Putin\"],\"verb\":\"said\",\"code\":\"010\","
    "\"content\":\"Trump said talks with Putin were going well\","
    "\"occurred_at\":\"2025-03-31\",\"source\":{\"outlet\":\"Reuters\"}}\n";

class CliClaimsTest : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    ASSERT_EQ(Run("import -", kReports).exit_code, 0);
  }
};

TEST_F(CliClaimsTest, OneRowPerClaimInEveryFormat) {
  Result r = Run("claims --actor trump --format csv");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "first_seq,first_at,last_at,statements,outlets,seqs,speaker,targets,code,content,"
            "mentions\r\n"
            "1,2025-03-31,2025-03-31,2,2,1;2,Trump,Zelensky,112,Trump accused Zelensky of "
            "trying to back out of the rare earths deal,0\r\n"
            "4,2025-03-31,2025-03-31,1,1,4,Trump,Putin,010,Trump said talks with Putin were "
            "going well,0\r\n"
            "3,2025-04-01,2025-04-01,1,1,3,Trump,Zelensky,112,\"Trump accused Zelensky of "
            "trying to back out of the rare earths deal, he told reporters\",0\r\n");
  // Near-duplicates of one speaker within the window join the first claim.
  r = Run("claims --actor Trump --similarity 0.5 --window-days 2 --format csv");
  EXPECT_THAT(r.out, HasSubstr("\r\n1,2025-03-31,2025-04-01,3,3,1;2;3,Trump,"));
  EXPECT_EQ(test::Lines(r.out).size(), 3u);
  r = Run("claims --actor Trump --similarity 0.5 --window-days 0 --format csv");
  EXPECT_EQ(test::Lines(r.out).size(), 4u);  // a day apart: outside the window
  r = Run("claims --topic nothing --format jsonl");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  r = Run("claims --actor Trump --format jsonl");
  EXPECT_THAT(r.out, HasSubstr("{\"first_at\":\"2025-03-31\",\"last_at\":\"2025-03-31\","
                               "\"statements\":2,\"outlets\":2,\"mentions\":0,\"seqs\":[1,2],\"first\":{\"seq\":1,"));
  r = Run("claims --actor Trump");
  EXPECT_THAT(r.out, HasSubstr("FIRST_SEQ  FIRST_AT    STATEMENTS  OUTLETS  MENTIONS  SPEAKER"));
}

TEST_F(CliClaimsTest, AsOfASeqTheAnswerStays) {
  const std::string before = Run("claims --actor Trump --format csv --as-of 4").out;
  ASSERT_EQ(Run("import -",
                "{\"speaker\":\"Trump\",\"targets\":[\"Putin\"],\"verb\":\"said\",\"code\":"
                "\"010\",\"content\":\"Trump: talks with Putin going well\",\"occurred_at\":"
                "\"2025-03-31\",\"source\":{\"outlet\":\"AP\"}}\n")
                .exit_code, 0);
  ASSERT_EQ(Run("retract 2 --reason wrong").exit_code, 0);
  EXPECT_EQ(Run("claims --actor Trump --format csv --as-of 4").out, before);
  const std::string now = Run("claims --actor Trump --format csv").out;
  EXPECT_THAT(now, HasSubstr("\r\n1,2025-03-31,2025-03-31,1,1,1,Trump,"));  // 2 retracted
  EXPECT_THAT(now, HasSubstr("\r\n4,2025-03-31,2025-03-31,2,2,4;5,Trump,Putin,"));
}

// timeline --collapse: the first report of each claim, as timeline rows.
TEST_F(CliClaimsTest, TimelineCollapseShowsEachClaimOnce) {
  Result r = Run("timeline --actor Trump --collapse --format jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto rows = test::Lines(r.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].rfind("{\"seq\":1,", 0), 0u) << rows[0];
  EXPECT_EQ(rows[1].rfind("{\"seq\":4,", 0), 0u) << rows[1];
  EXPECT_EQ(rows[2].rfind("{\"seq\":3,", 0), 0u) << rows[2];
  EXPECT_EQ(test::Lines(Run("timeline --actor Trump --collapse --limit 1 --reverse "
                            "--format jsonl").out)[0].rfind("{\"seq\":3,", 0), 0u);
  r = Run("timeline --actor Trump --collapse");
  EXPECT_THAT(r.err, HasSubstr("4 statements in 3 claims"));
  EXPECT_EQ(Run("timeline --actor Trump --collapse --include-retracted").exit_code, 1);
}

TEST_F(CliClaimsTest, ClearErrors) {
  Result r = Run("claims");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give --actor NAME or --topic NAME"));
  r = Run("claims --actor Trump --window-days 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--window-days: applies with --similarity"));
  r = Run("claims --actor Trump --similarity 2");
  EXPECT_EQ(r.exit_code, 1);
  r = Run("claims --topic x --role speaker");
  EXPECT_EQ(r.exit_code, 1);
  r = Run("claims --actor Trmp");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'Trump'"));
}

}  // namespace
}  // namespace annals
