// End-to-end tests of the `annals` binary: each runs the real CLI against a
// real store in a fresh temporary directory.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "annals/json.h"
#include "annals/statement.h"
#include "gmock/gmock.h"
#include "tools/cli_harness.h"
#include "gtest/gtest.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using test::kSample;
using test::Lines;
using test::Quote;
using test::ReadFile;
using test::Result;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-cli-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `annals --db <store> ARGS` (ARGS already shell-quoted as needed),
  // optionally feeding `stdin_text`.
  Result Run(const std::string& args, const std::string& stdin_text = "") {
    fs::path out = dir_ / "stdout", err = dir_ / "stderr", in = dir_ / "stdin";
    std::ofstream(in, std::ios::binary) << stdin_text;
    std::string cmd = Quote(ANNALS_CLI_PATH) + " --db " + Quote(db_.string()) +
                      " " + args + " <" + Quote(in.string()) + " >" +
                      Quote(out.string()) + " 2>" + Quote(err.string());
    int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  fs::path dir_;
  fs::path db_;
};

TEST_F(CliTest, ImportSampleThenLogJsonlGivesBackEveryField) {
  Result imp = Run("import " + Quote(kSample));
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_THAT(imp.out, HasSubstr("read 12, imported 12, duplicates 0, rejected 0"));

  Result log = Run("log --format jsonl");
  ASSERT_EQ(log.exit_code, 0) << log.err;
  std::vector<std::string> want = Lines(ReadFile(kSample));
  std::vector<std::string> got = Lines(log.out);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    auto w = ParseStatementJson(want[i]);
    auto g = ParseStatementJson(got[i]);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE(g.ok()) << g.status() << "\n" << got[i];
    // Field by field, so a failure names the field.
    EXPECT_EQ(g->id, w->id);
    EXPECT_EQ(g->speaker, w->speaker);
    EXPECT_EQ(g->targets, w->targets);
    EXPECT_EQ(g->verb, w->verb);
    EXPECT_EQ(g->code, w->code);
    EXPECT_EQ(g->event_type, w->event_type);
    EXPECT_EQ(g->topics, w->topics);
    EXPECT_EQ(g->content, w->content);
    EXPECT_EQ(g->quote, w->quote);
    EXPECT_EQ(g->occurred_at, w->occurred_at);
    EXPECT_EQ(g->source, w->source);
    // Import adds its provenance (import.format, .file, .line) after the
    // row's own attributes.
    std::vector<Attribute> own = g->attributes;
    std::erase_if(own, [](const Attribute& a) { return a.key.starts_with("import."); });
    EXPECT_EQ(own, w->attributes);
    EXPECT_THAT(g->attributes,
                ::testing::Contains(Attribute{"import.line", std::to_string(i + 1)}));
    EXPECT_THAT(got[i], StartsWith("{\"seq\":" + std::to_string(i + 1) + ","));
    EXPECT_THAT(got[i], HasSubstr("\"kind\":\"statement\""));
    EXPECT_THAT(got[i], HasSubstr("\"recorded_at\":\""));
  }
  // The sample keeps CAMEO codes' leading zeros.
  EXPECT_THAT(log.out, HasSubstr("\"code\":\"046\""));
}

TEST_F(CliTest, ReimportAddsNothingAlsoAfterRestart) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  // Each CLI run is a fresh process: this is the restart case.
  Result again = Run("import " + Quote(kSample));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("read 12, imported 0, duplicates 12, rejected 0"));
  Result stats = Run("stats");
  EXPECT_THAT(stats.out, HasSubstr("events          12\n"));
}

TEST_F(CliTest, BadLineIsReportedWithItsLineNumberAndExitsOne) {
  std::vector<std::string> sample = Lines(ReadFile(kSample));
  std::string bad = "{\"speaker\":\"X\",\"verb\":\"said\",\"occurred_at\":\"2025-02-30\","
                    "\"content\":\"c\"}";
  fs::path in = Write("in.jsonl", sample[0] + "\n" + bad + "\n" + sample[1] + "\n");
  Result r = Run("import --rejects " + Quote((dir_ / "rej.jsonl").string()) + " " +
                 Quote(in.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(in.string() + ":2: occurred_at: "));
  EXPECT_THAT(r.out, HasSubstr("read 3, imported 2, duplicates 0, rejected 1"));
  EXPECT_EQ(ReadFile(dir_ / "rej.jsonl"), bad + "\n");
  EXPECT_EQ(Lines(Run("log --format jsonl").out).size(), 2u);
}

TEST_F(CliTest, StrictImportsNothingWhenAnyLineIsBad) {
  std::vector<std::string> sample = Lines(ReadFile(kSample));
  fs::path in = Write("in.jsonl", sample[0] + "\n{\"speaker\": 5}\n");
  Result r = Run("import --strict " + Quote(in.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(":2: speaker: expected a string"));
  EXPECT_THAT(r.out, HasSubstr("imported 0"));
  Result log = Run("log --format jsonl");
  EXPECT_EQ(log.out, "");
}

TEST_F(CliTest, ImportReadsStandardInput) {
  Result r = Run("import -", ReadFile(kSample));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("-: read 12, imported 12"));
}

TEST_F(CliTest, AppendPrintsSeqAndShowFindsItBySeqAndId) {
  Result a = Run("append --speaker 'Donald Trump' --verb accused "
                 "--target 'Volodymyr Zelensky' --code 112 --at 2025-03-30 "
                 "--content 'Accused him of backing out of the deal' "
                 "--topic 'rare earth metals' --outlet 'The Moscow Times' --id t-1");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, "1\n");
  Result again = Run("append --speaker 'Donald Trump' --verb accused "
                 "--target 'Volodymyr Zelensky' --code 112 --at 2025-03-30 "
                 "--content 'Accused him of backing out of the deal' "
                 "--topic 'rare earth metals' --outlet 'The Moscow Times' --id t-1");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "1\n");
  EXPECT_THAT(again.err, HasSubstr("already stored"));
  // The same id for something else is refused, naming the stored seq.
  Result other = Run("append --speaker 'Donald Trump' --verb accused "
                     "--content 'Something else' --at 2025-03-30 --id t-1");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(other.out, "");
  EXPECT_THAT(other.err, HasSubstr("id 't-1' already names a different statement (seq 1)"));
  EXPECT_THAT(other.err, HasSubstr("annals correct 1"));

  Result by_seq = Run("show 1 --format jsonl");
  Result by_id = Run("show t-1 --format jsonl");
  EXPECT_EQ(by_seq.exit_code, 0);
  EXPECT_EQ(by_seq.out, by_id.out);
  EXPECT_THAT(by_seq.out, HasSubstr("\"occurred_at\":\"2025-03-30\""));
  EXPECT_THAT(by_seq.out, HasSubstr("\"targets\":[\"Volodymyr Zelensky\"]"));

  Result missing = Run("show 7");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no event with seq 7"));
}

TEST_F(CliTest, AppendRejectsAnInvalidStatementNamingTheField) {
  Result r = Run("append --speaker X --content 'no verb or code' --at 2025");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("verb: a statement needs a verb or a code"));
  Result bad_date = Run("append --speaker X --verb said --content c --at 2025-13");
  EXPECT_EQ(bad_date.exit_code, 1);
  EXPECT_THAT(bad_date.err, HasSubstr("--at"));
  EXPECT_FALSE(fs::exists(db_ / "CURRENT"));  // nothing was created
}

TEST_F(CliTest, CsvHasHeaderAndRfc4180Quoting) {
  ASSERT_EQ(Run("append --speaker 'A, B' --verb said --at 2025-01-02 "
                "--content 'He said \"no\", twice'").exit_code, 0);
  Result csv = Run("log --format csv");
  ASSERT_EQ(csv.exit_code, 0);
  std::vector<std::string> lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "seq,recorded_at,kind,id,speaker,targets,verb,code,event_type,topics,"
            "content,quote,occurred_at,source_outlet,source_url,"
            "source_published_at,source_via,attributes,target,reason,alias,"
            "canonical,event_id\r");
  EXPECT_THAT(lines[1], HasSubstr(",\"A, B\",,said,"));
  EXPECT_THAT(lines[1], HasSubstr(",\"He said \"\"no\"\", twice\","));
}

TEST_F(CliTest, TableFitsOneHundredColumns) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  ASSERT_EQ(Run("append --speaker 'Владимир Путин' --verb 'заявил' --at 2025 "
                "--content '" + std::string(300, 'x') + "'").exit_code, 0);
  Result t = Run("log");
  ASSERT_EQ(t.exit_code, 0);
  std::vector<std::string> lines = Lines(t.out);
  ASSERT_EQ(lines.size(), 14u);  // header + 13 events
  for (const std::string& line : lines) {
    size_t cols = 0;  // code points; the table uses no wide characters here
    for (unsigned char c : line) cols += (c & 0xC0) != 0x80;
    EXPECT_LE(cols, 100u) << line;
  }
  EXPECT_THAT(lines[0], StartsWith("SEQ"));
  EXPECT_THAT(t.out, HasSubstr("Владимир Путин"));
}

TEST_F(CliTest, LogFromAndLimit) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Result r = Run("log --from-seq 5 --limit 3 --format jsonl");
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("{\"seq\":5,"));
  EXPECT_THAT(lines[2], StartsWith("{\"seq\":7,"));
}

TEST_F(CliTest, StatsReportsCountHeadAndTimeRange) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Result s = Run("stats");
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_THAT(s.out, HasSubstr("events          12\n"));
  EXPECT_THAT(s.out, HasSubstr("head seq        12\n"));
  EXPECT_THAT(s.out, HasSubstr("first occurred  2025-02\n"));
  EXPECT_THAT(s.out, HasSubstr("last occurred   2025-03-31\n"));
  EXPECT_THAT(s.out, HasSubstr("size on disk"));
}

TEST_F(CliTest, ExitStatusesForMissingStoreAndStorageErrors) {
  Result missing = Run("log");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no store at"));
  // A store path that is a plain file is a storage problem: exit 2.
  std::ofstream(db_) << "not a store";
  Result file = Run("append --speaker X --verb said --content c --at 2025");
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_THAT(file.err, HasSubstr("not a directory"));
}

TEST_F(CliTest, DbComesFromEnvironmentWhenNoFlag) {
  std::string env_db = (dir_ / "from-env").string();
  std::string cmd = "ANNALS_DB=" + Quote(env_db) + " " + Quote(ANNALS_CLI_PATH) +
                    " append --speaker X --verb said --content c --at 2025 >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_TRUE(fs::exists(fs::path(env_db) / "CURRENT"));
}

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* c : {"", "import", "append", "log", "show", "stats"}) {
    Result r = Run(std::string(c) + " --help");
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_THAT(r.out, HasSubstr("Usage")) << c;
  }
  Result unknown = Run("frobnicate");
  EXPECT_EQ(unknown.exit_code, 1);
}

}  // namespace
}  // namespace annals
