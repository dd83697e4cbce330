// annals search end to end: ranked hits on the bundled sample, as of a
// point before a correction and a retraction, the formats, escaping, and
// errors with their exit codes.
#include <unistd.h>
#include <xapian.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliSearchTest : public CliFixture {
 protected:
  // The seqs column of a CSV answer, in rank order.
  std::vector<std::string> Seqs(const std::string& args) {
    Result r = Run("search " + args + " --format csv");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    for (const std::string& line : Lines(r.out)) {
      if (line.rfind("rank,", 0) == 0) continue;
      const size_t a = line.find(',', line.find(',') + 1);
      out.push_back(line.substr(a + 1, line.find(',', a + 1) - a - 1));
    }
    return out;
  }
};

TEST_F(CliSearchTest, FindsPhrasesAsOfAnyPointThroughCorrectionsAndRetractions) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  EXPECT_EQ(Seqs(Quote("\"rare earth\" AND Zelensky")), (std::vector<std::string>{"8", "7"}));
  ASSERT_EQ(Run("correct 8 --content " + Quote("Trump spoke of cobalt instead") +
                " --reason typo").exit_code, 0);
  ASSERT_EQ(Run("retract 7 --reason 'wrong date'").exit_code, 0);
  EXPECT_THAT(Seqs(Quote("\"rare earth\" AND Zelensky")), ::testing::IsEmpty());
  EXPECT_EQ(Seqs("cobalt"), (std::vector<std::string>{"8"}));
  EXPECT_EQ(Seqs(Quote("\"rare earth\" AND Zelensky") + " --as-of 12"),
            (std::vector<std::string>{"8", "7"}));
  EXPECT_THAT(Seqs("cobalt --as-of 12"), ::testing::IsEmpty());
  // The same through --actor (as the sample writes the name, and folded).
  EXPECT_EQ(Seqs("rare --actor 'DONALD TRUMP' --as-of 12"), (std::vector<std::string>{"8", "7"}));
  Result json = Run("search cobalt --format jsonl");
  EXPECT_THAT(json.out, HasSubstr("\"rank\":1,\"score\":"));
  EXPECT_THAT(json.out, HasSubstr("\"version_seq\":13,\"seq\":8,"));
  EXPECT_THAT(json.out, HasSubstr("\"content\":\"Trump spoke of cobalt instead\""));
  EXPECT_TRUE(std::filesystem::exists(db_ / "search" / "english"));
}

// A server holding the store searches its own index, caught up with what
// was written through it; --server reaches it from anywhere.
TEST_F(CliSearchTest, ARunningServerSearchesItsOwnIndex) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  const std::vector<std::string> before = Seqs(Quote("\"rare earth\" AND Zelensky"));
  ASSERT_EQ(before, (std::vector<std::string>{"8", "7"}));
  Server s = StartServer(db_, dir_ / "server.log");
  ASSERT_EQ(Run("correct 8 --content " + Quote("Trump spoke of cobalt instead") +
                " --reason typo").exit_code, 0);
  EXPECT_EQ(Seqs("cobalt"), (std::vector<std::string>{"8"}));
  EXPECT_EQ(Seqs(Quote("\"rare earth\" AND Zelensky") + " --as-of 12"), before);
  // No store at --db: only the server can answer.
  Result r = RunOn(dir_ / "nowhere", "--server " + Quote(s.address) +
                                       " search cobalt --topic 'rare earth' --format csv");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(",8,13,"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nowhere"));
  EXPECT_EQ(StopServer(s), 0);
  EXPECT_EQ(Seqs("cobalt"), (std::vector<std::string>{"8"}));  // the store's own, read here
}

// The server keeps its index up by itself, and neither its searches nor
// its stop wait for whatever holds the index's write lock (here this test,
// as a search in another process building the index would).
TEST_F(CliSearchTest, AServerStopsAtOnceWhateverHoldsItsIndex) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  const std::vector<std::string> rare = Seqs("rare");  // the index is made
  ASSERT_FALSE(rare.empty());
  Server s = StartServer(db_, dir_ / "server.log");
  {
    Xapian::WritableDatabase held((db_ / "search" / "english").string(), Xapian::DB_OPEN);
    ASSERT_EQ(Run("append --speaker Ada --verb said --content cobalt --at 2025").exit_code, 0);
    Result busy = Run("search cobalt");  // through the server: its index is behind
    EXPECT_EQ(busy.exit_code, 2) << busy.err;
    EXPECT_THAT(busy.err, HasSubstr("try again"));
    EXPECT_EQ(Seqs("rare --as-of 12"), rare);  // a point the index answers for
    EXPECT_EQ(StopServer(s), 0) << ReadFile(s.log);
  }
  EXPECT_THAT(ReadFile(s.log), Not(HasSubstr("not kept up to date")));
  EXPECT_EQ(Seqs("cobalt"), (std::vector<std::string>{"13"}));  // the next search catches up
}

// Someone who may read a store but not write it searches its index as it
// stands; when it must be caught up first, the error says the index cannot
// be written, not that another writer holds it (Xapian reports both as a
// lock error).
TEST_F(CliSearchTest, AnIndexThatCannotBeWrittenIsNotCalledBusy) {
  if (geteuid() != 0) GTEST_SKIP() << "runs the CLI as another user: needs root";
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  ASSERT_FALSE(Seqs("rare").empty());  // the index is made, by root
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec |
                                         std::filesystem::perms::others_read |
                                         std::filesystem::perms::others_exec);
  const std::string nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
  if (std::system((nobody + " " + Quote(CliPath()) + " --version >/dev/null 2>&1").c_str()) != 0)
    GTEST_SKIP() << "the CLI cannot run as uid 65534 here";
  Result probe = RunShell(db_, "search rare --format csv", nobody, "</dev/null");
  EXPECT_EQ(probe.exit_code, 0) << probe.err;  // a current index is only read
  EXPECT_EQ(Lines(probe.out).size(), Seqs("rare").size() + 1);
  {
    // Held, so that the append leaves the index behind for the search.
    Xapian::WritableDatabase held((db_ / "search" / "english").string(), Xapian::DB_OPEN);
    ASSERT_EQ(Run("append --speaker Ada --verb said --content cobalt --at 2025").exit_code, 0);
  }
  Result r = RunShell(db_, "search cobalt", nobody, "</dev/null");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("cannot be written"));
  EXPECT_THAT(r.err, Not(HasSubstr("another writer")));
}

// Without a server, the commands that write keep the store's indexes up
// with the log: the index answers for the head before anyone searches.
// One another process holds is left for its next search, with a note.
TEST_F(CliSearchTest, WritingCommandsKeepTheIndexesUpWithoutAServer) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  ASSERT_FALSE(Seqs("rare").empty());  // the index is made
  const std::string index = (db_ / "search" / "english").string();
  const auto checkpoint = [&] {
    return Xapian::Database(index).get_metadata("annals.checkpoint");
  };
  ASSERT_EQ(checkpoint(), "12");
  for (const auto& [command, head] : std::vector<std::pair<std::string, std::string>>{
           {"append --speaker Ada --verb said --content cobalt --at 2025", "13"},
           {"correct 13 --content 'cobalt and nickel' --reason typo", "14"},
           {"alias Ada 'Ada Lovelace'", "15"},
           {"retract 13 --reason withdrawn", "16"},
           {"import - --format jsonl", "17"}}) {
    SCOPED_TRACE(command);
    Result r = Run(command, "{\"speaker\":\"Bo\",\"verb\":\"said\",\"content\":\"zinc\","
                            "\"occurred_at\":\"2025\"}\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(checkpoint(), head);
  }
  {
    Xapian::WritableDatabase held(index, Xapian::DB_OPEN);
    Result r = Run("append --speaker Ada --verb said --content tin --at 2025");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("held by another process"));
    EXPECT_EQ(r.out, "18\n");
  }
  EXPECT_EQ(checkpoint(), "17");
  Result dry = Run("import - --format jsonl --dry-run",
                   "{\"speaker\":\"Cy\",\"verb\":\"said\",\"content\":\"lead\","
                   "\"occurred_at\":\"2025\"}\n");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(checkpoint(), "17");  // a dry run writes nothing, the index included
  EXPECT_EQ(Seqs("tin"), (std::vector<std::string>{"18"}));
  EXPECT_EQ(checkpoint(), "18");
}

TEST_F(CliSearchTest, TablesEscapeStoredControlCharacters) {
  const std::string line =
      "{\"speaker\":\"Mallory\",\"verb\":\"said\",\"occurred_at\":\"2025\","
      "\"content\":\"cobalt \\u001b[2J\\u202e deal\"}\n";
  ASSERT_EQ(Run("import - --format jsonl", line).exit_code, 0);
  Result r = Run("search cobalt");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("\x1b")));
  EXPECT_THAT(r.out, HasSubstr("\\x1b[2J"));
  EXPECT_THAT(r.out, HasSubstr("\\u202e"));
}

TEST_F(CliSearchTest, ErrorsHaveTheirExitCodes) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Result bad = Run("search 'rare AND'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("search"));
  EXPECT_EQ(Run("search rare --lang klingon").exit_code, 1);
  EXPECT_EQ(Run("search rare --as-of 99").exit_code, 1);
  EXPECT_EQ(Run("search rare", "", "/dev/full").exit_code, 2);
  Result none = Run("search nothingmatchesthis");
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.out, HasSubstr("(no matches)"));
  EXPECT_EQ(RunOn(dir_ / "nowhere", "search rare").exit_code, 1);
}

}  // namespace
}  // namespace annals::test
