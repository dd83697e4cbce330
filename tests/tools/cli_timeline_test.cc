// End-to-end tests of the timeline and projection commands of the `annals`
// binary (timeline, alias, correct, retract, actors, topics, projections,
// rebuild, projection create/query/drop): each runs the real CLI against a
// real store in a fresh temporary directory, on the bundled sample.
//
// The sample (tools/samples/rare-earths-talks.jsonl), by seq:
//   1-3  Kirill Dmitriev -> United States, 2025-03-31
//   4-5  Vladimir Putin -> United States, 2025-02;  6 Putin -> Ukraine, 2025-02
//   7    Donald Trump -> Volodymyr Zelensky, 2025-03 (pressured, 1011)
//   8    Donald Trump -> Volodymyr Zelensky, 2025-03-30 (accused, 112)
//   9    Donald Trump -> Russia, 2025-03-30 (threatened, 1312)
//   10   Vladimir Putin -> Volodymyr Zelensky, Ukraine, 2025-03 (demanded)
//   11   Russian Natural Resources Ministry, 2025-03-31
//   12   The Moscow Times -> Russia, 2025-03-31
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tools/cli_harness.h"
#include "gtest/gtest.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using test::kSample;
using test::Lines;
using test::Quote;
using test::ReadFile;
using test::Result;

// The seq of each jsonl line ({"seq":N,...}), in order.
std::vector<uint64_t> Seqs(const std::string& jsonl) {
  std::vector<uint64_t> out;
  for (const std::string& line : Lines(jsonl)) {
    if (line.rfind("{\"seq\":", 0) != 0) {
      ADD_FAILURE() << "not a jsonl event: " << line;
      continue;
    }
    out.push_back(std::stoull(line.substr(7)));
  }
  return out;
}

// The jsonl line of seq `seq`, or "".
std::string LineOf(const std::string& jsonl, uint64_t seq) {
  for (const std::string& line : Lines(jsonl))
    if (line.rfind("{\"seq\":" + std::to_string(seq) + ",", 0) == 0) return line;
  return "";
}

class CliTimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-cli-timeline-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `annals --db <store> ARGS` (ARGS already shell-quoted as needed).
  Result Run(const std::string& args) {
    fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    std::string cmd = Quote(test::CliPath()) + " --db " + Quote(db_.string()) + " " +
                      args + " </dev/null >" + Quote(out.string()) + " 2>" +
                      Quote(err.string());
    int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  void ImportSample() {
    Result r = Run("import " + Quote(kSample));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  fs::path dir_;
  fs::path db_;
};

TEST_F(CliTimelineTest, ActorTimelineMatchesNormalisedNameInOccurredOrder) {
  ImportSample();
  Result r = Run("timeline --actor 'donald  TRUMP' --format jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 7 (2025-03) sorts before 8 and 9 (2025-03-30): a month before its days.
  EXPECT_THAT(Seqs(r.out), ElementsAre(7, 8, 9));
  for (const std::string& line : Lines(r.out)) {
    EXPECT_THAT(line, HasSubstr("\"speaker\":\"Donald Trump\""));
    EXPECT_THAT(line, HasSubstr("\"kind\":\"statement\""));
    EXPECT_THAT(line, HasSubstr("\"recorded_at\":\""));
    EXPECT_THAT(line, HasSubstr(",\"status\":\"active\",\"role\":\"speaker\"}"));
  }
  EXPECT_THAT(LineOf(r.out, 8),
              HasSubstr("\"quote\":\"trying to back out of the rare earth deal\""));

  Result reversed = Run("timeline --actor 'Donald Trump' --reverse --format jsonl");
  EXPECT_THAT(Seqs(reversed.out), ElementsAre(9, 8, 7));

  Result table = Run("timeline --actor 'Donald Trump'");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], StartsWith("SEQ"));
  EXPECT_THAT(lines[1], StartsWith("7 "));
  EXPECT_THAT(lines[3], AllOf(StartsWith("9 "), HasSubstr("threatened")));

  Result csv = Run("timeline --actor 'Donald Trump' --format csv");
  lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], HasSubstr(",attributes,status,role\r"));
  EXPECT_THAT(lines[1], HasSubstr(",active,speaker\r"));
}

TEST_F(CliTimelineTest, RoleSelectsSpeakerOrTarget) {
  ImportSample();
  Result target = Run("timeline --actor 'Volodymyr Zelensky' --role target --format jsonl");
  ASSERT_EQ(target.exit_code, 0) << target.err;
  EXPECT_THAT(Seqs(target.out), ElementsAre(7, 10, 8));
  for (const std::string& line : Lines(target.out))
    EXPECT_THAT(line, HasSubstr("\"role\":\"target\""));

  Result speaker = Run("timeline --actor 'Volodymyr Zelensky' --role speaker");
  EXPECT_EQ(speaker.exit_code, 0);
  EXPECT_EQ(speaker.out, "(no statements)\n");
  EXPECT_EQ(Run("timeline --actor 'Volodymyr Zelensky' --role speaker --format jsonl").out,
            "");

  Result any = Run("timeline --actor 'Vladimir Putin' --format jsonl");
  EXPECT_THAT(Seqs(any.out), ElementsAre(4, 5, 6, 10));
}

TEST_F(CliTimelineTest, TopicTimelineWithDateRange) {
  ImportSample();
  Result war = Run("timeline --topic 'ukraine WAR' --format jsonl");
  ASSERT_EQ(war.exit_code, 0) << war.err;
  EXPECT_THAT(Seqs(war.out), ElementsAre(5, 10));
  EXPECT_THAT(war.out, Not(HasSubstr("\"role\"")));  // actor timelines only
  EXPECT_THAT(war.out, HasSubstr("\"status\":\"active\"}"));

  // --to covers its whole day; 2025-03 (month precision) starts the month.
  Result range = Run("timeline --topic 'rare earth metals' --from 2025-03 --to 2025-03-30 "
                     "--format jsonl");
  ASSERT_EQ(range.exit_code, 0) << range.err;
  EXPECT_THAT(Seqs(range.out), ElementsAre(7, 8));
  Result from = Run("timeline --topic 'rare earth metals' --from 2025-03-31 --format jsonl");
  EXPECT_THAT(Seqs(from.out), ElementsAre(1, 2, 3, 11, 12));
  Result to = Run("timeline --topic 'rare earth metals' --to 2025-02 --format jsonl");
  EXPECT_THAT(Seqs(to.out), ElementsAre(4, 6));
}

TEST_F(CliTimelineTest, LimitPrintsACursorThatContinues) {
  ImportSample();
  Result all = Run("timeline --topic 'rare earth metals' --format jsonl");
  std::vector<uint64_t> want = Seqs(all.out);
  ASSERT_EQ(want.size(), 9u);

  Result first = Run("timeline --topic 'rare earth metals' --limit 4");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Lines(first.out).size(), 5u);  // header + 4
  size_t at = first.err.find("--cursor ");
  ASSERT_NE(at, std::string::npos) << first.err;
  std::string rest = first.err.substr(at);
  rest = rest.substr(0, rest.find('\n'));  // "--cursor C --as-of N"

  Result next = Run("timeline --topic 'rare earth metals' --format jsonl " + rest);
  ASSERT_EQ(next.exit_code, 0) << next.err;
  std::vector<uint64_t> got = Seqs(Run("timeline --topic 'rare earth metals' --limit 4 "
                                       "--format jsonl").out);
  for (uint64_t s : Seqs(next.out)) got.push_back(s);
  EXPECT_EQ(got, want);
  // jsonl output carries no hint.
  EXPECT_EQ(Run("timeline --topic 'rare earth metals' --limit 4 --format jsonl").err, "");
}

TEST_F(CliTimelineTest, AliasMergesNamesUnderTheCanonicalOne) {
  ImportSample();
  Result a = Run("alias Trump 'Donald Trump'");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, "13\n");
  Result again = Run("alias Trump 'Donald Trump'");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "13\n");
  EXPECT_THAT(again.err, HasSubstr("already stored"));

  // A statement recorded under the alias joins the canonical timeline.
  ASSERT_EQ(Run("append --speaker Trump --verb said --at 2025-04-01 "
                "--content 'Said something later' --id later").exit_code, 0);
  for (const char* name : {"trump", "'Donald Trump'"}) {
    Result r = Run(std::string("timeline --actor ") + name + " --format jsonl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(Seqs(r.out), ElementsAre(7, 8, 9, 14)) << name;
    for (const std::string& line : Lines(r.out))
      EXPECT_THAT(line, HasSubstr("\"speaker\":\"Donald Trump\""));
  }
  Result bad = Run("alias Trump trump");
  EXPECT_EQ(bad.exit_code, 1);
}

TEST_F(CliTimelineTest, CorrectReplacesOnlyTheFieldsGiven) {
  ImportSample();
  Result c = Run("correct 8 --content 'Trump said Zelensky was backing out.' "
                 "--reason 'closer paraphrase'");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "13\n");
  Result dup = Run("correct 8 --content 'Trump said Zelensky was backing out.' "
                   "--reason 'closer paraphrase'");
  EXPECT_EQ(dup.exit_code, 0) << dup.err;
  EXPECT_EQ(dup.out, "13\n");
  EXPECT_THAT(dup.err, HasSubstr("already stored"));

  Result r = Run("timeline --actor 'Donald Trump' --format jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Seqs(r.out), ElementsAre(7, 8, 9));
  std::string line = LineOf(r.out, 8);
  EXPECT_THAT(line, HasSubstr("\"content\":\"Trump said Zelensky was backing out.\""));
  EXPECT_THAT(line, HasSubstr("\"quote\":\"trying to back out of the rare earth deal\""));
  EXPECT_THAT(line, HasSubstr("\"code\":\"112\""));
  EXPECT_THAT(line, HasSubstr("\"id\":\"mt-2025-03-31-rare-earths-08\""));
  EXPECT_THAT(line, HasSubstr("\"status\":\"corrected\""));
  EXPECT_THAT(LineOf(r.out, 7), HasSubstr("\"status\":\"active\""));
  EXPECT_THAT(Run("timeline --actor 'Donald Trump'").out, HasSubstr("[corrected] Trump said"));

  // The log itself is unchanged: seq 8 still reads as first stated in its
  // history; show gives the current values (17.4).
  EXPECT_THAT(Run("show 8 --history --format jsonl").out,
              HasSubstr("attempting to withdraw from the rare earth agreement"));
  EXPECT_THAT(Run("show 8 --format jsonl").out, HasSubstr("trying to back out"));

  // A repeatable flag replaces the whole list.
  ASSERT_EQ(Run("correct 8 --target 'Ukraine' --target 'European Union' --reason r").exit_code, 0);
  Result eu = Run("timeline --actor 'european union' --format jsonl");
  EXPECT_THAT(Seqs(eu.out), ElementsAre(8));
  EXPECT_THAT(eu.out, HasSubstr("\"targets\":[\"Ukraine\",\"European Union\"]"));
  EXPECT_THAT(eu.out, HasSubstr("\"role\":\"target\""));
  EXPECT_THAT(Seqs(Run("timeline --actor 'Volodymyr Zelensky' --format jsonl").out),
              ElementsAre(7, 10));

  EXPECT_EQ(Run("correct 8 --reason r").exit_code, 1);  // no field given
  EXPECT_EQ(Run("correct 99 --content x --reason r").exit_code, 1);
  EXPECT_EQ(Run("correct 8 --at 2025-13 --reason r").exit_code, 1);
  EXPECT_EQ(Run("correct abc --content x --reason r").exit_code, 1);
}

TEST_F(CliTimelineTest, RetractHidesUnlessIncluded) {
  ImportSample();
  Result missing_reason = Run("retract 9");
  EXPECT_EQ(missing_reason.exit_code, 1);
  Result r = Run("retract 9 --reason 'misattributed'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "13\n");

  EXPECT_THAT(Seqs(Run("timeline --actor 'Donald Trump' --format jsonl").out),
              ElementsAre(7, 8));
  Result incl = Run("timeline --actor 'Donald Trump' --include-retracted --format jsonl");
  ASSERT_EQ(incl.exit_code, 0) << incl.err;
  EXPECT_THAT(Seqs(incl.out), ElementsAre(7, 8, 9));
  EXPECT_THAT(LineOf(incl.out, 9), HasSubstr("\"status\":\"retracted\""));
  EXPECT_THAT(Run("timeline --actor 'Donald Trump' --include-retracted").out,
              HasSubstr("[retracted] "));

  Result twice = Run("retract 9 --reason again");
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_THAT(twice.err, HasSubstr("retract"));
  EXPECT_EQ(Run("correct 9 --content x --reason r").exit_code, 1);  // retracted
  EXPECT_EQ(Run("retract 99 --reason x").exit_code, 1);
}

TEST_F(CliTimelineTest, AsOfReproducesThePastByteForByte) {
  ImportSample();
  ASSERT_EQ(Run("correct 8 --content 'Corrected paraphrase.' --reason r").exit_code, 0);  // 13
  Result before = Run("timeline --actor 'Donald Trump' --as-of 12 --format jsonl");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(Seqs(before.out), ElementsAre(7, 8, 9));
  EXPECT_THAT(LineOf(before.out, 8),
              AllOf(HasSubstr("attempting to withdraw from the rare earth agreement"),
                    HasSubstr("\"status\":\"active\"")));
  Result at13 = Run("timeline --actor 'Donald Trump' --as-of 13 --format jsonl");
  EXPECT_THAT(LineOf(at13.out, 8),
              AllOf(HasSubstr("Corrected paraphrase."), HasSubstr("\"status\":\"corrected\"")));

  // Everything appended later leaves the past answer unchanged.
  ASSERT_EQ(Run("retract 9 --reason gone").exit_code, 0);
  ASSERT_EQ(Run("alias 'The Donald' 'Donald Trump'").exit_code, 0);
  ASSERT_EQ(Run("append --speaker 'Donald Trump' --verb said --at 2025-03 "
                "--content 'Another one'").exit_code, 0);
  ASSERT_EQ(Run("correct 7 --verb urged --reason r").exit_code, 0);
  Result again = Run("timeline --actor 'Donald Trump' --as-of 12 --format jsonl");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, before.out);
  EXPECT_EQ(Run("timeline --actor 'Donald Trump' --as-of 13 --format jsonl").out, at13.out);

  // A time means the end of the period it names.
  Result all = Run("timeline --actor 'Donald Trump' --include-retracted --format jsonl");
  Result future = Run("timeline --actor 'Donald Trump' --include-retracted "
                      "--as-of 9999-12-31 --format jsonl");
  ASSERT_EQ(future.exit_code, 0) << future.err;
  EXPECT_EQ(future.out, all.out);
  Result past = Run("timeline --actor 'Donald Trump' --as-of 2000-01-01 --format jsonl");
  EXPECT_EQ(past.exit_code, 0) << past.err;
  EXPECT_EQ(past.out, "");

  EXPECT_EQ(Run("timeline --actor 'Donald Trump' --as-of 999").exit_code, 1);
  EXPECT_EQ(Run("timeline --actor 'Donald Trump' --as-of yesterday").exit_code, 1);
}

TEST_F(CliTimelineTest, ActorsAndTopicsCounts) {
  ImportSample();
  Result actors = Run("actors");
  ASSERT_EQ(actors.exit_code, 0) << actors.err;
  std::vector<std::string> lines = Lines(actors.out);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], "    5  United States");
  EXPECT_EQ(lines[1], "    4  Vladimir Putin");
  Result top = Run("actors --top 2 --format jsonl");
  EXPECT_EQ(top.out,
            "{\"name\":\"United States\",\"count\":5}\n"
            "{\"name\":\"Vladimir Putin\",\"count\":4}\n");
  Result prefix = Run("actors --prefix 'VLAD' --format csv");
  EXPECT_EQ(prefix.out, "count,name\r\n4,Vladimir Putin\r\n");
  Result topics = Run("topics --prefix rare");
  ASSERT_EQ(topics.exit_code, 0) << topics.err;
  EXPECT_EQ(topics.out, "    9  rare earth metals\n");
  EXPECT_EQ(Run("topics --prefix nothing-like-this").out, "(no topics)\n");
}

// The name shown is the form most current statements wrote as of the
// query point (issue 17), in actors and in a declarative projection's
// counts: as of seq 1 only "UNITED STATES" had been written.
TEST_F(CliTimelineTest, CountsShowTheNameAsWrittenAsOfThePoint) {
  int n = 0;
  for (const char* speaker : {"UNITED STATES", "United States", "United States"})
    ASSERT_EQ(Run(std::string("append --verb said --at 2024 --content c") +
                  std::to_string(++n) + " --speaker '" + speaker + "'")
                  .exit_code,
              0);
  ASSERT_EQ(Run("projection create sp --key speaker").exit_code, 0);
  EXPECT_EQ(Run("actors --as-of 1").out, "    1  UNITED STATES\n");
  // A tie (one each) goes to the form that sorts first bytewise.
  EXPECT_EQ(Run("actors --as-of 2").out, "    2  UNITED STATES\n");
  EXPECT_EQ(Run("actors").out, "    3  United States\n");
  Result past = Run("projection query sp --counts --as-of 1 --format jsonl");
  ASSERT_EQ(past.exit_code, 0) << past.err;
  EXPECT_THAT(past.out, HasSubstr("\"UNITED STATES\""));
  EXPECT_THAT(Run("projection query sp --counts --format jsonl").out,
              HasSubstr("\"United States\""));
  // A correction moves the counts, as of the point after it only.
  ASSERT_EQ(Run("correct 2 --reason r --speaker 'UNITED STATES'").exit_code, 0);
  ASSERT_EQ(Run("correct 3 --reason r --speaker 'UNITED STATES'").exit_code, 0);
  EXPECT_EQ(Run("actors").out, "    3  UNITED STATES\n");
  EXPECT_EQ(Run("actors --as-of 3").out, "    3  United States\n");
}

TEST_F(CliTimelineTest, ProjectionsAreLiveWithNoLagAfterAQuery) {
  ImportSample();
  // A query waits for (only) the projection it reads to catch up.
  ASSERT_EQ(Run("timeline --topic 'rare earth metals'").exit_code, 0);
  ASSERT_EQ(Run("timeline --actor 'Donald Trump'").exit_code, 0);
  Result p = Run("projections --format jsonl");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const char* name : {"actors", "topics"}) {
    bool found = false;
    for (const std::string& line : Lines(p.out)) {
      if (line.find(std::string("\"name\":\"") + name + "\"") == std::string::npos)
        continue;
      found = true;
      EXPECT_THAT(line, HasSubstr("\"state\":\"live\""));
      EXPECT_THAT(line, HasSubstr("\"checkpoint\":12,"));
      EXPECT_THAT(line, HasSubstr("\"head\":12,"));
      EXPECT_THAT(line, HasSubstr("\"lag\":0,"));
    }
    EXPECT_TRUE(found) << name << "\n" << p.out;
  }
  Result table = Run("projections");
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("NAME"));
  EXPECT_THAT(table.out, HasSubstr("\nactors "));
  EXPECT_THAT(table.out, HasSubstr("\ntopics "));
}

TEST_F(CliTimelineTest, RebuildReportsAndKeepsAnswersTheSame) {
  ImportSample();
  Result before = Run("timeline --actor 'Vladimir Putin' --format jsonl");
  Result r = Run("rebuild actors");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(StartsWith("rebuilt actors: 12 events in "), HasSubstr(" s\n")));
  EXPECT_EQ(r.err, "");  // no progress bar when stderr is not a terminal
  EXPECT_EQ(Run("timeline --actor 'Vladimir Putin' --format jsonl").out, before.out);
  Result unknown = Run("rebuild nope");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("nope"));
}

TEST_F(CliTimelineTest, DeclarativeProjectionLifeCycle) {
  ImportSample();
  Result c = Run("projection create accusations --key speaker --where code=11");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_THAT(c.out, AllOf(StartsWith("created accusations (key=speaker where=code=11)"),
                           HasSubstr("1 group;")));

  Result q = Run("projection query accusations 'donald trump' --format jsonl");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_THAT(Seqs(q.out), ElementsAre(8));  // code 112, the accusation
  EXPECT_THAT(q.out, HasSubstr("\"status\":\"active\"}"));
  EXPECT_EQ(Run("projection query accusations 'Vladimir Putin' --format jsonl").out, "");

  Result counts = Run("projection query accusations --counts");
  ASSERT_EQ(counts.exit_code, 0) << counts.err;
  EXPECT_EQ(counts.out, "    1  Donald Trump\n");
  EXPECT_EQ(Run("projection query accusations --counts --format csv").out,
            "count,speaker\r\n1,Donald Trump\r\n");

  Result list = Run("projections");
  EXPECT_THAT(list.out, HasSubstr("key=speaker where=code=11"));

  // Two key fields; groups print joined with " | ".
  ASSERT_EQ(Run("projection create by_month --key speaker,month").exit_code, 0);
  Result month = Run("projection query by_month 'Vladimir Putin' 2025-02 --format jsonl");
  ASSERT_EQ(month.exit_code, 0) << month.err;
  EXPECT_THAT(Seqs(month.out), ElementsAre(4, 5, 6));
  Result top = Run("projection query by_month --counts --top 1 --format jsonl");
  EXPECT_THAT(top.out, HasSubstr("\"count\":3}"));
  EXPECT_EQ(Lines(top.out).size(), 1u);
  EXPECT_THAT(Run("projection query by_month --counts").out,
              HasSubstr("    3  Vladimir Putin | 2025-02\n"));

  EXPECT_EQ(Run("projection create accusations --key speaker").exit_code, 1);  // taken
  EXPECT_EQ(Run("projection create bad --key nonsense").exit_code, 1);
  EXPECT_EQ(Run("projection create 'bad name' --key speaker").exit_code, 1);

  Result drop = Run("projection drop accusations");
  ASSERT_EQ(drop.exit_code, 0) << drop.err;
  EXPECT_EQ(drop.out, "dropped accusations\n");
  EXPECT_EQ(Run("projection query accusations 'Donald Trump'").exit_code, 1);
  EXPECT_EQ(Run("projection drop accusations").exit_code, 1);
  EXPECT_EQ(Run("projection drop actors").exit_code, 1);  // built-in
  EXPECT_THAT(Run("projections").out, Not(HasSubstr("accusations")));
}

TEST_F(CliTimelineTest, BadUsageExitsOne) {
  // No store: nothing found, and none is created.
  Result none = Run("timeline --actor x");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("no store at"));
  EXPECT_EQ(Run("alias a b").exit_code, 1);
  EXPECT_EQ(Run("projection create p --key speaker").exit_code, 1);
  EXPECT_FALSE(fs::exists(db_));

  ImportSample();
  EXPECT_EQ(Run("timeline --actor x --topic y").exit_code, 1);
  EXPECT_EQ(Run("timeline").exit_code, 1);
  EXPECT_EQ(Run("timeline --topic y --role speaker").exit_code, 1);
  EXPECT_EQ(Run("timeline --actor x --role boss").exit_code, 1);
  EXPECT_EQ(Run("timeline --actor x --format xml").exit_code, 1);
  EXPECT_EQ(Run("timeline --actor x --from 2025-13").exit_code, 1);
  EXPECT_EQ(Run("timeline --actor x --to march").exit_code, 1);
  Result unknown = Run("projection query nope a");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("nope"));
  EXPECT_EQ(Run("projection query nope --counts").exit_code, 1);
  EXPECT_EQ(Run("projection query actors").exit_code, 1);  // no KEY
  EXPECT_EQ(Run("projection query actors x --counts").exit_code, 1);
  EXPECT_EQ(Run("projection").exit_code, 1);
  EXPECT_EQ(Run("actors --top x").exit_code, 1);
  // Unknown names are not errors: they have no statements.
  Result nobody = Run("timeline --actor 'Nobody At All'");
  EXPECT_EQ(nobody.exit_code, 0) << nobody.err;
  EXPECT_EQ(nobody.out, "(no statements)\n");
}

TEST_F(CliTimelineTest, TimelineTableFitsOneHundredColumns) {
  ImportSample();
  ASSERT_EQ(Run("correct 10 --content '" + std::string(300, 'y') + "' --reason r").exit_code, 0);
  ASSERT_EQ(Run("retract 5 --reason r").exit_code, 0);
  Result t = Run("timeline --actor 'Vladimir Putin' --include-retracted");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  std::vector<std::string> lines = Lines(t.out);
  ASSERT_EQ(lines.size(), 5u);
  for (const std::string& line : lines) {
    size_t cols = 0;
    for (unsigned char c : line) cols += (c & 0xC0) != 0x80;
    EXPECT_LE(cols, 100u) << line;
  }
  EXPECT_THAT(t.out, HasSubstr("[corrected] yyy"));
  EXPECT_THAT(t.out, HasSubstr("[retracted] "));
  Result p = Run("projections");
  for (const std::string& line : Lines(p.out)) EXPECT_LE(line.size(), 100u) << line;
}

TEST_F(CliTimelineTest, QueriesFallBackToReadOnlyWhileAnotherProcessWrites) {
  ImportSample();
  ASSERT_EQ(Run("timeline --actor x").exit_code, 0);  // projections caught up
  // Hold the store's lock as a writing process would: RocksDB locks LOCK
  // with a POSIX record lock, so taking it here makes every writable Open
  // in the CLI fail as "in use".
  int fd = open((db_ / "LOCK").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  ASSERT_EQ(fcntl(fd, F_SETLK, &lock), 0);

  Result r = Run("timeline --actor 'Donald Trump' --format jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("note: the store is in use by another process"));
  EXPECT_THAT(Seqs(r.out), ElementsAre(7, 8, 9));
  Result counts = Run("actors --top 1");
  EXPECT_EQ(counts.exit_code, 0) << counts.err;
  EXPECT_EQ(counts.out, "    5  United States\n");
  Result query = Run("projection query actors 'Donald Trump' --format jsonl");
  EXPECT_EQ(query.exit_code, 0) << query.err;
  EXPECT_THAT(Seqs(query.out), ElementsAre(7, 8, 9));
  Result write = Run("retract 9 --reason x");
  EXPECT_EQ(write.exit_code, 2);  // a store held elsewhere is a storage error
  EXPECT_THAT(write.err, HasSubstr("in use"));
  EXPECT_EQ(Run("rebuild actors").exit_code, 2);

  close(fd);  // releases the lock
  EXPECT_EQ(Run("retract 9 --reason x").exit_code, 0);
  Result after = Run("timeline --actor 'Donald Trump' --format jsonl");
  EXPECT_EQ(after.err, "");
  EXPECT_THAT(Seqs(after.out), ElementsAre(7, 8));
}

// Every file of the store with its size and modification time.
std::vector<std::string> StoreFiles(const std::filesystem::path& db) {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(db)) {
    struct stat st {};
    if (stat(f.path().c_str(), &st) != 0) continue;
    out.push_back(f.path().filename().string() + " " + std::to_string(st.st_size) + " " +
                  std::to_string(st.st_mtim.tv_sec) + "." +
                  std::to_string(st.st_mtim.tv_nsec));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Issue 19: a query on a store whose projections have applied the whole log
// opens it read-only (no writable open, workers, recovery or flush): it
// leaves every file of the store as it was, and answers the same.
TEST_F(CliTimelineTest, QueriesOnACaughtUpStoreLeaveItsFilesAlone) {
  ImportSample();
  Result first = Run("timeline --actor 'Donald Trump' --format jsonl");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::vector<std::string> before = StoreFiles(db_);
  Result again = Run("timeline --actor 'Donald Trump' --format jsonl");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err, "");  // no "in use" note: nobody else holds it
  EXPECT_EQ(again.out, first.out);
  Result counts = Run("actors --top 1");
  EXPECT_EQ(counts.exit_code, 0) << counts.err;
  EXPECT_EQ(counts.out, "    5  United States\n");
  Result query = Run("projection query actors 'Donald Trump' --format jsonl");
  EXPECT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(Seqs(query.out), Seqs(first.out));
  EXPECT_EQ(StoreFiles(db_), before);
  // A write, then a query: still current (the write's open caught up).
  ASSERT_EQ(Run("retract 9 --reason x").exit_code, 0);
  Result after = Run("timeline --actor 'Donald Trump' --format jsonl");
  EXPECT_EQ(after.err, "");
  EXPECT_THAT(Seqs(after.out), ElementsAre(7, 8));
}

TEST_F(CliTimelineTest, EveryNewCommandHasHelp) {
  for (const char* c : {"timeline", "actors", "topics", "alias", "correct", "retract",
                        "projections", "rebuild", "projection", "projection create",
                        "projection query", "projection drop"}) {
    Result r = Run(std::string(c) + " --help");
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_THAT(r.out, HasSubstr("Usage")) << c;
  }
}


// `log` and `show` say what an amendment amends, under the names of the
// commands' arguments: correct/retract SEQ --reason R, alias ALIAS CANONICAL.
TEST_F(CliTimelineTest, LogAndShowSayWhatEachAmendmentAmends) {
  ImportSample();
  ASSERT_EQ(Run("correct 2 --content 'Corrected content' --reason 'typo in source'").out,
            "13\n");
  ASSERT_EQ(Run("correct 3 --quote 'a new quote' --reason 'new source'").out, "14\n");
  ASSERT_EQ(Run("retract 4 --reason misattributed").out, "15\n");
  ASSERT_EQ(Run("alias Trump 'Donald Trump'").out, "16\n");

  Result jsonl = Run("log --from-seq 12 --format jsonl");
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_THAT(Seqs(jsonl.out), ElementsAre(12, 13, 14, 15, 16));
  // Statements carry none of the amendment fields.
  for (const char* key : {"\"target\":", "\"reason\":", "\"alias\":", "\"canonical\":"})
    EXPECT_THAT(LineOf(jsonl.out, 12), Not(HasSubstr(key)));
  EXPECT_THAT(LineOf(jsonl.out, 13),
              AllOf(HasSubstr("\"kind\":\"correction\""),
                    HasSubstr("\"content\":\"Corrected content\""),
                    HasSubstr(",\"target\":2,\"target_id\":\"mt-2025-03-31-rare-earths-02\","
                              "\"reason\":\"typo in source\"}")));
  EXPECT_THAT(LineOf(jsonl.out, 14),
              HasSubstr(",\"target\":3,\"target_id\":\"mt-2025-03-31-rare-earths-03\","
                        "\"reason\":\"new source\"}"));
  EXPECT_THAT(LineOf(jsonl.out, 15),
              AllOf(HasSubstr("\"kind\":\"retraction\""),
                    HasSubstr(",\"target\":4,\"target_id\":\"mt-2025-03-31-rare-earths-04\","
                              "\"reason\":\"misattributed\"}")));
  EXPECT_THAT(LineOf(jsonl.out, 16),
              AllOf(HasSubstr("\"kind\":\"actor_alias\""),
                    HasSubstr(",\"alias\":\"Trump\",\"canonical\":\"Donald Trump\"}")));
  // `show --format jsonl` is the same line.
  for (int seq : {13, 15, 16}) {
    Result show = Run("show " + std::to_string(seq) + " --format jsonl");
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_EQ(show.out, LineOf(jsonl.out, seq) + "\n");
  }

  // csv: the four columns last, empty for statements.
  Result csv = Run("log --from-seq 12 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::string> rows = Lines(csv.out);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_THAT(rows[0], HasSubstr(",attributes,target,reason,alias,canonical,event_id\r"));
  EXPECT_THAT(rows[1], HasSubstr(",,,,,\r"));
  EXPECT_THAT(rows[2], HasSubstr(",2,typo in source,,,\r"));
  EXPECT_THAT(rows[3], HasSubstr(",3,new source,,,\r"));
  EXPECT_THAT(rows[4], HasSubstr(",4,misattributed,,,\r"));
  EXPECT_THAT(rows[5], HasSubstr(",,,Trump,Donald Trump,\r"));

  // table: the content column says what is amended.
  Result table = Run("log --from-seq 13");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[1], AllOf(StartsWith("13 "), HasSubstr("[corrects 2] Corrected content")));
  EXPECT_THAT(lines[3], AllOf(StartsWith("15 "), HasSubstr("retract"),
                              HasSubstr("[retracts 4] misattributed")));
  EXPECT_THAT(lines[4], AllOf(StartsWith("16 "), HasSubstr("alias"),
                              HasSubstr("Trump = Donald Trump")));

  // show: one line per field.
  Result detail = Run("show 15");
  ASSERT_EQ(detail.exit_code, 0) << detail.err;
  EXPECT_THAT(detail.out, AllOf(HasSubstr("\ntarget        4\n"),
                                HasSubstr("\nreason        misattributed\n")));
  detail = Run("show 16");
  EXPECT_THAT(detail.out, AllOf(HasSubstr("\nalias         Trump\n"),
                                HasSubstr("\ncanonical     Donald Trump\n")));
}

}  // namespace
}  // namespace annals

namespace annals {
namespace {

// Issue 17.2: --counts respects --as-of, --from and --to, as a timeline
// does; so do actors and topics.
TEST_F(CliTimelineTest, CountsRespectAsOfFromAndTo) {
  ImportSample();
  ASSERT_EQ(Run("projection create spk --key speaker").exit_code, 0);
  ASSERT_EQ(Run("retract 8 --reason 'not said'").exit_code, 0);
  ASSERT_EQ(Run("correct 9 --reason 'misattributed' --speaker 'Vladimir Putin'").exit_code, 0);
  auto trump = [&](const std::string& flags) {
    Result r = Run("projection query spk --counts --format csv " + flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& line : Lines(r.out))
      if (line.find(",Donald Trump") != std::string::npos) return line;
    return std::string("none");
  };
  EXPECT_EQ(trump(""), "1,Donald Trump\r");
  EXPECT_EQ(trump("--as-of 12"), "3,Donald Trump\r");
  EXPECT_EQ(trump("--as-of 12 --from 2025-03-30"), "2,Donald Trump\r");
  EXPECT_EQ(trump("--as-of 12 --to 2025-03-29"), "1,Donald Trump\r");
  EXPECT_EQ(trump("--as-of 12 --from 2025-04"), "none");
  // The timeline with the same flags lists as many.
  EXPECT_EQ(Seqs(Run("projection query spk 'Donald Trump' --as-of 12 --from 2025-03-30 "
                     "--format jsonl").out),
            (std::vector<uint64_t>{8, 9}));
  EXPECT_EQ(Run("actors --as-of 12 --prefix 'donald' --format csv").out,
            "count,name\r\n3,Donald Trump\r\n");
  EXPECT_EQ(Run("actors --prefix 'donald' --format csv").out, "count,name\r\n1,Donald Trump\r\n");
  EXPECT_EQ(Run("topics --as-of 3 --to 2025-03 --format csv").exit_code, 0);
  EXPECT_EQ(Run("actors --as-of 99").exit_code, 1);
}

// Issue 17.3: actors and declarative projections merge aliases, shown by
// the canonical name; a query for either name lists both names' rows.
TEST_F(CliTimelineTest, ActorsAndDeclarativeProjectionsMergeAliases) {
  ImportSample();
  ASSERT_EQ(Run("projection create spk --key speaker").exit_code, 0);
  ASSERT_EQ(Run("append --speaker 'UNITED STATES OF AMERICA' --target Russia --verb said "
                "--at 2025-04-01 --content 'a statement by the USA'").exit_code, 0);
  ASSERT_EQ(Run("append --speaker 'Putin' --target Ukraine --verb said "
                "--at 2025-04-02 --content 'a statement by Putin'").exit_code, 0);
  ASSERT_EQ(Run("alias 'UNITED STATES OF AMERICA' 'United States'").exit_code, 0);
  ASSERT_EQ(Run("alias Putin 'Vladimir Putin'").exit_code, 0);
  Result actors = Run("actors --format csv");
  ASSERT_EQ(actors.exit_code, 0) << actors.err;
  EXPECT_THAT(actors.out, HasSubstr("\r\n6,United States\r\n"));
  EXPECT_THAT(actors.out, Not(HasSubstr("UNITED STATES OF AMERICA")));
  EXPECT_THAT(actors.out, HasSubstr("\r\n5,Vladimir Putin\r\n"));
  EXPECT_THAT(actors.out, Not(HasSubstr(",Putin\r")));
  // As of before the aliases, two names each.
  EXPECT_THAT(Run("actors --as-of 14 --format csv").out, HasSubstr("\r\n1,Putin\r\n"));
  Result counts = Run("projection query spk --counts --format csv");
  EXPECT_THAT(counts.out, HasSubstr("\r\n5,Vladimir Putin\r\n"));
  EXPECT_THAT(counts.out, Not(HasSubstr(",Putin\r")));
  Result rows = Run("projection query spk Putin --format jsonl");
  EXPECT_EQ(Seqs(rows.out), (std::vector<uint64_t>{4, 5, 6, 10, 14}));
  EXPECT_THAT(rows.out, Not(HasSubstr("\"speaker\":\"Putin\"")));
  EXPECT_EQ(Seqs(Run("projection query spk 'Vladimir Putin' --as-of 14 --format jsonl").out),
            (std::vector<uint64_t>{4, 5, 6, 10}));
}

// Issue 17.4: show gives a statement's current values, marked, and
// --history every version.
TEST_F(CliTimelineTest, ShowGivesTheCurrentValuesMarked) {
  ImportSample();
  ASSERT_EQ(Run("correct 9 --reason 'misattributed' --speaker 'Vladimir Putin'").exit_code, 0);
  ASSERT_EQ(Run("retract 8 --reason 'not said'").exit_code, 0);
  Result shown = Run("show 9");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, StartsWith("[corrected by 13: misattributed]\n"));
  EXPECT_THAT(shown.out, HasSubstr("Vladimir Putin"));
  EXPECT_THAT(shown.out, Not(HasSubstr("Donald Trump")));
  Result jsonl = Run("show 9 --format jsonl");
  EXPECT_THAT(jsonl.out, HasSubstr("\"speaker\":\"Vladimir Putin\""));
  EXPECT_THAT(jsonl.out, HasSubstr("\"status\":\"corrected\""));
  EXPECT_EQ(Seqs(Run("show 9 --history --format jsonl").out), (std::vector<uint64_t>{9, 13}));
  EXPECT_THAT(Run("show 9 --history").out, HasSubstr("Donald Trump"));
  EXPECT_THAT(Run("show 8").out, StartsWith("[retracted by 14: not said]\n"));
  EXPECT_THAT(Run("show 8 --format jsonl").out, HasSubstr("\"status\":\"retracted\""));
  EXPECT_THAT(Run("show 7").out, Not(StartsWith("[")));
  EXPECT_THAT(Run("show 13 --format jsonl").out, HasSubstr("\"target\":9"));
}

// Issue 17.14: filters on one field are alternatives, on different fields
// all must hold; --where-not negates; an impossible filter is refused.
TEST_F(CliTimelineTest, WhereOnOneFieldMeansEither) {
  ImportSample();
  ASSERT_EQ(Run("projection create either --key speaker --where code=112 --where code=03")
                .exit_code, 0);
  const std::string want =
      "count,speaker\r\n2,Kirill Dmitriev\r\n1,Donald Trump\r\n1,Vladimir Putin\r\n";
  EXPECT_EQ(Run("projection query either --counts --format csv").out, want);
  ASSERT_EQ(Run("projection create listed --key speaker --where code=112,03").exit_code, 0);
  EXPECT_EQ(Run("projection query listed --counts --format csv").out, want);
  ASSERT_EQ(Run("projection create both --key speaker --where code=1 "
                "--where target=Russia").exit_code, 0);
  EXPECT_EQ(Run("projection query both --counts --format csv").out,
            "count,speaker\r\n1,Donald Trump\r\n");
  ASSERT_EQ(Run("projection create nottrump --key speaker --where code=1 "
                "--where-not speaker='donald trump'").exit_code, 0);
  EXPECT_EQ(Run("projection query nottrump --counts --format csv").out,
            "count,speaker\r\n1,Vladimir Putin\r\n");
  EXPECT_THAT(Run("projections --format jsonl").out,
              HasSubstr("key=speaker where=code=1 where-not=speaker=donald trump"));
  Result bad = Run("projection create bad --key speaker --where code=112 --where-not code=11");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("no statement can match"));
}

}  // namespace
}  // namespace annals
