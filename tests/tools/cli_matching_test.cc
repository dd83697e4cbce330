// Issue 21, matching actors across datasets, through the real CLI: a query
// for a name with no statements says so on stderr with close names ("did
// you mean") and exits 0 with its usual output; `actors --search` finds
// names by substring, as written or folded; real GDELT and ICEWS rows name
// the United States in two spellings that are one actor.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::Result;

class CliMatchingTest : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    ASSERT_EQ(Run("import " + test::Quote(ANNALS_SOURCE_DIR "/tools/samples/rare-earths-talks.jsonl"))
                  .exit_code, 0);
    const std::string more =
        "{\"speaker\":\"Recep Tayyip Erdoğan\",\"verb\":\"said\",\"content\":\"a\","
        "\"occurred_at\":\"2025-03\"}\n"
        "{\"speaker\":\"Bashar al-Assad\",\"verb\":\"said\",\"content\":\"b\","
        "\"occurred_at\":\"2025-03\"}\n";
    ASSERT_EQ(Run("import -", more).exit_code, 0);
  }
};

TEST_F(CliMatchingTest, DidYouMeanOnStderrExitZero) {
  Result r = Run("timeline --actor Erdogan --format csv");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(test::Lines(r.out).size(), 1u);  // the header: the answer is as before
  EXPECT_EQ(r.err, "annals: no statements by or about 'Erdogan'; did you mean "
                   "'Recep Tayyip Erdoğan'?\n");
  r = Run("timeline --actor 'Donald Trmp'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'Donald Trump'"));
  r = Run("series --actor assad --format csv");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'Bashar al-Assad'?"));
  r = Run("timeline --topic 'rare earth'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("no statements on 'rare earth'; did you mean 'rare earth metals'?"));
  r = Run("timeline --actor 'Zzyzx Qwerty'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "annals: no statements by or about 'Zzyzx Qwerty'\n");
  // A name with statements, none in the range: no note.
  r = Run("timeline --actor 'Donald Trump' --from 2030");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  // Names in the note are escaped for the terminal.
  r = Run("timeline --actor $'Erdogan\\x1b[2J'");
  EXPECT_THAT(r.err, HasSubstr("\\x1b"));
  EXPECT_THAT(r.err, Not(HasSubstr("\x1b")));
}

TEST_F(CliMatchingTest, ActorsSearchSubstringAndFolded) {
  EXPECT_EQ(Run("actors --search erdogan --format csv").out,
            "count,name\r\n1,Recep Tayyip Erdoğan\r\n");
  EXPECT_EQ(Run("actors --search 'AL ASSAD' --format csv").out, "count,name\r\n1,Bashar al-Assad\r\n");
  EXPECT_EQ(Run("actors --search 'l-a' --format csv").out, "count,name\r\n1,Bashar al-Assad\r\n");
  const std::string donald = Run("actors --search donald --format csv").out;
  EXPECT_THAT(donald, HasSubstr(",Donald Trump\r\n"));
  EXPECT_EQ(test::Lines(Run("actors --search o --top 2 --format csv").out).size(), 3u);
  EXPECT_THAT(Run("topics --search EARTH --format csv").out, HasSubstr(",rare earth metals\r\n"));
  EXPECT_EQ(Run("actors --search nobody").out, "(no actors)\n");
  EXPECT_THAT(Run("actors --help").out, HasSubstr("--search"));
}

// GDELT writes UNITED STATES, ICEWS United States: one actor, counted once
// per statement, found by search in any spelling.
TEST_F(CliMatchingTest, UnitedStatesAcrossGdeltAndIcews) {
  const std::string gdelt = ANNALS_SOURCE_DIR "/tests/data/gdelt-v2-events.tsv";
  const std::string icews = ANNALS_SOURCE_DIR "/tests/data/icews-events.tab";
  const auto db = dir_ / "us";  // these files alone
  ASSERT_EQ(RunOn(db, "import " + test::Quote(gdelt) + " " + test::Quote(icews)).exit_code, 0);
  uint64_t want = 0;
  for (const std::string& line : test::Lines(test::ReadFile(gdelt))) {
    std::vector<std::string> c = absl::StrSplit(line, '\t');
    want += c[6] == "UNITED STATES" || c[16] == "UNITED STATES";
  }
  bool header = true;
  for (const std::string& line : test::Lines(test::ReadFile(icews))) {
    std::vector<std::string> c = absl::StrSplit(line, '\t');
    if (!header) want += c[2] == "United States" || c[8] == "United States";
    header = false;
  }
  ASSERT_GT(want, 2u);
  for (const char* q : {"united states", "UNITED", "United St"}) {
    const std::string out = RunOn(db, std::string("actors --search '") + q + "' --format csv").out;
    EXPECT_THAT(out, HasSubstr(std::to_string(want) + ",United States\r\n")) << q << "\n" << out;
  }
}

}  // namespace
}  // namespace annals
