// Issue 21, `annals alias --file FILE.csv`, through the real CLI: many
// aliases in one run, every row accounted for as `import` accounts for its
// rows (imported, duplicate, rejected with FILE:LINE: reason; exit 1 if any
// was rejected), the file's other columns kept as the alias's attributes,
// and timelines that merge names exactly as a brute-force resolution of the
// accepted aliases does.
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using test::Result;

class CliAliasFileTest : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    std::string lines;
    for (const char* speaker : {"Recep Tayyip Erdoğan", "Erdogan", "R. T. Erdogan",
                                "Vladimir Putin", "Putin, V."})
      absl::StrAppend(&lines, "{\"speaker\":\"", speaker,
                      "\",\"verb\":\"said\",\"content\":\"x\",\"occurred_at\":\"2025-03\"}\n");
    ASSERT_EQ(Run("import -", lines).exit_code, 0);
  }
  uint64_t Head() {
    Result r = Run("stats --format jsonl");
    size_t at = r.out.find("\"head\":");
    return at == std::string::npos ? 0 : std::stoull(r.out.substr(at + 7));
  }
  size_t TimelineRows(const std::string& actor) {
    return test::Lines(Run("timeline --actor " + test::Quote(actor) + " --format jsonl").out)
        .size();
  }
};

const char kFile[] =
    "alias,canonical,evidence\n"
    "Erdogan,Recep Tayyip Erdoğan,accent variant\n"
    "R. T. Erdogan,Erdogan,\n"
    "\"Putin, V.\",Vladimir Putin,\"comma, quoted\"\n"
    ",Nobody,empty alias\n"
    "Recep Tayyip Erdoğan,R. T. Erdogan,a cycle\n"
    "Erdogan,Recep Tayyip Erdoğan,a repeat\n";

TEST_F(CliAliasFileTest, EveryRowAccountedForAsImportDoes) {
  const std::string file = Write("aliases.csv", kFile).string();
  Result r = Run("alias --file " + test::Quote(file));
  EXPECT_EQ(r.exit_code, 1);  // rows were rejected
  EXPECT_THAT(r.out, HasSubstr("read 6, imported 3, duplicates 1, rejected 2 [aliases]"));
  EXPECT_THAT(r.err, HasSubstr("aliases.csv:5: alias: empty"));
  EXPECT_THAT(r.err, HasSubstr("aliases.csv:6: 'Recep Tayyip Erdoğan' -> 'R. T. Erdogan' "
                               "would make an alias cycle"));
  EXPECT_EQ(TimelineRows("Recep Tayyip Erdoğan"), 3u);
  EXPECT_EQ(TimelineRows("R. T. Erdogan"), 3u);
  EXPECT_EQ(TimelineRows("Vladimir Putin"), 2u);
  // The other columns ride along as attributes, with where the row was read.
  const std::string log = Run("log --format jsonl").out;
  EXPECT_THAT(log, HasSubstr("\"attributes\":{\"evidence\":\"comma, quoted\","
                             "\"import.file\":\"aliases.csv\",\"import.line\":\"4\"},"
                             "\"alias\":\"Putin, V.\",\"canonical\":\"Vladimir Putin\""));
  // Again: all duplicates, nothing appended.
  const uint64_t head = Head();
  r = Run("alias --file " + test::Quote(file));
  EXPECT_THAT(r.out, HasSubstr("read 6, imported 0, duplicates 4, rejected 2"));
  EXPECT_EQ(Head(), head);
  // `import --format aliases` is the same reading.
  r = Run("import --format aliases --dry-run " + test::Quote(file));
  EXPECT_THAT(r.out, HasSubstr("rejected 2 [aliases]"));
  // A later alias in another process still sees the file's links.
  r = Run("alias 'Vladimir Putin' 'Putin, V.'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("would make an alias cycle"));
}

TEST_F(CliAliasFileTest, StrictAndDryRunWriteNothing) {
  const std::string file = Write("aliases.csv", kFile).string();
  const uint64_t head = Head();
  Result r = Run("alias --file " + test::Quote(file) + " --strict");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Head(), head);
  r = Run("alias --file " + test::Quote(file) + " --dry-run");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(TimelineRows("Vladimir Putin"), 1u);
  // --rejects receives the bad rows verbatim.
  const std::string rejects = (dir_ / "bad.csv").string();
  r = Run("alias --file " + test::Quote(file) + " --rejects " + test::Quote(rejects));
  EXPECT_EQ(test::ReadFile(rejects), ",Nobody,empty alias\nRecep Tayyip Erdoğan,R. T. Erdogan,a cycle\n");
}

TEST_F(CliAliasFileTest, ClearErrors) {
  const std::string file = Write("aliases.csv", kFile).string();
  Result r = Run("alias --file " + test::Quote(file) + " Erdogan X");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not both"));
  r = Run("alias Erdogan");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("expected ALIAS CANONICAL (or --file FILE.csv)"));
  r = Run("alias Erdogan X --dry-run");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--dry-run: applies only with --file"));
  r = Run("alias --file " + test::Quote(Write("names.csv", "name,other\na,b\n").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not aliases: expected a CSV header row naming the columns "
                               "alias and canonical"));
  r = Run("alias --file " + test::Quote(Write("twice.csv", "alias,Alias,canonical\n").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("names column \"alias\" twice"));
  r = Run("alias --file " +
          test::Quote(Write("own.csv", "alias,canonical,import.line\na,b,3\n").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is the provenance the import adds itself"));
  for (const char* cmd : {"alias --file ", "import --format aliases "}) {
    r = RunOn(dir_ / "none", cmd + test::Quote(file));
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_THAT(r.err, HasSubstr("no store")) << cmd;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "none")) << cmd;
  }
  // Header names are trimmed, as spreadsheets write them.
  r = Run("alias --file " +
          test::Quote(Write("spaced.csv", "alias , canonical\nPutin,Vladimir Putin\n").string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Run("import --format alias " + test::Quote(file));
  EXPECT_THAT(r.err, HasSubstr("a CSV of actor aliases is aliases"));
}

// Random forests of aliases, read from standard input in one run: every
// actor's timeline holds the statements of every name that resolves to
// it, as following the accepted links by hand says; rows that would close
// a cycle are rejected, as the oracle rejects them.
TEST_F(CliAliasFileTest, TimelinesMergeAsBruteForceResolution) {
  std::mt19937 rng(21);
  const int kNames = 60;
  std::string statements;
  std::map<std::string, int> said;  // statements by each name
  for (int i = 0; i < 200; ++i) {
    const std::string name = absl::StrCat("Actor ", rng() % kNames);
    ++said[name];
    absl::StrAppend(&statements, "{\"speaker\":\"", name, "\",\"verb\":\"said\",\"content\":\"s",
                    i, "\",\"occurred_at\":\"2024-01\"}\n");
  }
  ASSERT_EQ(Run("import -", statements).exit_code, 0);
  std::map<std::string, std::string> links;  // oracle: accepted alias -> canonical
  std::string csv = "alias,canonical\n";
  int rejected = 0, accepted = 0;
  std::set<std::pair<std::string, std::string>> pairs;
  std::set<int> aliased;
  for (int row = 0; row < 40; ++row) {
    int a = rng() % kNames, c = rng() % kNames;
    // A name aliased before is now and then pointed elsewhere: the latest
    // alias of a name is the one in force.
    if (aliased.contains(a) && rng() % 4 != 0) continue;
    const std::string alias = absl::StrCat("Actor ", a);
    if (rng() % 3 == 0)  // a third of the rows point back into alias's tree
      for (const auto& [from, to] : links)
        if (to == alias) c = std::stoi(from.substr(6));
    if (a == c) continue;
    const std::string canonical = absl::StrCat("Actor ", c);
    // A pair given before would be a duplicate, which changes nothing.
    if (!pairs.insert({alias, canonical}).second) continue;
    absl::StrAppend(&csv, alias, ",", canonical, "\n");
    std::string x = canonical;
    bool cycle = false;
    for (int steps = 0; steps <= kNames; ++steps) {
      if (x == alias) cycle = true;
      auto it = links.find(x);
      if (cycle || it == links.end()) break;
      x = it->second;
    }
    if (cycle) {
      ++rejected;
    } else {
      links[alias] = canonical;
      aliased.insert(a);
      ++accepted;
    }
  }
  ASSERT_GT(rejected, 0);  // the seed makes cycles, and chains
  ASSERT_GT(links.size(), 15u);
  ASSERT_GT(accepted, static_cast<int>(links.size()));  // some were re-pointed
  Result r = Run("alias --file -", csv);
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("imported ", accepted, ", duplicates 0, rejected ",
                                            rejected, " [aliases]")));
  auto root = [&](std::string x) {
    for (auto it = links.find(x); it != links.end(); it = links.find(x)) x = it->second;
    return x;
  };
  std::map<std::string, size_t> expected;  // root -> statements
  for (const auto& [name, n] : said) expected[root(name)] += n;
  for (const auto& [name, n] : said)
    EXPECT_EQ(TimelineRows(name), expected[root(name)]) << name;
}

}  // namespace
}  // namespace annals
