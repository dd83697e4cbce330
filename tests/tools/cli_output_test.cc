// End-to-end tests of what the `annals` binary writes (issue 16.3, 16.14,
// 16.15, 17.16): write errors on standard output are exit 2, text meant for
// a person cannot drive the terminal, csv can be made safe for spreadsheets,
// and `show` never cuts a key. Each runs the real CLI on a real store.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using test::kSample;
using test::Lines;
using test::Quote;
using test::Result;

class CliOutputTest : public test::CliFixture {
 protected:
  void Import() { ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0); }
};

// 16.3: every command that prints, into a full device, exits 2 and says
// why, instead of exiting 0 with its output cut off.
TEST_F(CliOutputTest, EveryCommandThatPrintsExitsTwoOnAWriteError) {
  Import();
  // GDELT rows too, for export --format gdelt (which writes only those).
  ASSERT_EQ(Run("import " + Quote(std::string(ANNALS_SOURCE_DIR) +
                                  "/tests/data/gdelt-v2-events.tsv")).exit_code, 0);
  ASSERT_EQ(Run("projection create by_speaker --key speaker").exit_code, 0);
  const std::string backup = (dir_ / "backup").string();
  const std::string restored = (dir_ / "restored").string();
  const std::vector<std::string> commands = {
      "log",
      "log --format jsonl",
      "log --format csv",
      "show 1",
      "show 1 --format jsonl",
      "show 1 --format csv",
      "stats",
      "stats --format jsonl",
      "timeline --actor 'Donald Trump'",
      "timeline --actor 'Donald Trump' --format jsonl",
      "timeline --topic 'rare earth metals' --format csv",
      "actors",
      "topics --format jsonl",
      "actors --format csv",
      "projections",
      "projections --format jsonl",
      "projection query by_speaker 'Donald Trump'",
      "projection query by_speaker --counts --format csv",
      "export",
      "export --format csv",
      "export --format gdelt --gdelt-only",
      "codes",
      "codes 04 --format csv",
      "codes --format jsonl",
      "verify --no-projections",
      "--version",
      "--help",
      "log --help",
      "append --speaker X --verb said --content c --at 2025",
      "alias Trump 'Donald Trump'",
      "correct 2 --content 'corrected' --reason typo",
      "retract 3 --reason wrong",
      "import " + Quote(kSample),
      "rebuild topics",
      "backup " + Quote(backup),
      "projection create by_verb --key verb",
      "projection drop by_verb",
  };
  for (const std::string& c : commands) {
    Result r = Run(c, "", "/dev/full");
    EXPECT_EQ(r.exit_code, 2) << c << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("write error on standard output: No space left on device"))
        << c;
  }
  Result restore = RunOn(restored, "restore " + Quote(backup), "", "/dev/full");
  EXPECT_EQ(restore.exit_code, 2) << restore.err;
  // export -o names its file.
  Result to_file = Run("export -o /dev/full");
  EXPECT_EQ(to_file.exit_code, 2);
  EXPECT_THAT(to_file.err, HasSubstr("write error on /dev/full"));
}

// 16.3: a long listing stops at the first write error rather than reading
// the whole log into a dead stream; it still says so and exits 2.
TEST_F(CliOutputTest, LongListingIntoAFullDeviceExitsTwo) {
  std::string many;
  for (int i = 0; i < 3000; ++i)
    many += "{\"speaker\":\"S" + std::to_string(i) +
            "\",\"verb\":\"said\",\"content\":\"c\",\"topics\":[\"x\"],"
            "\"occurred_at\":\"2025\"}\n";
  ASSERT_EQ(Run("import -", many).exit_code, 0);
  for (const char* c : {"log", "log --format jsonl", "log --format csv",
                        "timeline --topic x --format jsonl", "actors --format csv"}) {
    Result r = Run(c, "", "/dev/full");
    EXPECT_EQ(r.exit_code, 2) << c << "\n" << r.err;
  }
}

constexpr char kEsc[] = "\x1b";
constexpr char kRlo[] = "\xe2\x80\xae";   // U+202E RIGHT-TO-LEFT OVERRIDE
constexpr char kLri[] = "\xe2\x81\xa6";   // U+2066 LEFT-TO-RIGHT ISOLATE
constexpr char kCsi8[] = "\xc2\x9b";      // U+009B, the 8-bit CSI

// A statement whose fields would clear the screen, retitle the window,
// colour the text and reverse what follows, if printed raw.
std::string HostileStatement() {
  return std::string("{\"id\":\"evil-1\",\"speaker\":\"Eve\\u001b]0;pwned\\u0007\",") +
         "\"targets\":[\"Bob\\u202eevil\"],\"verb\":\"said\",\"code\":\"010\"," +
         "\"topics\":[\"t\\u2066x\"],\"content\":\"a\\u001b[2Jb\\u009b31m\\u007f\"," +
         "\"occurred_at\":\"2025-01-02\",\"attributes\":{\"k\\u001b\":\"v\\u202e\"}}\n";
}

void ExpectNoRawControls(const std::string& text, const std::string& what) {
  EXPECT_THAT(text, Not(HasSubstr(kEsc))) << what;
  EXPECT_THAT(text, Not(HasSubstr(kRlo))) << what;
  EXPECT_THAT(text, Not(HasSubstr(kLri))) << what;
  EXPECT_THAT(text, Not(HasSubstr(kCsi8))) << what;
  EXPECT_THAT(text, Not(HasSubstr("\x07"))) << what;
  EXPECT_THAT(text, Not(HasSubstr("\x7f"))) << what;
}

// 16.14: tables, `show`, and messages show control and bidi characters
// visibly instead of sending them to the terminal.
TEST_F(CliOutputTest, HumanReadableOutputEscapesControlAndBidiCharacters) {
  ASSERT_EQ(Run("import -", HostileStatement()).exit_code, 0);
  for (const char* c : {"show 1", "show evil-1", "log", "timeline --actor 'Bob\u202eevil'",
                        "timeline --topic 't\u2066x'", "actors", "topics",
                        "stats"}) {
    Result r = Run(c);
    ASSERT_EQ(r.exit_code, 0) << c << "\n" << r.err;
    ExpectNoRawControls(r.out, c);
  }
  Result show = Run("show 1");
  EXPECT_THAT(show.out, HasSubstr("Eve\\x1b]0;pwned\\x07"));
  EXPECT_THAT(show.out, HasSubstr("Bob\\u202eevil"));
  EXPECT_THAT(show.out, HasSubstr("a\\x1b[2Jb\\u009b31m\\x7f"));
  EXPECT_THAT(show.out, HasSubstr("@k\\x1b"));
  EXPECT_THAT(Run("actors").out, HasSubstr("Bob\\u202eevil"));
  EXPECT_THAT(Run("timeline --actor 'Bob\u202eevil'").out, HasSubstr("a\\x1b[2Jb"));
  EXPECT_THAT(Run("topics").out, HasSubstr("t\\u2066x"));
}

TEST_F(CliOutputTest, ErrorMessagesEscapeWhatTheyQuote) {
  // An import error quoting a field value, an unknown id, an unknown
  // command and an argument error, each carrying ESC and RLO.
  Result bad = Run("import -", "{\"speaker\":\"x\",\"verb\":\"said\",\"content\":\"c\","
                               "\"occurred_at\":\"2025-13\\u001b[31m\\u202e\"}\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("\\x1b[31m\\u202e"));
  ExpectNoRawControls(bad.err, "import");
  Result missing = Run("show 'x\x1b[2J\u202e'");
  EXPECT_EQ(missing.exit_code, 1);
  ExpectNoRawControls(missing.err, "show");
  Result typo = Run("'tim\x1b[2Jline'");
  EXPECT_EQ(typo.exit_code, 1);
  ExpectNoRawControls(typo.err, "command");
  Result date = Run("timeline --actor x --from '2025\x1b[2J'");
  EXPECT_EQ(date.exit_code, 1);
  ExpectNoRawControls(date.err, "--from");
}

// 16.14: JSON stays JSON: C0 controls and DEL (and C1 controls) are \u
// escapes, so a terminal showing raw jsonl is safe too, and the text
// parses back to the same characters.
TEST_F(CliOutputTest, JsonOutputEscapesControlCharacters) {
  ASSERT_EQ(Run("import -", HostileStatement()).exit_code, 0);
  for (const char* c : {"log --format jsonl", "show 1 --format jsonl", "export",
                        "timeline --actor 'Bob\u202eevil' --format jsonl"}) {
    Result r = Run(c);
    ASSERT_EQ(r.exit_code, 0) << c;
    EXPECT_THAT(r.out, Not(HasSubstr(kEsc))) << c;
    EXPECT_THAT(r.out, Not(HasSubstr("\x7f"))) << c;
    EXPECT_THAT(r.out, Not(HasSubstr(kCsi8))) << c;
    EXPECT_THAT(r.out, AllOf(HasSubstr("\\u001b[2Jb\\u009b31m\\u007f"),
                             HasSubstr("Eve\\u001b]0;pwned\\u0007")))
        << c;
  }
  // Exported jsonl imports into a fresh store as the same text.
  Result exported = Run("export");
  fs::path copy = dir_ / "copy";
  Result imp = RunOn(copy, "import -", exported.out);
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_EQ(RunOn(copy, "export").out, exported.out);
}

// 16.15: csv is data (raw by default); --spreadsheet-safe guards the cells
// a spreadsheet would run as formulas, in every command that writes csv.
TEST_F(CliOutputTest, SpreadsheetSafeGuardsFormulaCellsEverywhereCsvIsWritten) {
  ASSERT_EQ(Run("import -",
                "{\"speaker\":\"+cmd|' /C calc'!A0\",\"targets\":[\"@SUM(1+1)\"],"
                "\"verb\":\"said\",\"topics\":[\"-2+3\"],"
                "\"content\":\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\","
                "\"occurred_at\":\"2025\",\"attributes\":{\"score\":\"-12.5\","
                "\"tab\":\"\\tx\",\"cr\":\"\\r=1\"}}\n")
                .exit_code,
            0);
  ASSERT_EQ(Run("projection create sp --key speaker").exit_code, 0);
  Result raw = Run("export --format csv");
  EXPECT_THAT(raw.out, HasSubstr(",+cmd|' /C calc'!A0,"));
  EXPECT_THAT(raw.out, HasSubstr("\"=HYPERLINK("));

  Result safe = Run("export --format csv --spreadsheet-safe");
  ASSERT_EQ(safe.exit_code, 0) << safe.err;
  EXPECT_THAT(safe.out, HasSubstr(",'+cmd|' /C calc'!A0,"));
  EXPECT_THAT(safe.out, HasSubstr(",'@SUM(1+1),"));
  EXPECT_THAT(safe.out, HasSubstr(",'-2+3,"));
  EXPECT_THAT(safe.out, HasSubstr(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","));
  EXPECT_THAT(safe.out, HasSubstr(",-12.5"));  // a plain number stays a number
  EXPECT_THAT(safe.out, HasSubstr(",'\tx"));
  EXPECT_THAT(safe.out, HasSubstr(",\"'\r=1\""));

  for (const char* c : {"log --format csv --spreadsheet-safe",
                        "show 1 --format csv --spreadsheet-safe",
                        "timeline --actor \"+cmd|' /C calc'!A0\" --format csv --spreadsheet-safe",
                        "projection query sp \"+cmd|' /C calc'!A0\" --format csv --spreadsheet-safe",
                        "actors --format csv --spreadsheet-safe",
                        "projection query sp --counts --format csv --spreadsheet-safe"}) {
    Result r = Run(c);
    ASSERT_EQ(r.exit_code, 0) << c << "\n" << r.err;
    EXPECT_THAT(r.out, HasSubstr(",'+cmd|' /C calc'!A0")) << c;
    EXPECT_THAT(r.out, Not(HasSubstr(",+cmd|"))) << c;
  }
  Result log_raw = Run("log --format csv");
  EXPECT_THAT(log_raw.out, HasSubstr(",+cmd|' /C calc'!A0,"));
  // CAMEO's negative Goldstein scores are numbers, kept as they are.
  Result codes = Run("codes 18 --format csv --spreadsheet-safe");
  ASSERT_EQ(codes.exit_code, 0);
  EXPECT_THAT(codes.out, HasSubstr(",-9.0"));
  EXPECT_THAT(codes.out, Not(HasSubstr(",'-")));
  EXPECT_THAT(Run("export --help").out, HasSubstr("--spreadsheet-safe"));
}

// 17.16: `show` prints every key in full; long keys never share a prefix
// that hides which is which.
TEST_F(CliOutputTest, ShowNeverCutsKeys) {
  const std::string long_key(48, 'k');
  ASSERT_EQ(Run("append --speaker X --verb said --content c --at 2025 "
                "--attr Actor1Geo_Lat=48.85 --attr Actor1Geo_Long=2.35 "
                "--attr Actor1Geo_FeatureID=-1456928 --attr " + long_key + "=v "
                "--url https://example.org/" + std::string(150, 'u'))
                .exit_code,
            0);
  Result show = Run("show 1");
  ASSERT_EQ(show.exit_code, 0);
  EXPECT_THAT(show.out, HasSubstr("@Actor1Geo_Lat "));
  EXPECT_THAT(show.out, HasSubstr("@Actor1Geo_Long "));
  EXPECT_THAT(show.out, HasSubstr("@Actor1Geo_FeatureID "));
  EXPECT_THAT(show.out, HasSubstr("@" + long_key + "\n"));
  EXPECT_THAT(show.out, Not(HasSubstr("\u2026")));
  for (const std::string& line : Lines(show.out))
    EXPECT_LE(line.size(), 99u) << line;  // ASCII here: bytes are columns
}

}  // namespace
}  // namespace annals
