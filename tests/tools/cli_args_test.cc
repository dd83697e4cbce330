// End-to-end tests of how the `annals` binary reads its arguments (issues
// 16 and 17): one vocabulary for log positions (--from-seq/--to-seq) and
// dates (--from/--to), basic ISO dates, no negative counts, empty ranges
// refused, unknown commands named with a suggestion, --version, seq-or-id
// everywhere a statement is named. Each runs the real CLI on a real store.
//
// The sample (tools/samples/rare-earths-talks.jsonl), by seq: 1-3 occurred
// 2025-03-31; 4-6 2025-02; 7 2025-03; 8-9 2025-03-30; 10 2025-03; 11-12
// 2025-03-31.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/version.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using test::kSample;
using test::Lines;
using test::Quote;
using test::Result;

// The seq of each jsonl line ({"seq":N,...}), in order.
std::vector<int> Seqs(const std::string& jsonl) {
  std::vector<int> out;
  for (const std::string& line : Lines(jsonl)) {
    if (!line.starts_with("{\"seq\":")) {
      ADD_FAILURE() << "not a jsonl event: " << line;
      continue;
    }
    out.push_back(std::stoi(line.substr(7)));
  }
  return out;
}

// The ids of exported jsonl lines ({"id":"...",...}), in order.
std::vector<std::string> Ids(const std::string& jsonl) {
  std::vector<std::string> out;
  for (const std::string& line : Lines(jsonl)) {
    size_t start = line.find("\"id\":\"") + 6;
    out.push_back(line.substr(start, line.find('"', start) - start));
  }
  return out;
}

class CliArgsTest : public test::CliFixture {
 protected:
  void Import() { ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0); }
};

// 16 (smaller), 17.14: CLI11 read "-5" into an unsigned option as 2^64-5;
// every count and seq option refuses a negative number.
TEST_F(CliArgsTest, NegativeCountsAndSeqsAreRefused) {
  Import();
  for (const char* c :
       {"log --limit -1", "log --from-seq -5", "log --to-seq -1",
        "timeline --actor x --limit -1", "projection query actors x --limit -1",
        "actors --top -1", "topics --top -3", "projection query actors --counts --top -1",
        "export --from-seq -5", "export --to-seq -2",
        "import --progress-every -1 -", "import --progress-fd -1 -"}) {
    Result r = Run(c);
    EXPECT_EQ(r.exit_code, 1) << c << "\n" << r.out;
    EXPECT_THAT(r.err, HasSubstr("expected a whole number >= 0")) << c;
  }
  EXPECT_EQ(Seqs(Run("log --limit 2 --format jsonl").out), std::vector<int>({1, 2}));
}

TEST_F(CliArgsTest, ProgressFdMustBeOpenForWriting) {
  Result closed = Run("import --progress-fd 99 " + Quote(kSample));
  EXPECT_EQ(closed.exit_code, 1);
  EXPECT_THAT(closed.err, HasSubstr("--progress-fd: file descriptor 99 is not open"));
  EXPECT_FALSE(std::filesystem::exists(db_));  // refused before anything was made
  // Descriptor 0 is standard input, open for reading only.
  Result read_only = Run("import --progress-fd 0 " + Quote(kSample));
  EXPECT_EQ(read_only.exit_code, 1);
  EXPECT_THAT(read_only.err, HasSubstr("not open for writing"));
  Result ok = Run("import --progress-fd 2 --progress-every 1 " + Quote(kSample));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.err, HasSubstr("durable file=0 line=12"));
}

// 17.7: --from-seq/--to-seq are log positions, --from/--to dates (when the
// statement occurred), for log as for timelines.
TEST_F(CliArgsTest, LogTakesSeqRangesAndDateRanges) {
  Import();
  EXPECT_EQ(Seqs(Run("log --from-seq 5 --to-seq 7 --format jsonl").out),
            std::vector<int>({5, 6, 7}));
  EXPECT_EQ(Seqs(Run("log --from-seq 11 --format jsonl").out), std::vector<int>({11, 12}));
  // Dates: 2025-03-30 .. the end of 2025-03-30.
  EXPECT_EQ(Seqs(Run("log --from 2025-03-30 --to 2025-03-30 --format jsonl").out),
            std::vector<int>({8, 9}));
  // A month bound covers the whole month; a month-precision statement
  // starts on its first day (as in timelines).
  EXPECT_EQ(Seqs(Run("log --to 2025-02 --format jsonl").out), std::vector<int>({4, 5, 6}));
  EXPECT_EQ(Seqs(Run("log --from 2025-03 --to 2025-03 --from-seq 7 --limit 3 "
                     "--format jsonl").out),
            std::vector<int>({7, 8, 9}));
  // A retraction has no date: a date range leaves it out.
  ASSERT_EQ(Run("retract 8 --reason wrong").exit_code, 0);
  EXPECT_EQ(Seqs(Run("log --from 2025 --format jsonl").out).size(), 12u);
  EXPECT_EQ(Seqs(Run("log --from-seq 13 --format jsonl").out), std::vector<int>({13}));
  // The old meaning of --from (a seq) is refused with a pointer.
  Result old = Run("log --from 5");
  EXPECT_EQ(old.exit_code, 1);
  EXPECT_THAT(old.err, HasSubstr("--from-seq"));
}

TEST_F(CliArgsTest, ExportTakesSeqRangesAndDatesOfTheCurrentValues) {
  Import();
  // Statement 4 (2025-02) is corrected to 2025-03-30: a date range goes by
  // its current date, as a timeline would.
  ASSERT_EQ(Run("correct 4 --at 2025-03-30 --reason redated").exit_code, 0);
  Result by_date = Run("export --from 2025-03-30 --to 20250330");
  ASSERT_EQ(by_date.exit_code, 0) << by_date.err;
  EXPECT_THAT(Ids(by_date.out),
              ElementsAre("mt-2025-03-31-rare-earths-04", "mt-2025-03-31-rare-earths-08",
                          "mt-2025-03-31-rare-earths-09"));
  // `export --from 2025` means the year, not seq 2025.
  EXPECT_EQ(Lines(Run("export --from 2025").out).size(), 12u);
  EXPECT_THAT(Run("export --from 2026").out, IsEmpty());
  Result by_seq = Run("export --from-seq 2 --to-seq 3");
  EXPECT_THAT(Ids(by_seq.out),
              ElementsAre("mt-2025-03-31-rare-earths-02", "mt-2025-03-31-rare-earths-03"));
}

// 17.12: GDELT's SQLDATE form is ISO 8601's basic date, read everywhere a
// date is read: arguments and statements.
TEST_F(CliArgsTest, BasicIsoDatesAreReadAsDays) {
  Import();
  Result basic = Run("timeline --topic 'rare earth metals' --from 20250330 --to 20250330 "
                     "--format jsonl");
  ASSERT_EQ(basic.exit_code, 0) << basic.err;
  Result extended = Run("timeline --topic 'rare earth metals' --from 2025-03-30 "
                        "--to 2025-03-30 --format jsonl");
  EXPECT_EQ(basic.out, extended.out);
  EXPECT_FALSE(basic.out.empty());
  Result append = Run("append --speaker X --verb said --content c --at 20180602");
  ASSERT_EQ(append.exit_code, 0) << append.err;
  EXPECT_THAT(Run("show 13 --format jsonl").out, HasSubstr("\"occurred_at\":\"2018-06-02\""));
  Result imp = Run("import -", "{\"speaker\":\"Y\",\"verb\":\"said\",\"content\":\"d\","
                               "\"occurred_at\":\"20180603\"}\n");
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_THAT(Run("show 14 --format jsonl").out, HasSubstr("\"occurred_at\":\"2018-06-03\""));
  Result month = Run("timeline --actor x --from 201806");
  EXPECT_EQ(month.exit_code, 1);
  EXPECT_THAT(month.err, HasSubstr("YYYY-MM"));
}

// 17.13: a mistyped command is named, with the closest ones suggested.
TEST_F(CliArgsTest, UnknownCommandsAreNamedWithSuggestions) {
  Result typo = Run("timline --actor x");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_THAT(typo.err, HasSubstr("annals: 'timline' is not a command. Did you mean "
                                  "'timeline'?"));
  Result swap = Run("improt x");
  EXPECT_THAT(swap.err, HasSubstr("Did you mean 'import'?"));
  Result prefix = Run("proj");
  EXPECT_THAT(prefix.err, HasSubstr("Did you mean one of: projections, projection?"));
  Result sub = Run("projection qurey x y");
  EXPECT_EQ(sub.exit_code, 1);
  EXPECT_THAT(sub.err, HasSubstr("'qurey' is not a command of 'annals projection'. "
                                 "Did you mean 'query'?"));
  Result far = Run("zzzzzzzz");
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_THAT(far.err, HasSubstr("'zzzzzzzz' is not a command. The commands are: import,"));
  // Options and their values are not commands.
  Result version = Run("--version");
  EXPECT_EQ(version.exit_code, 0);
}

// 17.14: a date or seq range with nothing in it is an error, not an empty
// answer.
TEST_F(CliArgsTest, EmptyRangesAreRefused) {
  Import();
  ASSERT_EQ(Run("projection create sp --key speaker").exit_code, 0);
  for (const char* c : {"timeline --actor 'Donald Trump' --from 2019 --to 2018",
                        "timeline --topic x --from 2025-04 --to 2025-03-31",
                        "projection query sp 'Donald Trump' --from 2019 --to 2018",
                        "log --from 2019 --to 2018", "export --from 2019 --to 2018",
                        "log --from-seq 5 --to-seq 4", "export --from-seq 5 --to-seq 4"}) {
    Result r = Run(c);
    EXPECT_EQ(r.exit_code, 1) << c;
    EXPECT_THAT(r.err, HasSubstr("the range is empty")) << c;
    EXPECT_EQ(r.out, "") << c;
  }
  // Touching bounds are fine: the end covers its whole period.
  EXPECT_EQ(Run("timeline --actor 'Donald Trump' --from 2025-03-30 --to 2025-03").exit_code, 0);
}

// 17.15
TEST_F(CliArgsTest, VersionNamesTheStoreFormatAndRocksDb) {
  Result v = Run("--version");
  ASSERT_EQ(v.exit_code, 0) << v.err;
  std::vector<std::string> lines = Lines(v.out);
  ASSERT_EQ(lines.size(), 3u) << v.out;
  EXPECT_THAT(lines[0], StartsWith("annals 0."));
  EXPECT_EQ(lines[1], "store format 1 (event schema 1)");
  EXPECT_EQ(lines[2], "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." +
                          std::to_string(ROCKSDB_MINOR) + "." +
                          std::to_string(ROCKSDB_PATCH));
  EXPECT_THAT(Run("--help").out, HasSubstr("--version"));
}

// 17.17: show, correct and retract all take a seq or an id, and correct,
// like retract, needs a reason.
TEST_F(CliArgsTest, CorrectAndRetractTakeASeqOrAnIdAndNeedAReason) {
  Import();
  Result no_reason = Run("correct mt-2025-03-31-rare-earths-08 --content x");
  EXPECT_EQ(no_reason.exit_code, 1);
  EXPECT_THAT(no_reason.err, HasSubstr("--reason"));
  Result empty_reason = Run("correct 8 --content x --reason ''");
  EXPECT_EQ(empty_reason.exit_code, 1);
  EXPECT_THAT(empty_reason.err, HasSubstr("a reason is required"));

  Result by_id = Run("correct mt-2025-03-31-rare-earths-08 --content 'corrected' "
                     "--reason 'wrong words'");
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_EQ(by_id.out, "13\n");
  EXPECT_THAT(Run("show 13 --format jsonl").out,
              AllOf(HasSubstr("\"target\":8"), HasSubstr("\"content\":\"corrected\"")));
  Result retract = Run("retract mt-2025-03-31-rare-earths-09 --reason gone");
  ASSERT_EQ(retract.exit_code, 0) << retract.err;
  EXPECT_THAT(Run("show 14 --format jsonl").out, HasSubstr("\"target\":9"));
  EXPECT_EQ(Run("show mt-2025-03-31-rare-earths-09 --format jsonl").out,
            Run("show 9 --format jsonl").out);
  Result unknown = Run("correct no-such-id --content x --reason r");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no event with id 'no-such-id'"));
  EXPECT_EQ(Run("retract 99 --reason r").exit_code, 1);
}

// 17.18 (CLI part): stats as one JSON object.
TEST_F(CliArgsTest, StatsAsJsonl) {
  Import();
  Result st = Run("stats --format jsonl");
  ASSERT_EQ(st.exit_code, 0) << st.err;
  ASSERT_EQ(Lines(st.out).size(), 1u);
  EXPECT_THAT(st.out, StartsWith("{\"store\":\""));
  EXPECT_THAT(st.out, HasSubstr(",\"events\":12,\"head\":12,\"bytes_on_disk\":"));
  EXPECT_THAT(st.out, HasSubstr("\"first_occurred_at\":\"2025-02\","
                                "\"last_occurred_at\":\"2025-03-31\",\"lost\":0}"));
  EXPECT_EQ(Run("stats --format csv").exit_code, 1);
}

}  // namespace
}  // namespace annals
