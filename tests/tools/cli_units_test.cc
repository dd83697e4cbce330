// Unit tests of the CLI's shared pieces, compiled in from tools/cli/: the
// terminal escaping (16.14), the command-name suggestions (17.13), the
// non-negative check (16, 17.14) and the date range helpers (17.7, 17.14).
#include <string>
#include <vector>

#include "annals/time.h"
#include "cli/args.h"
#include "cli/terminal.h"
#include "cli/time_args.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace annals::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(EscapeForTerminalTest, ShowsControlsAndBidiOverridesVisibly) {
  EXPECT_EQ(EscapeForTerminal("plain text, \\ and \"quotes\""),
            "plain text, \\ and \"quotes\"");
  EXPECT_EQ(EscapeForTerminal("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
  EXPECT_EQ(EscapeForTerminal(std::string("nul\0!", 5)), "nul\\x00!");
  EXPECT_EQ(EscapeForTerminal("tab\tcr\rlf\ndel\x7f"), "tab\\tcr\\rlf\\ndel\\x7f");
  EXPECT_EQ(EscapeForTerminal("two\nlines\r", true), "two\nlines\\r");
  // C1 controls (U+0080-U+009F), bidi embeddings, overrides and isolates.
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b" "1m\xc2\x85"), "\\u009b1m\\u0085");
  for (const char* bidi : {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                           "\u2067", "\u2068", "\u2069"}) {
    std::string out = EscapeForTerminal(std::string("x") + bidi + "y");
    EXPECT_THAT(out, HasSubstr("\\u20")) << out;
    EXPECT_EQ(out.find(bidi), std::string::npos);
  }
  // Other text, however exotic, is kept: letters, marks, LRM, emoji.
  for (const char* kept : {"Владимир Путин", "مرحبا", "e\u0301", "\u200e", "\U0001F600",
                           "\u00a0", "\u2029x"})
    EXPECT_EQ(EscapeForTerminal(kept), kept);
  // Bytes that are not UTF-8 are shown, not passed through.
  EXPECT_EQ(EscapeForTerminal("a\xff\xc2z"), "a\\xff\\xc2z");
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(SuggestTest, EditDistanceCountsTranspositionsOnce) {
  EXPECT_EQ(EditDistance("timeline", "timeline"), 0u);
  EXPECT_EQ(EditDistance("timline", "timeline"), 1u);
  EXPECT_EQ(EditDistance("improt", "import"), 1u);
  EXPECT_EQ(EditDistance("", "log"), 3u);
  EXPECT_EQ(EditDistance("stats", "show"), 4u);
}

TEST(SuggestTest, ClosestNamesOrPrefixes) {
  const std::vector<std::string> names = {"import", "log", "show", "stats", "timeline",
                                          "projections", "projection", "topics"};
  EXPECT_THAT(Suggest("timline", names), ElementsAre("timeline"));
  EXPECT_THAT(Suggest("proj", names), ElementsAre("projections", "projection"));
  EXPECT_THAT(Suggest("lgo", names), ElementsAre("log"));
  EXPECT_THAT(Suggest("shw", names), ElementsAre("show"));
  EXPECT_THAT(Suggest("zzzzzzzz", names), IsEmpty());
  EXPECT_THAT(Suggest("", names), IsEmpty());
}

TEST(NonNegativeTest, AcceptsDigitsOnly) {
  for (std::string ok : {"0", "5", "18446744073709551615"})
    EXPECT_EQ(NonNegative()(ok), "") << ok;
  for (std::string bad : {"-1", "-0", "+5", " 5", "5x", "", "1e3"})
    EXPECT_THAT(NonNegative()(bad), HasSubstr(">= 0")) << bad;
}

TEST(DateRangeTest, ParsesBothAndRefusesEmptyRanges) {
  Timestamp from, to;
  ASSERT_TRUE(ParseDateRange("20250330", "2025-03", &from, &to).ok());
  EXPECT_EQ(FormatTime(from), "2025-03-30");
  EXPECT_EQ(FormatTime(to), "2025-03");
  EXPECT_TRUE(InDateRange(*ParseTime("2025-03-31T23:59:59Z"), from, to));
  EXPECT_FALSE(InDateRange(*ParseTime("2025-03-29"), from, to));
  EXPECT_FALSE(InDateRange(*ParseTime("2025-04-01"), from, to));
  // A coarser statement starts at its period's start, as in timelines.
  EXPECT_FALSE(InDateRange(*ParseTime("2025-03"), from, to));
  EXPECT_FALSE(InDateRange(Timestamp{}, from, to));  // no date, bounds given
  EXPECT_TRUE(InDateRange(Timestamp{}, Timestamp{}, Timestamp{}));

  Timestamp f2, t2;
  absl::Status empty = ParseDateRange("2019", "2018", &f2, &t2);
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(empty.message()), HasSubstr("the range is empty"));
  absl::Status seq_like = ParseDateRange("5", "", &f2, &t2);
  EXPECT_THAT(std::string(seq_like.message()), HasSubstr("--from-seq"));
  absl::Status bad_to = ParseDateRange("", "2025-13", &f2, &t2);
  EXPECT_THAT(std::string(bad_to.message()), HasSubstr("--to: "));
}

}  // namespace
}  // namespace annals::cli
