// GDELT 2.0 Mentions through the real CLI (issue 21, "one event, many
// reports"): a mentions file imports as mention events, before or after
// its events; `claims` counts each claim's mentions and their outlets as a
// brute-force count of the files says, as of any seq; `log --format jsonl
// | import -` copies mentions; a running server takes them too.
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;

const std::string kData = std::string(ANNALS_SOURCE_DIR) + "/tests/data/";

std::vector<std::string> Cells(const std::string& line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = line.find(sep, start);
    out.push_back(line.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// "gdelt:" GLOBALEVENTID -> the outlets of its mentions, one per row of
// the file.
std::map<std::string, std::vector<std::string>> MentionsByEvent() {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& line : Lines(ReadFile(kData + "gdelt-v2-mentions.tsv")))
    if (!line.empty()) out["gdelt:" + Cells(line, '\t')[0]].push_back(Cells(line, '\t')[4]);
  return out;
}

std::string WithoutCr(std::string s) {
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

class CliMentionsTest : public CliFixture {
 protected:
  std::string Mentions() { return Quote(kData + "gdelt-v2-mentions.tsv"); }
  std::string Events() { return Quote(kData + "gdelt-v2-events.tsv"); }

  // Each event's id by its seq, from one `log --format jsonl` (one process
  // instead of a `show` per seq: this suite also runs under ASan).
  std::map<std::string, std::string> IdsBySeq() {
    std::map<std::string, std::string> out;
    Result log = Run("log --format jsonl");
    EXPECT_EQ(log.exit_code, 0) << log.err;
    static const std::regex kSeqAndId(R"re(^\{"seq":(\d+),.*?"id":"([^"]*)")re");
    for (const std::string& line : Lines(log.out)) {
      std::smatch m;
      if (std::regex_search(line, m, kSeqAndId)) out[m[1].str()] = m[2].str();
    }
    return out;
  }

  // The claims of every target's timeline in the store, each as
  // "first_seq: statements,outlets,mentions"; in *want the same from a
  // brute-force count of the mentions file over each claim's reports
  // (`as_of_zero`: as of a seq before every mention).
  std::set<std::string> Claims(std::set<std::string>* want, const std::string& extra = "",
                               bool as_of_zero = false) {
    std::set<std::string> got;
    const auto mentions = MentionsByEvent();
    const std::map<std::string, std::string> ids = IdsBySeq();
    Result actors = Run("actors --format csv");
    for (const std::string& line : Lines(actors.out)) {
      const std::vector<std::string> row = Cells(WithoutCr(line), ',');
      if (row.size() < 2 || row[0] == "count") continue;
      const std::string& name = row[1];
      Result r = Run("claims --actor " + Quote(name) + " --format csv " + extra);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      for (const std::string& raw : Lines(r.out)) {
        std::vector<std::string> c = Cells(WithoutCr(raw), ',');
        if (c[0] == "first_seq") continue;
        got.insert(c[0] + ": " + c[3] + "," + c[4] + "," + c.back());
        size_t count = 0;
        std::set<std::string> outlets;
        for (const std::string& seq : Cells(c[5], ';')) {
          auto id = ids.find(seq);
          EXPECT_NE(id, ids.end()) << seq;
          if (id == ids.end()) continue;
          auto it = mentions.find(id->second);
          if (it == mentions.end() || as_of_zero) continue;
          count += it->second.size();
          outlets.insert(it->second.begin(), it->second.end());
        }
        want->insert(c[0] + ": " + c[3] + "," + std::to_string(outlets.size()) + "," +
                     std::to_string(count));
      }
    }
    return got;
  }
};

TEST_F(CliMentionsTest, ClaimsCountMentionsAsTheFilesSayWhicheverArrivesFirst) {
  // Mentions first: kept, and linked once their events arrive.
  Result r = Run("import " + Mentions());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 5, duplicates 0, rejected 0 [gdelt-mentions]"));
  ASSERT_EQ(Run("import " + Events()).exit_code, 0);
  std::set<std::string> want;
  std::set<std::string> got = Claims(&want);
  EXPECT_EQ(got, want);
  // The sample's events carry no outlet: every counted outlet is a mention's.
  size_t mentioned = 0;
  for (const std::string& row : got) mentioned += row.back() != '0';
  EXPECT_GE(mentioned, 3u);
}

TEST_F(CliMentionsTest, ALogCopyKeepsMentionsAndReimportingIsAllDuplicates) {
  ASSERT_EQ(Run("import " + Events()).exit_code, 0);
  ASSERT_EQ(Run("import " + Mentions()).exit_code, 0);
  Result again = Run("import " + Mentions());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("imported 0, duplicates 5, rejected 0"));
  std::set<std::string> want_unused;
  std::set<std::string> want = Claims(&want_unused);
  EXPECT_EQ(want, want_unused);
  // As of the last event, before the mentions: none counted.
  const std::string events = std::to_string(Lines(ReadFile(kData + "gdelt-v2-events.tsv")).size());
  std::set<std::string> want_none;
  EXPECT_EQ(Claims(&want_none, "--as-of " + events, /*as_of_zero=*/true), want_none);

  Result log = Run("log --format jsonl");
  ASSERT_EQ(log.exit_code, 0);
  EXPECT_THAT(log.out, HasSubstr("\"kind\":\"mention\""));
  EXPECT_THAT(log.out, HasSubstr("\"event_id\":\"gdelt:410412347\""));
  const std::filesystem::path copy = dir_ / "copy";
  Result imported = RunOn(copy, "import -", log.out);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(RunOn(copy, "verify").exit_code, 0);
  Result copied = RunOn(copy, "log --format jsonl --from-seq 1");
  EXPECT_EQ(Lines(copied.out).size(), Lines(log.out).size());
  db_ = copy;
  EXPECT_EQ(Claims(&want_unused), want);
}

TEST_F(CliMentionsTest, ShowAndLogNameWhatAMentionReports) {
  ASSERT_EQ(Run("import " + Mentions()).exit_code, 0);
  Result show = Run("show 1");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("kind              mention"));
  EXPECT_THAT(show.out, HasSubstr("event_id          gdelt:410412347"));
  EXPECT_THAT(show.out, HasSubstr("outlet            dailymaverick.co.za"));
  Result log = Run("log");
  EXPECT_THAT(log.out, HasSubstr("[mentions gdelt:410412347]"));
  Result csv = Run("log --format csv");
  EXPECT_THAT(Lines(csv.out)[0], HasSubstr(",event_id"));
  EXPECT_THAT(Lines(csv.out)[1], HasSubstr(",gdelt:410412347"));
}

TEST_F(CliMentionsTest, BadRowsAreRejectedWithTheirColumn) {
  std::vector<std::string> good = Cells(Lines(ReadFile(kData + "gdelt-v2-mentions.tsv"))[0], '\t');
  auto row = [&](size_t col, const std::string& v) {
    std::vector<std::string> c = good;
    c[col] = v;
    std::string out;
    for (size_t i = 0; i < c.size(); ++i) out += (i ? "\t" : "") + c[i];
    return out + "\n";
  };
  const std::string file =
      ReadFile(kData + "gdelt-v2-mentions.tsv") + row(0, "12x") + row(2, "20150231230000");
  Result r = Run("import --format gdelt-mentions -", file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("-:6: GLOBALEVENTID: expected the event's number"));
  EXPECT_THAT(r.err, HasSubstr("-:7: MentionTimeDate: expected YYYYMMDDHHMMSS"));
  EXPECT_THAT(r.out, HasSubstr("imported 5, duplicates 0, rejected 2"));
  Result named = Run("import --format mentions -", file);
  EXPECT_EQ(named.exit_code, 1);
  EXPECT_THAT(named.err, HasSubstr("gdelt-mentions"));
}

// A JSON Lines row never loses a key: event_id is a mention's only, and a
// mention holds only event_id, source and attributes.
TEST_F(CliMentionsTest, JsonRowsOfTheWrongKindAreRefusedNotDropped) {
  const std::string statement =
      "{\"speaker\":\"A\",\"verb\":\"said\",\"content\":\"x\",\"occurred_at\":\"2024\","
      "\"event_id\":\"42\"}\n";
  Result r = Run("import -", statement);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("event_id: only a mention"));
  const std::string mention =
      "{\"kind\":\"mention\",\"event_id\":\"gdelt:1\",\"speaker\":\"A\","
      "\"source\":{\"outlet\":\"o\"}}\n";
  r = Run("import -", mention);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("a mention holds only event_id, source and attributes"));
  const std::string good =
      "{\"kind\":\"mention\",\"event_id\":\"gdelt:1\",\"source\":{\"outlet\":\"o\"}}\n";
  r = Run("import -", good);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 1, duplicates 0, rejected 0"));
  r = Run("import -", "{\"kind\":\"mention\",\"source\":{\"outlet\":\"o\"}}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("event_id: required"));
}

TEST_F(CliMentionsTest, MentionsGoThroughARunningServer) {
  ASSERT_EQ(Run("import " + Events()).exit_code, 0);
  std::set<std::string> unused;
  std::set<std::string> without = Claims(&unused);
  Server s = StartServer(db_, dir_ / "server.log");
  Result r = Run("import " + Mentions());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 5, duplicates 0, rejected 0"));
  std::set<std::string> want;
  std::set<std::string> through = Claims(&want);  // claims through the server
  EXPECT_EQ(through, want);
  EXPECT_NE(through, without);
  EXPECT_EQ(StopServer(s), 0);
  EXPECT_EQ(Claims(&unused), through);  // the same, read from the store itself
  EXPECT_EQ(Run("verify").exit_code, 0);
}

}  // namespace
}  // namespace annals::test
