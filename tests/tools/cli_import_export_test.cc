// End-to-end tests of `annals import`, `export` and `codes` with the real
// binary on the real rows in tests/data/.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::Lines;
using test::Quote;
using test::ReadFile;
using test::Result;

const std::string kData = std::string(ANNALS_SOURCE_DIR) + "/tests/data/";

class CliImportExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-cli-io-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result Run(const std::string& args, const fs::path& db) {
    fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    std::string cmd = Quote(ANNALS_CLI_PATH) + " --db " + Quote(db.string()) + " " + args +
                      " </dev/null >" + Quote(out.string()) + " 2>" + Quote(err.string());
    int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }
  Result Run(const std::string& args) { return Run(args, db_); }

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  fs::path dir_, db_;
};

TEST_F(CliImportExportTest, ImportsEveryFormatAndCountsPerFile) {
  Result r = Run("import " + Quote(kData + "gdelt-v2-events.tsv") + " " +
                 Quote(kData + "icews-events.tab") + " " + Quote(kData + "plover-records.json"));
  EXPECT_EQ(r.exit_code, 1);  // the PLOVER DOCUMENT record is rejected
  EXPECT_THAT(r.out, HasSubstr("gdelt-v2-events.tsv: read 20, imported 20, duplicates 0, "
                               "rejected 0 [gdelt]"));
  EXPECT_THAT(r.out, HasSubstr("icews-events.tab: read 30, imported 30, duplicates 0, "
                               "rejected 0 [icews]"));
  EXPECT_THAT(r.out, HasSubstr("plover-records.json: read 11, imported 10, duplicates 0, "
                               "rejected 1 [plover]"));
  EXPECT_THAT(r.out, HasSubstr("total: read 61, imported 60, duplicates 0, rejected 1"));
  EXPECT_THAT(r.err, HasSubstr("plover-records.json:2: date: missing"));

  Result again = Run("import " + Quote(kData + "gdelt-v2-events.tsv"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("read 20, imported 0, duplicates 20, rejected 0"));
}

TEST_F(CliImportExportTest, RejectsGoToStderrAndTheRejectsFileVerbatim) {
  std::string rows = ReadFile(kData + "gdelt-v2-events.tsv");
  std::string first = rows.substr(0, rows.find('\n'));
  std::string bad = first.substr(0, first.rfind('\t'));
  fs::path in = Write("bad.tsv", first + "\n" + bad + "\n");
  fs::path rej = dir_ / "rejects.tsv";
  Result r = Run("import --rejects " + Quote(rej.string()) + " " + Quote(in.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.tsv:2: wrong column count: 60 tab-separated columns, "
                               "expected 57 (GDELT 1.0 backfile), 58 (GDELT 1.0 daily) or 61"));
  EXPECT_EQ(ReadFile(rej), bad + "\n");
  EXPECT_THAT(r.out, HasSubstr("read 2, imported 1, duplicates 0, rejected 1"));
}

TEST_F(CliImportExportTest, NamedFormatMismatchFailsWithWhatWasFound) {
  Result r = Run("import --format icews " + Quote(kData + "gdelt-v2-events.tsv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not icews: expected ICEWS events"));
  EXPECT_THAT(r.err, HasSubstr("found GDELT event rows (61 tab-separated columns)"));
  Result bad = Run("import --format xml " + Quote(kData + "gdelt-v2-events.tsv"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("unknown format \"xml\""));
}

// Issue 17.9: "--format json" was read as PLOVER, and the JSON Lines sample
// gave 12 x "date: missing (a PLOVER record needs a date)".
TEST_F(CliImportExportTest, FormatNamesAreExactAndAMismatchFailsAtOnce) {
  Result json = Run("import --format json " + Quote(test::kSample));
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_THAT(json.err, HasSubstr("unknown format \"json\"; expected auto, jsonl, csv, gdelt, gdelt-mentions, "
                                  "icews, plover or aliases (JSON Lines statements are jsonl; "
                                  "PLOVER/POLECAT JSON records are plover)"));
  EXPECT_FALSE(fs::exists(db_));
  for (const char* other : {"JSONL", "ndjson", "polecat"}) {
    Result r = Run(std::string("import --format ") + other + " " + Quote(test::kSample));
    EXPECT_EQ(r.exit_code, 1) << other;
    EXPECT_THAT(r.err, HasSubstr("unknown format")) << other;
  }
  Result plover = Run("import --format plover " + Quote(test::kSample));
  EXPECT_EQ(plover.exit_code, 1);
  EXPECT_THAT(plover.err, HasSubstr("not plover: expected PLOVER/POLECAT JSON"));
  EXPECT_THAT(plover.err, HasSubstr("found a JSON object with a statement's keys"));
  EXPECT_EQ(Lines(plover.err).size(), 1u);  // at once, not row by row
  // And the other way: PLOVER records named as JSON Lines.
  std::string rec = R"({"id": "x", "date": "2000-01-01", "source": [{"actorText": "A"}], )"
                    R"("event": "ACCUSE", "eventText": "accused", "text": "t"})";
  fs::path lines = Write("plover.jsonl", rec + "\n");
  Result jsonl = Run("import --format jsonl " + Quote(lines.string()));
  EXPECT_EQ(jsonl.exit_code, 1);
  EXPECT_THAT(jsonl.err, HasSubstr("not jsonl: expected JSON Lines"));
  EXPECT_THAT(jsonl.err, HasSubstr("found a JSON object with PLOVER's keys"));
  Result ok = Run("import --format plover " + Quote(lines.string()));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// Issue 17.10: a file rejected row by row printed 1,635 identical lines.
TEST_F(CliImportExportTest, RepeatedRejectionsAreCappedWithACountPerReason) {
  std::string csv = "verb,occurred_at,content\n";
  for (int i = 0; i < 100; ++i) csv += "said,2020,c" + std::to_string(i) + "\n";
  csv += "said,2020\n";
  fs::path in = Write("nospeaker.csv", csv);
  fs::path rej = dir_ / "rejects.csv";
  Result r = Run("import " + Quote(in.string()) + " --rejects " + Quote(rej.string()));
  EXPECT_EQ(r.exit_code, 1);
  std::vector<std::string> err = Lines(r.err);
  ASSERT_EQ(err.size(), 23u) << r.err;
  EXPECT_THAT(err[0], HasSubstr("nospeaker.csv:2: speaker: a statement needs a speaker"));
  EXPECT_THAT(err[19], HasSubstr("nospeaker.csv:21: speaker:"));
  EXPECT_THAT(err[20], HasSubstr("nospeaker.csv: 101 rows rejected, the first 20 shown "
                                 "(--all-errors shows every one); by reason:"));
  EXPECT_EQ(err[21], "  100 rows like line 2: speaker: a statement needs a speaker or a target");
  EXPECT_EQ(err[22], "  1 row like line 102: wrong column count: 2 columns, expected 3 "
                     "(as the header row)");
  EXPECT_EQ(Lines(ReadFile(rej)).size(), 101u);  // every row, as before
  Result all = Run("import --all-errors " + Quote(in.string()));
  EXPECT_EQ(Lines(all.err).size(), 101u);
}

// Issue 17.10: a mentions file was rejected row by row as if it were events;
// issue 21: it imports as mentions, and named as events it is named at once.
TEST_F(CliImportExportTest, AMentionsFileImportsAsMentions) {
  Result r = Run("import " + Quote(kData + "gdelt-v2-mentions.tsv"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("read 5, imported 5, duplicates 0, rejected 0 [gdelt-mentions]"));
  r = Run("import --format gdelt " + Quote(kData + "gdelt-v2-mentions.tsv"));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr("found a GDELT 2.0 mentions file"));
}

TEST_F(CliImportExportTest, JsonlExportRoundTripsAndGdeltExportIsTheInput) {
  ASSERT_EQ(Run("import " + Quote(kData + "icews-events.tab")).exit_code, 0);
  ASSERT_EQ(Run("import " + Quote(kData + "gdelt-v2-events.tsv")).exit_code, 0);
  ASSERT_EQ(Run("retract 3 --reason 'wrong actor'").exit_code, 0);
  Result once = Run("export");
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_EQ(Lines(once.out).size(), 49u);
  fs::path e = Write("export.jsonl", once.out);
  fs::path other = dir_ / "other";
  Result imp = Run("import " + Quote(e.string()), other);
  EXPECT_EQ(imp.exit_code, 0) << imp.err;
  Result twice = Run("export", other);
  EXPECT_EQ(twice.out, once.out);

  Result gdelt = Run("export --format gdelt --from-seq 31");
  ASSERT_EQ(gdelt.exit_code, 0) << gdelt.err;
  EXPECT_EQ(gdelt.out, ReadFile(kData + "gdelt-v2-events.tsv"));
  Result with = Run("export --include-retracted --to-seq 5");
  EXPECT_EQ(Lines(with.out).size(), 5u);
  Result asof = Run("export --as-of 30");
  EXPECT_EQ(Lines(asof.out).size(), 30u);  // before the GDELT rows and the retraction
}

// Issue 17.8: rows not from GDELT were written with their seq as
// GLOBALEVENTID, which collides with real GDELT events on re-import.
TEST_F(CliImportExportTest, GdeltExportOfAMixedStoreRefusesOrLeavesTheOthersOut) {
  ASSERT_EQ(Run("import " + Quote(kData + "icews-events.tab")).exit_code, 0);
  ASSERT_EQ(Run("import " + Quote(kData + "gdelt-v2-events.tsv")).exit_code, 0);
  ASSERT_EQ(Run("import " + Quote(test::kSample)).exit_code, 0);
  fs::path out = dir_ / "out.tsv";
  Result refused = Run("export --format gdelt -o " + Quote(out.string()));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("42 of the 62 statements did not come from GDELT (the "
                                     "first: seq 1, id \"icews:"));
  EXPECT_THAT(refused.err, HasSubstr("--gdelt-only"));
  EXPECT_FALSE(fs::exists(out));  // refused before anything was written
  Result to_stdout = Run("export --format gdelt");
  EXPECT_EQ(to_stdout.exit_code, 1);
  EXPECT_EQ(to_stdout.out, "");

  Result only = Run("export --format gdelt --gdelt-only -o " + Quote(out.string()));
  ASSERT_EQ(only.exit_code, 0) << only.err;
  EXPECT_THAT(only.err, HasSubstr("42 statements not from GDELT left out"));
  EXPECT_EQ(ReadFile(out), ReadFile(kData + "gdelt-v2-events.tsv"));
  // The round trip: into a fresh store, and back into this one (nothing
  // new, no id taken).
  Result fresh = Run("import " + Quote(out.string()), dir_ / "fresh");
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_THAT(fresh.out, HasSubstr("read 20, imported 20, duplicates 0, rejected 0"));
  Result again = Run("import " + Quote(out.string()));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("read 20, imported 0, duplicates 20, rejected 0"));
}

TEST_F(CliImportExportTest, CsvExportLoadsInPandas) {
  if (std::system("/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-pandas is not installed (tools/dev.sh installs it)";
  ASSERT_EQ(Run("import " + Quote(kData + "icews-events.tab")).exit_code, 0);
  ASSERT_EQ(Run("import " + Quote(kData + "plover-records.json")).exit_code, 1);
  fs::path csv = dir_ / "out.csv";
  Result r = Run("export --format csv -o " + Quote(csv.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path script = Write("check.py",
      "import sys, pandas\n"
      "d = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
      "print(len(d), len(d.columns))\n"
      "print(d.loc[0, 'id'], '|', d.loc[0, 'speaker'], '|', d.loc[0, 'code'], '|',\n"
      "      d.loc[0, 'attr.Source Sectors'])\n"
      "row = d[d['id'] == 'plover:PLOVER-GSR01-AGREE-0001'].iloc[0]\n"
      "print(row['attr.source[1].actorText'], '|', row['topics'], '|', row['attr.import.format'])\n");
  std::string cmd = "/usr/bin/python3 " + Quote(script.string()) + " " + Quote(csv.string()) +
                    " >" + Quote((dir_ / "py.out").string()) + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir_ / "py.out");
  std::vector<std::string> out = Lines(ReadFile(dir_ / "py.out"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_THAT(out[0], ::testing::StartsWith("40 "));
  EXPECT_EQ(out[1], "icews:32889836:2018-06-01 | Foreign Affairs (Bangladesh) | 040 | "
                    "Executive,Foreign Ministry,Government");
  EXPECT_EQ(out[2], "Romanian | refugees | plover");
}

TEST_F(CliImportExportTest, CodesListsTheCodebook) {
  Result r = Run("codes 106");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("106   10   3      -5.0  Demand withdrawal"));
  Result all = Run("codes --format csv");
  EXPECT_EQ(Lines(all.out).size(), 312u);
  Result none = Run("codes 99");
  EXPECT_EQ(none.exit_code, 1);
  Result help = Run("export --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--include-retracted"));
}

}  // namespace
}  // namespace annals
