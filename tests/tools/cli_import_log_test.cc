// Importing `annals log --format jsonl` output (issue 17.6 follow-ups):
// --strict is all or nothing also for amendments the store would refuse
// (a target retracted earlier in the input, a correction that changes
// nothing, an alias cycle); partial logs carry their amendments' targets
// by id.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;

class CliImportLogTest : public test::CliFixture {
 protected:
  // The number of events in the store (0 when it holds none).
  size_t Events() { return test::Lines(Run("log --format jsonl").out).size(); }
};

std::string StatementRow(const std::string& id, const std::string& content) {
  return absl::StrCat(R"({"id":")", id, R"(","speaker":"Ada","verb":"said","content":")", content,
                      R"(","occurred_at":"2018-06-01","attributes":{"import.format":"jsonl"}})");
}

std::string CorrectionRow(const std::string& target, const std::string& content,
                          const std::string& reason) {
  return absl::StrCat(R"({"kind":"correction","target_id":")", target,
                      R"(","speaker":"Ada","verb":"said","content":")", content,
                      R"(","occurred_at":"2018-06-01","attributes":{"import.format":"jsonl"},)",
                      R"("reason":")", reason, R"("})");
}

std::string RetractionRow(const std::string& target, const std::string& reason) {
  return absl::StrCat(R"({"kind":"retraction","target_id":")", target, R"(","reason":")", reason,
                      R"("})");
}

std::string AliasRow(const std::string& alias, const std::string& canonical) {
  return absl::StrCat(R"({"kind":"actor_alias","alias":")", alias, R"(","canonical":")",
                      canonical, R"("})");
}

struct BadLastRow {
  const char* name;
  std::vector<std::string> rows;  // the last one is refused
  const char* reason;             // what the refusal says
};

// Files whose last row is an amendment the store refuses only because of
// an earlier row of the same file. --strict imports nothing and names the
// row; without it the good rows land and the bad one is counted rejected.
TEST_F(CliImportLogTest, StrictRefusesAmendmentsTheStoreWouldRefuseBeforeWritingAnything) {
  const std::vector<BadLastRow> cases = {
      {"correction after a retraction",
       {StatementRow("x:1", "one"), StatementRow("x:2", "two"), RetractionRow("x:1", "wrong"),
        CorrectionRow("x:1", "uno", "typo")},
       "was retracted"},
      {"second retraction",
       {StatementRow("x:1", "one"), RetractionRow("x:1", "wrong"),
        RetractionRow("x:1", "wrong again")},
       "was retracted"},
      {"correction that changes nothing",
       {StatementRow("x:1", "one"), CorrectionRow("x:1", "one", "typo")},
       "changes nothing"},
      {"correction repeating an earlier correction's values",
       {StatementRow("x:1", "one"), CorrectionRow("x:1", "uno", "typo"),
        CorrectionRow("x:1", "uno", "same again")},
       "changes nothing"},
      {"alias cycle", {StatementRow("x:1", "one"), AliasRow("Ann", "Anne"), AliasRow("Anne", "ann")},
       "alias cycle"},
  };
  for (const BadLastRow& c : cases) {
    SCOPED_TRACE(c.name);
    std::filesystem::remove_all(db_);
    ASSERT_EQ(Run("append --speaker Zed --verb said --content zero --at 2017").exit_code, 0);
    std::string input;
    for (const std::string& row : c.rows) input += row + "\n";
    const std::string last = std::to_string(c.rows.size());
    const std::string good = std::to_string(c.rows.size() - 1);

    test::Result strict = Run("import --strict -", input);
    EXPECT_EQ(strict.exit_code, 1) << strict.err;
    EXPECT_THAT(strict.err, HasSubstr("-:" + last + ": "));
    EXPECT_THAT(strict.err, HasSubstr(c.reason));
    EXPECT_THAT(strict.out + strict.err, HasSubstr("rejected 1, held back " + good));
    EXPECT_EQ(Events(), 1u) << "--strict wrote part of the file";

    test::Result loose = Run("import -", input);
    EXPECT_EQ(loose.exit_code, 1) << loose.err;
    EXPECT_THAT(loose.err, HasSubstr("-:" + last + ": "));
    EXPECT_THAT(loose.err, HasSubstr(c.reason));
    EXPECT_THAT(loose.out + loose.err,
                HasSubstr("read " + last + ", imported " + good + ", duplicates 0, rejected 1"));
    EXPECT_EQ(Events(), c.rows.size());
  }
}

// An alias that makes a cycle with an alias already in the store is
// refused by the dry pass too.
TEST_F(CliImportLogTest, StrictRefusesAnAliasMakingACycleWithTheStore) {
  ASSERT_EQ(Run("append --speaker Zed --verb said --content zero --at 2017").exit_code, 0);
  ASSERT_EQ(Run("alias Ann Anne").exit_code, 0);
  const std::string input = StatementRow("x:1", "one") + "\n" + AliasRow("Anne", "Ann") + "\n";
  test::Result strict = Run("import --strict -", input);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_THAT(strict.err, HasSubstr("-:2: "));
  EXPECT_THAT(strict.err, HasSubstr("alias cycle"));
  EXPECT_EQ(Events(), 2u);
  // And the dry pass does not refuse what the append accepts: the same
  // amendment twice is a duplicate, a correction after a correction is fine.
  const std::string ok = StatementRow("x:1", "one") + "\n" + CorrectionRow("x:1", "uno", "a") +
                         "\n" + CorrectionRow("x:1", "uno", "a") + "\n" +
                         CorrectionRow("x:1", "one", "b") + "\n" + RetractionRow("x:1", "r") +
                         "\n" + RetractionRow("x:1", "r") + "\n";
  test::Result r = Run("import --strict -", ok);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("read 6, imported 4, duplicates 2, rejected 0"));
}

// What differs between two copies of one log: seqs, recorded_at, target
// seqs and the import.* provenance attributes.
std::string Normalized(const std::string& out) {
  static const std::regex kVolatile(
      R"re("seq":\d+,|"recorded_at":"[^"]*",|,"target":\d+|"import\.[a-z_]+":"[^"]*",?)re");
  static const std::regex kDanglingComma(R"re(,\})re");
  return std::regex_replace(std::regex_replace(out, kVolatile, ""), kDanglingComma, "}");
}

// `log --format jsonl` names each amendment's target by id (target_id), so a
// log that starts after the statements it amends (`log --from-seq N`)
// imports into a store that holds them; a row without target_id (a log of
// an older version) still imports through the statement earlier in the
// input with its `target` seq.
TEST_F(CliImportLogTest, APartialLogImportsIntoAStoreHoldingItsTargets) {
  const std::filesystem::path source = dir_ / "source";
  for (const char* content : {"one", "two", "three", "four"})
    ASSERT_EQ(RunOn(source, std::string("append --speaker Ada --verb said --at 2018 --content ") +
                                content).exit_code, 0);
  ASSERT_EQ(RunOn(source, "correct 1 --content uno --reason typo").exit_code, 0);
  ASSERT_EQ(RunOn(source, "retract 2 --reason wrong").exit_code, 0);
  ASSERT_EQ(RunOn(source, "alias Ann Ada").exit_code, 0);
  ASSERT_EQ(RunOn(source, "correct 1 --content 'uno!' --reason again").exit_code, 0);
  ASSERT_EQ(RunOn(source, "correct 3 --content tres --reason typo").exit_code, 0);
  const test::Result whole = RunOn(source, "log --format jsonl");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::vector<std::string> rows = test::Lines(whole.out);
  ASSERT_EQ(rows.size(), 9u);
  std::string first_id = rows[0].substr(rows[0].find("\"id\":\"") + 6);
  first_id = first_id.substr(0, first_id.find('"'));
  EXPECT_THAT(rows[4], HasSubstr(",\"target\":1,\"target_id\":\"" + first_id + "\""));
  EXPECT_THAT(rows[5], HasSubstr("\"target_id\":"));
  EXPECT_THAT(rows[6], ::testing::Not(HasSubstr("\"target_id\"")));  // an alias has none
  // A correction of a correction names the statement, not the correction.
  EXPECT_THAT(rows[7], HasSubstr(",\"target\":1,\"target_id\":\"" + first_id + "\""));
  const std::string view = "export --format jsonl --include-retracted";
  const std::string expected = Normalized(RunOn(source, view).out);

  // The whole log, into an empty store.
  test::Result r = Run("import -", whole.out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Normalized(Run(view).out), expected);

  // The first part, then the rest on its own.
  const std::filesystem::path parts = dir_ / "parts";
  r = RunOn(parts, "import -", RunOn(source, "log --format jsonl --to-seq 4").out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunOn(parts, "import --strict -", RunOn(source, "log --format jsonl --from-seq 5").out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("read 5, imported 5, duplicates 0, rejected 0"));
  EXPECT_EQ(Normalized(RunOn(parts, view).out), expected);

  // Rows without target_id, as older versions wrote them.
  static const std::regex kTargetId(R"re(,"target_id":"[^"]*")re");
  const std::string old_style = std::regex_replace(whole.out, kTargetId, "");
  ASSERT_EQ(old_style.find("target_id"), std::string::npos);
  const std::filesystem::path old_copy = dir_ / "old";
  r = RunOn(old_copy, "import --strict -", old_style);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Normalized(RunOn(old_copy, view).out), expected);
}

// A copy keeps the source's seq and recorded_at with every event it copies:
// retractions and aliases too (their own attributes), shown by `log`.
TEST_F(CliImportLogTest, CopiedRetractionsAndAliasesKeepTheirSourceSeqAndTime) {
  const std::filesystem::path source = dir_ / "source";
  ASSERT_EQ(RunOn(source, "append --speaker Ada --verb said --at 2018 --content one").exit_code, 0);
  ASSERT_EQ(RunOn(source, "retract 1 --reason wrong").exit_code, 0);
  ASSERT_EQ(RunOn(source, "alias Ann Ada").exit_code, 0);
  const test::Result log = RunOn(source, "log --format jsonl");
  ASSERT_EQ(log.exit_code, 0) << log.err;
  const std::vector<std::string> rows = test::Lines(log.out);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(Run("append --speaker Zed --verb said --content zero --at 2017").exit_code, 0);
  test::Result r = Run("import -", log.out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> copy = test::Lines(Run("log --format jsonl").out);
  ASSERT_EQ(copy.size(), 4u);
  static const std::regex kRecordedAt(R"re("recorded_at":"([^"]*)")re");
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i]);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(rows[i], m, kRecordedAt));
    EXPECT_THAT(copy[i + 1], HasSubstr("\"import.source_seq\":\"" + std::to_string(i + 1) + "\""));
    EXPECT_THAT(copy[i + 1], HasSubstr("\"import.source_recorded_at\":\"" + m[1].str() + "\""));
  }
  // The provenance is not part of the events' identity: importing again
  // adds nothing, and a copy of the copy keeps the first source's.
  r = Run("import -", log.out);
  EXPECT_THAT(r.out + r.err, HasSubstr("imported 0, duplicates 3, rejected 0"));
  const std::filesystem::path second = dir_ / "second";
  r = RunOn(second, "import -", Run("log --format jsonl --from-seq 2").out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> again = test::Lines(RunOn(second, "log --format jsonl").out);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_THAT(again[1], HasSubstr("\"import.source_seq\":\"2\""));
  EXPECT_THAT(again[2], HasSubstr("\"import.source_seq\":\"3\""));
}

}  // namespace
}  // namespace annals
