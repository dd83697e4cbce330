// Issue 21, `annals actors --suggest-aliases`, through the real CLI: pairs
// proposed from the store's evidence (a country's CAMEO code, folded names,
// word order), as a CSV that `alias --file` accepts as it is; nothing is
// appended by the suggestion itself.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::Result;

// A statement by `speaker` with attributes `attrs` (JSON members), each
// with content of its own.
std::string Line(const std::string& speaker, const std::string& attrs = "") {
  static int n = 0;
  return "{\"speaker\":\"" + speaker + "\",\"verb\":\"said\",\"content\":\"c" +
         std::to_string(++n) + "\",\"occurred_at\":\"2025-03\"" +
         (attrs.empty() ? "" : ",\"attributes\":{" + attrs + "}") + "}\n";
}

class CliSuggestAliasesTest : public test::CliFixture {
 protected:
  uint64_t Head() {
    Result r = Run("stats --format jsonl");
    size_t at = r.out.find("\"head\":");
    return at == std::string::npos ? 0 : std::stoull(r.out.substr(at + 7));
  }
};

TEST_F(CliSuggestAliasesTest, EachKindOfEvidenceAndTheRules) {
  std::string in;
  for (int i = 0; i < 3; ++i) in += Line("United States");
  in += Line("US", "\"Actor1Code\":\"USA\"");
  in += Line("U.S.", "\"target[0].code\":\"USA\",\"source[0].code\":\"USA\"");
  in += Line("Minnesota", "\"Actor1Code\":\"USA\"");  // coded USA, not the country
  in += Line("Putin", "\"source[0].code\":\"RUS\"");  // PLOVER: where, not who
  in += Line("Russia");
  in += Line("RUSSIAN", "\"Actor1Code\":\"RUSGOV\"");
  in += Line("Recep Tayyip Erdoğan") + Line("Recep Tayyip Erdoğan");
  in += Line("Recep Tayyip Erdogan");
  in += Line("Government of Ruritania") + Line("Ruritania Government");
  in += Line("GOVERNMENT", "\"Actor1Code\":\"GOV\"") + Line("AUTHORITIES", "\"Actor1Code\":\"GOV\"");
  in += Line("?") + Line("-");  // nothing left once folded: no evidence
  ASSERT_EQ(Run("import -", in).exit_code, 0);
  const uint64_t head = Head();
  Result r = Run("actors --suggest-aliases");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "alias,canonical,evidence,alias_count,canonical_count\r\n"
            "U.S.,United States,code USA with US and United States,1,3\r\n"
            "US,United States,code USA with U.S. and United States,1,3\r\n"
            "Recep Tayyip Erdogan,Recep Tayyip Erdoğan,folded recep tayyip erdogan with Recep "
            "Tayyip Erdoğan,1,2\r\n"
            "Ruritania Government,Government of Ruritania,word order with Government of "
            "Ruritania,1,1\r\n"
            "RUSSIAN,Russia,code RUS with Russia,1,1\r\n");  // a tie: the country's own name
  EXPECT_EQ(Head(), head);  // it only proposes
  // --min-count leaves out actors with fewer statements.
  r = Run("actors --suggest-aliases --min-count 2");
  EXPECT_EQ(r.out, "alias,canonical,evidence,alias_count,canonical_count\r\n");
  EXPECT_THAT(r.err, HasSubstr("no aliases to suggest"));
  // Reviewed (here: taken as it is), the list is an alias file.
  const std::string file = Write("reviewed.csv", Run("actors --suggest-aliases").out).string();
  r = Run("alias --file " + test::Quote(file));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("read 5, imported 5, duplicates 0, rejected 0 [aliases]"));
  EXPECT_EQ(test::Lines(Run("timeline --actor 'United States' --format jsonl").out).size(), 5u);
  // Merged names are not proposed again.
  EXPECT_EQ(Run("actors --suggest-aliases").out,
            "alias,canonical,evidence,alias_count,canonical_count\r\n");
  const std::string log = Run("log --format jsonl").out;
  EXPECT_THAT(log, HasSubstr("\"evidence\":\"code USA with "));
}

TEST_F(CliSuggestAliasesTest, FlagsThatDoNotApplyAreErrors) {
  ASSERT_EQ(Run("import -", Line("Russia")).exit_code, 0);
  Result r = Run("actors --suggest-aliases --top 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--top: does not apply with --suggest-aliases"));
  r = Run("actors --suggest-aliases --spreadsheet-safe");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--spreadsheet-safe: does not apply"));
  r = Run("actors --min-count 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--min-count: applies only with --suggest-aliases"));
  EXPECT_THAT(Run("topics --help").out, Not(HasSubstr("--suggest-aliases")));
  EXPECT_THAT(Run("actors --help").out, HasSubstr("--suggest-aliases"));
}

// The project's copies of real GDELT, ICEWS and PLOVER rows: the United
// States as GDELT, ICEWS and PLOVER write it are proposed as one actor, and
// the whole list is accepted by alias --file without a rejected row.
TEST_F(CliSuggestAliasesTest, RealFilesAcrossDatasets) {
  std::string files;
  for (const char* f : {"gdelt-v2-events.tsv", "icews-events.tab", "plover-records.json"})
    files += " " + test::Quote(std::string(ANNALS_SOURCE_DIR "/tests/data/") + f);
  ASSERT_LE(Run("import" + files).exit_code, 1);  // PLOVER's DOCUMENT records are rejected
  Result r = Run("actors --suggest-aliases");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\r\nAUSTRALIAN,AUSTRALIA,code AUS with AUSTRALIA,2,3\r\n"));  // GDELT's
  const std::string file = Write("s.csv", r.out).string();
  r = Run("alias --file " + test::Quote(file));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("rejected 0"));
}

}  // namespace
}  // namespace annals
