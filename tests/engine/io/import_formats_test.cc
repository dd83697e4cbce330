// ImportFile on real rows of each format (tests/data/, see PROVENANCE.md)
// into a real store: field-by-field mapping of hand-checked rows, per-file
// counts, idempotent re-import, every rejection reason, format detection,
// compressed input, and export round trips.
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_format.h"
#include "annals/cameo.h"
#include "annals/export.h"
#include "annals/import.h"
#include "engine/io/import_test_util.h"
#include "engine/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/gdelt_columns.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using test::Attr;
using test::Day;
using test::JoinTabs;
using test::kData;
using test::kShared;
using test::Slurp;
using test::SplitLines;
using test::SplitTabs;

class ImportFormatsTest : public test::ImportStoreTest {
 protected:

  absl::StatusOr<ImportSummary> Import(const std::string& path,
                                       ImportFormat format = ImportFormat::kAuto,
                                       ImportOptions options = {}) {
    options.format = format;
    rejects_.clear();
    return ImportFile(*engine_, path, options, [&](const RejectedLine& r) {
      rejects_.push_back({r.line, r.reason, std::string(r.text)});
    });
  }

  // The stored statement with this id.
  Statement ById(const std::string& id) {
    auto seq = engine_->FindById(id);
    EXPECT_TRUE(seq.ok()) << id << ": " << seq.status();
    if (!seq.ok()) return {};
    auto e = engine_->Get(*seq);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? e->statement : Statement{};
  }

  std::string ExportAll(ExportOptions o = {}) {
    std::string out;
    auto sum = Export(*engine_, o, [&](std::string_view t) {
      out.append(t);
      return absl::OkStatus();
    });
    EXPECT_TRUE(sum.ok()) << sum.status();
    return out;
  }

  struct Reject {
    uint64_t line;
    std::string reason;
    std::string text;
  };

  std::vector<Reject> rejects_;
};

void ExpectCounts(const ImportSummary& s, uint64_t read, uint64_t imported,
                  uint64_t duplicates, uint64_t rejected) {
  EXPECT_EQ(s.read, read);
  EXPECT_EQ(s.imported, imported);
  EXPECT_EQ(s.duplicates, duplicates);
  EXPECT_EQ(s.rejected, rejected);
  EXPECT_EQ(s.read, s.imported + s.duplicates + s.rejected + s.held_back);
}

// --- GDELT ---

TEST_F(ImportFormatsTest, GdeltV2RowsMapFieldByField) {
  auto sum = Import(kData + "gdelt-v2-events.tsv");
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kGdelt);
  ExpectCounts(*sum, 20, 20, 0, 0);

  // Line 1: no Actor1 at all; Actor2 PRESIDENT.
  Statement s = ById("gdelt:410412347");
  EXPECT_EQ(s.speaker, "");
  EXPECT_THAT(s.targets, ElementsAre("PRESIDENT"));
  EXPECT_EQ(s.code, "043");
  EXPECT_EQ(s.verb, "Host a visit");
  EXPECT_EQ(s.occurred_at, Day(2014, 2, 18));
  EXPECT_EQ(FormatTime(s.source.published_at), "2015-02-18T23:00:00Z");
  EXPECT_EQ(s.source.url,
            "http://www.dailymaverick.co.za/article/2015-02-19-sona2015-jamming-state-"
            "security-agency-steps-forward-blames-low-ranking-operator/");
  EXPECT_EQ(s.content, "");
  EXPECT_EQ(Attr(s, "Actor2Code"), "GOV");
  EXPECT_EQ(Attr(s, "Actor2Type1Code"), "GOV");
  EXPECT_EQ(Attr(s, "IsRootEvent"), "0");
  EXPECT_EQ(Attr(s, "GoldsteinScale"), "2.8");
  EXPECT_EQ(Attr(s, "AvgTone"), "-4.4776119402985");
  EXPECT_EQ(Attr(s, "ActionGeo_FullName"), "Waterkloof, Free State, South Africa");
  EXPECT_EQ(Attr(s, "ActionGeo_ADM2Code"), "77359");
  EXPECT_EQ(Attr(s, "Actor1Code"), "<absent>");       // empty columns are left out
  EXPECT_EQ(Attr(s, "GLOBALEVENTID"), "<absent>");    // mapped columns too
  EXPECT_EQ(Attr(s, "SOURCEURL"), "<absent>");
  EXPECT_EQ(Attr(s, "import.format"), "gdelt");
  EXPECT_EQ(Attr(s, "import.file"), "gdelt-v2-events.tsv");
  EXPECT_EQ(Attr(s, "import.line"), "1");
  // 37 non-empty columns, 6 of them mapped to fields: 31 attributes, plus
  // 3 of provenance.
  EXPECT_EQ(s.attributes.size(), 34u);

  // Line 12: both actors, a four-digit code.
  s = ById("gdelt:913095764");
  EXPECT_EQ(s.speaker, "QUALCOMM");
  EXPECT_THAT(s.targets, ElementsAre("BLACKROCK"));
  EXPECT_EQ(s.code, "1124");
  EXPECT_EQ(s.verb, "Accuse of war crimes");
  EXPECT_EQ(s.occurred_at, Day(2019, 3, 19));
  EXPECT_EQ(FormatTime(s.source.published_at), "2020-03-18T10:45:00Z");
  EXPECT_EQ(Attr(s, "Actor1Code"), "MNCUSAMED");
  EXPECT_EQ(Attr(s, "Actor1Type2Code"), "MED");
  EXPECT_EQ(Attr(s, "EventBaseCode"), "112");
  EXPECT_EQ(Attr(s, "QuadClass"), "3");
  EXPECT_EQ(Attr(s, "Actor1Geo_ADM2Code"), "NY011");
  EXPECT_EQ(Attr(s, "import.line"), "12");

  // Line 11: an Actor1 and no Actor2 keeps the row, without a target.
  auto lines = SplitLines(Slurp(kData + "gdelt-v2-events.tsv"));
  auto f = SplitTabs(lines[10]);
  s = ById("gdelt:" + f[0]);
  EXPECT_EQ(s.speaker, "LAWYER");
  EXPECT_THAT(s.targets, IsEmpty());
}

TEST_F(ImportFormatsTest, ReimportAddsNothing) {
  ASSERT_TRUE(Import(kData + "gdelt-v2-events.tsv").ok());
  uint64_t head = engine_->Head();
  auto again = Import(kData + "gdelt-v2-events.tsv");
  ASSERT_TRUE(again.ok());
  ExpectCounts(*again, 20, 0, 20, 0);
  EXPECT_EQ(engine_->Head(), head);
  // Also under another file name (provenance differs, the rows do not).
  std::string copy = Write("copy.tsv", Slurp(kData + "gdelt-v2-events.tsv"));
  auto third = Import(copy);
  ASSERT_TRUE(third.ok());
  ExpectCounts(*third, 20, 0, 20, 0);
}

// GDELT 1.0 rows built from the 2.0 sample by the codebooks' column lists.
std::string V1Row(const std::string& v2_line, size_t columns) {
  std::vector<std::string> v2 = SplitTabs(v2_line);
  std::map<std::string_view, std::string> by_name;
  for (size_t i = 0; i < 61; ++i) by_name[internal::kGdeltV2Columns[i]] = v2[i];
  by_name["DATEADDED"] = by_name["DATEADDED"].substr(0, 8);  // 1.0: YYYYMMDD
  std::vector<std::string> v1;
  for (size_t i = 0; i < columns; ++i) v1.push_back(by_name[internal::kGdeltV1Columns[i]]);
  return JoinTabs(v1);
}

TEST_F(ImportFormatsTest, Gdelt57And58ColumnRows) {
  auto lines = SplitLines(Slurp(kData + "gdelt-v2-events.tsv"));
  std::string f58 = Write("daily.export.CSV", V1Row(lines[1], 58) + "\n" + V1Row(lines[11], 58) + "\n");
  std::string f57 = Write("backfile.csv", V1Row(lines[1], 57) + "\n" + V1Row(lines[11], 57) + "\n");

  auto s58 = Import(f58);
  ASSERT_TRUE(s58.ok()) << s58.status();
  EXPECT_EQ(s58->format, ImportFormat::kGdelt);
  ExpectCounts(*s58, 2, 2, 0, 0);
  Statement s = ById("gdelt:410412348");
  EXPECT_EQ(s.targets, std::vector<std::string>{"MUMBAI"});
  EXPECT_EQ(s.code, "042");
  EXPECT_EQ(s.verb, "Make a visit");
  EXPECT_EQ(s.occurred_at, Day(2014, 2, 18));
  EXPECT_EQ(s.source.published_at, Day(2015, 2, 18));  // day precision in 1.0
  EXPECT_THAT(s.source.url, HasSubstr("timesofindia"));
  EXPECT_EQ(Attr(s, "ActionGeo_FullName"), "Bengaluru, Karnataka, India");
  EXPECT_EQ(Attr(s, "ActionGeo_FeatureID"), "-2090174");
  EXPECT_EQ(Attr(s, "ActionGeo_ADM2Code"), "<absent>");  // not in 1.0

  // The 57-column rows carry the same ids but lack SOURCEURL: the same id
  // for different statements is a conflict, reported, not a duplicate.
  auto s57 = Import(f57);
  ASSERT_TRUE(s57.ok()) << s57.status();
  ExpectCounts(*s57, 2, 0, 0, 2);
  EXPECT_THAT(rejects_[0].reason, HasSubstr("already taken by a different statement"));
}

TEST_F(ImportFormatsTest, Gdelt57ColumnRowsHaveNoUrl) {
  auto lines = SplitLines(Slurp(kData + "gdelt-v2-events.tsv"));
  std::string f57 = Write("backfile.csv", V1Row(lines[11], 57) + "\n");
  auto sum = Import(f57, ImportFormat::kGdelt);
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 1, 1, 0, 0);
  Statement s = ById("gdelt:913095764");
  EXPECT_EQ(s.speaker, "QUALCOMM");
  EXPECT_EQ(s.source.url, "");
  EXPECT_EQ(s.source.published_at, Day(2020, 3, 18));
  EXPECT_EQ(Attr(s, "Actor2Geo_FeatureID"), "972237");
}

TEST_F(ImportFormatsTest, GdeltColumnListsMatchTheCodebooks) {
  for (auto [file, names] :
       {std::pair{"codebook-events-v1.csv", std::span<const std::string_view>(internal::kGdeltV1Columns)},
        std::pair{"codebook-events-v2.csv", std::span<const std::string_view>(internal::kGdeltV2Columns)}}) {
    std::string path = kShared + "gdelt/" + file;
    if (!fs::exists(path)) GTEST_SKIP() << path << " absent";
    // Each column's row starts at a line beginning NAME,TYPE.
    std::vector<std::string> found;
    for (const std::string& line : SplitLines(Slurp(path))) {
      size_t c1 = line.find(',');
      if (c1 == std::string::npos) continue;
      std::string type = line.substr(c1 + 1, line.find(',', c1 + 1) - c1 - 1);
      if (type == "INTEGER" || type == "STRING" || type == "FLOAT") found.push_back(line.substr(0, c1));
    }
    ASSERT_EQ(found.size(), names.size()) << file;
    for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(found[i], names[i]) << file << " #" << i;
  }
}

// --- ICEWS ---

TEST_F(ImportFormatsTest, IcewsRowsMapFieldByField) {
  auto sum = Import(kData + "icews-events.tab");
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kIcews);
  ExpectCounts(*sum, 30, 30, 0, 0);  // the header is not a row

  Statement s = ById("icews:32889836:2018-06-01");
  EXPECT_EQ(s.speaker, "Foreign Affairs (Bangladesh)");
  EXPECT_THAT(s.targets, ElementsAre("High Ranking Military Personnel (Vietnam)"));
  EXPECT_EQ(s.verb, "Consult");
  EXPECT_EQ(s.code, "040");
  EXPECT_EQ(s.occurred_at, Day(2018, 6, 1));
  EXPECT_EQ(s.source.outlet, "Vietnam News Agency Bulletin");
  EXPECT_EQ(Attr(s, "Source Sectors"), "Executive,Foreign Ministry,Government");
  EXPECT_EQ(Attr(s, "Source Country"), "Bangladesh");
  EXPECT_EQ(Attr(s, "Intensity"), "1");
  EXPECT_EQ(Attr(s, "Target Country"), "Vietnam");
  EXPECT_EQ(Attr(s, "Story ID"), "47400351");
  EXPECT_EQ(Attr(s, "Sentence Number"), "2");
  EXPECT_EQ(Attr(s, "City"), "Hanoi");
  EXPECT_EQ(Attr(s, "District"), "NA");  // ICEWS's own text for "none" is kept
  EXPECT_EQ(Attr(s, "Latitude"), "21.0245");
  EXPECT_EQ(Attr(s, "Longitude"), "105.841");
  EXPECT_EQ(Attr(s, "import.format"), "icews");
  EXPECT_EQ(Attr(s, "import.line"), "2");

  s = ById("icews:32891062:2018-06-01");  // line 10
  EXPECT_EQ(s.speaker, "Aso Taro");
  EXPECT_THAT(s.targets, ElementsAre("Steven Mnuchin"));
  EXPECT_EQ(s.verb, "Meet at a 'third' location");
  EXPECT_EQ(s.code, "044");
  EXPECT_EQ(Attr(s, "Intensity"), "2.5");
  EXPECT_EQ(Attr(s, "import.line"), "10");
}

// --- PLOVER ---

TEST_F(ImportFormatsTest, PloverRecordsMapFieldByField) {
  auto sum = Import(kData + "plover-records.json");
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kPlover);
  ExpectCounts(*sum, 11, 10, 0, 1);
  // The DOCUMENT record (lines 2-12) has no date and no actors.
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].line, 2u);
  EXPECT_EQ(rejects_[0].reason, "date: missing (a PLOVER record needs a date)");
  EXPECT_THAT(rejects_[0].text, HasSubstr("PLOVER-GSR01-DOCUMENT-0001"));

  // Two source actors: the first speaks, the second is kept.
  Statement s = ById("plover:PLOVER-GSR01-AGREE-0001");
  EXPECT_EQ(s.speaker, "Hungarian");
  EXPECT_THAT(s.targets, IsEmpty());
  EXPECT_EQ(s.verb, "agreed cooperate");
  EXPECT_EQ(s.event_type, "AGREE");
  EXPECT_EQ(s.code, "");
  EXPECT_THAT(s.topics, ElementsAre("refugees"));
  EXPECT_THAT(s.quote, HasSubstr("Senior Hungarian and Romanian officials agreed"));
  EXPECT_EQ(s.occurred_at, Day(2000, 1, 1));
  EXPECT_EQ(s.source.outlet, "OEDA team from CAMEO 1.1b3 manual");
  EXPECT_EQ(Attr(s, "source[0].code"), "HUN");
  EXPECT_EQ(Attr(s, "source[0].sector"), "GOV");
  EXPECT_EQ(Attr(s, "source[1].actorText"), "Romanian");
  EXPECT_EQ(Attr(s, "source[1].code"), "ROU");
  EXPECT_THAT(Attr(s, "textInfo.markup"), HasSubstr("(SRC/TAR: Hungarian)"));
  EXPECT_EQ(Attr(s, "language"), "en");
  EXPECT_EQ(Attr(s, "coder"), "Parus Analytics");
  EXPECT_EQ(Attr(s, "dateCoded"), "2016-12-19");
  EXPECT_EQ(Attr(s, "comment"), "Compound actor");
  EXPECT_EQ(Attr(s, "import.format"), "plover");
  EXPECT_EQ(Attr(s, "import.line"), "14");
  EXPECT_EQ(Attr(s, "import.record"), "2");

  s = ById("plover:PLOVER-GSR01-AGREE-0002");
  EXPECT_EQ(s.speaker, "Asia-Pacific Economic Cooperation");
  EXPECT_THAT(s.targets, ElementsAre("Tokyo"));
  EXPECT_EQ(Attr(s, "source[0].code"), "IGO");
  EXPECT_EQ(Attr(s, "target[0].code"), "JAP");
  EXPECT_THAT(s.topics, ElementsAre("resource"));

  // "target": "" means none.
  s = ById("plover:PLOVER-GSR01-AGREE-0003");
  EXPECT_EQ(s.speaker, "United States");
  EXPECT_THAT(s.targets, IsEmpty());
}

TEST_F(ImportFormatsTest, PloverJsonLinesAndContextLists) {
  std::string p = Write("polecat.jsonl",
      R"({"id": "p1", "date": "2021-03-04", "actor": {"actorText": "Germany", "code": "DEU"}, "recipient": [{"actorText": "France"}, {"actorText": "Italy"}], "event": "CONSULT", "eventText": "met", "context": "diplomatic, economic", "cameo": "040", "mode": "visit", "text": "Germany met France and Italy."})"
      "\n");
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kPlover);
  ExpectCounts(*sum, 1, 1, 0, 0);
  Statement s = ById("plover:p1");
  EXPECT_EQ(s.speaker, "Germany");
  EXPECT_THAT(s.targets, ElementsAre("France", "Italy"));
  EXPECT_THAT(s.topics, ElementsAre("diplomatic", "economic"));
  EXPECT_EQ(s.code, "040");
  EXPECT_EQ(s.event_type, "CONSULT");
  EXPECT_EQ(Attr(s, "mode"), "visit");
  EXPECT_EQ(Attr(s, "actor[0].code"), "DEU");
  EXPECT_EQ(Attr(s, "import.record"), "<absent>");
}

TEST_F(ImportFormatsTest, AnIdReusedForADifferentRecordIsRejectedNotDuplicate) {
  // The real gold-standard file uses PLOVER-GSR01-COERCE-0004 twice.
  std::string p = Write("twice.jsonl",
      R"({"id": "x", "date": "2000-01-01", "source": [{"actorText": "A"}], "eventText": "blew up", "text": "t"})" "\n"
      R"({"id": "x", "date": "2000-01-01", "source": [{"actorText": "B"}], "eventText": "reimposed", "text": "u"})" "\n"
      R"({"id": "x", "date": "2000-01-01", "source": [{"actorText": "A"}], "eventText": "blew up", "text": "t"})" "\n");
  auto dry = Import(p, ImportFormat::kPlover, ImportOptions{.dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->rejected, 1u);
  auto sum = Import(p, ImportFormat::kPlover);
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 3, 1, 1, 1);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].line, 2u);
  EXPECT_THAT(rejects_[0].reason,
              HasSubstr("id \"plover:x\" is already taken by a different statement"));
  EXPECT_EQ(ById("plover:x").speaker, "A");
}

// --- CSV ---

TEST_F(ImportFormatsTest, CsvWithHeaderBomQuotesAndExtraColumns) {
  std::string p = Write("sheet.csv",
      "\xEF\xBB\xBFid,speaker,targets,verb,code,occurred_at,content,topics,outlet,attr.note,Desk\r\n"
      "c1,Sergey Lavrov,\"Antony Blinken; Wang Yi\",warned,130,2025-03-31,"
      "\"Said \"\"no\"\", then, on a new line:\nmore\",sanctions;energy,TASS,checked,Moscow\r\n"
      ",Kaja Kallas,,said,010,2025-04,,,,,\r\n");
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kCsv);
  ExpectCounts(*sum, 2, 2, 0, 0);
  Statement s = ById("c1");
  EXPECT_EQ(s.speaker, "Sergey Lavrov");
  EXPECT_THAT(s.targets, ElementsAre("Antony Blinken", "Wang Yi"));
  EXPECT_EQ(s.verb, "warned");
  EXPECT_EQ(s.code, "130");
  EXPECT_EQ(s.occurred_at, Day(2025, 3, 31));
  EXPECT_EQ(s.content, "Said \"no\", then, on a new line:\nmore");
  EXPECT_THAT(s.topics, ElementsAre("sanctions", "energy"));
  EXPECT_EQ(s.source.outlet, "TASS");
  EXPECT_EQ(Attr(s, "note"), "checked");
  EXPECT_EQ(Attr(s, "Desk"), "Moscow");
  EXPECT_EQ(Attr(s, "import.line"), "2");
  // The second row starts on line 4 (the first spans two) and has no id.
  auto seq = engine_->Head();
  auto e = engine_->Get(seq);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->statement.speaker, "Kaja Kallas");
  EXPECT_EQ(FormatTime(e->statement.occurred_at), "2025-04");
  EXPECT_EQ(Attr(e->statement, "import.line"), "4");
  EXPECT_TRUE(e->id.starts_with("h:"));
}

// --- Rejections, one reason each ---

TEST_F(ImportFormatsTest, EveryRejectionHasItsOwnReason) {
  auto lines = SplitLines(Slurp(kData + "gdelt-v2-events.tsv"));
  auto field = [&](size_t line, size_t col, const std::string& value) {
    auto f = SplitTabs(lines[line]);
    f[col] = value;
    return JoinTabs(f);
  };
  std::string bad_cols = lines[1].substr(0, lines[1].rfind('\t'));      // 60 columns
  std::string bad_utf8 = field(2, 6, "KIWI\xC3");                        // Actor1Name
  std::string bad_date = field(3, 1, "2014-02-18");                      // SQLDATE
  std::string long_name = field(4, 16, std::string(600, 'X'));           // Actor2Name
  std::string bad_added = field(5, 59, "20150231230000");                // DATEADDED
  std::string truncated = lines[6].substr(0, 200);                       // cut, no newline
  std::string text = lines[0] + "\n" + bad_cols + "\n" + bad_utf8 + "\n" + bad_date + "\n" +
                     long_name + "\n" + bad_added + "\n" + truncated;
  std::string p = Write("bad.tsv", text);
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 7, 1, 0, 6);
  ASSERT_EQ(rejects_.size(), 6u);
  EXPECT_EQ(rejects_[0].line, 2u);
  EXPECT_EQ(rejects_[0].reason,
            "wrong column count: 60 tab-separated columns, expected 57 (GDELT 1.0 "
            "backfile), 58 (GDELT 1.0 daily) or 61 (GDELT 2.0)");
  EXPECT_EQ(rejects_[0].text, bad_cols);
  EXPECT_EQ(rejects_[1].line, 3u);
  EXPECT_THAT(rejects_[1].reason, HasSubstr("invalid UTF-8 at column Actor1Name"));
  EXPECT_THAT(rejects_[1].reason, HasSubstr("row rejected"));
  EXPECT_EQ(rejects_[2].line, 4u);
  EXPECT_EQ(rejects_[2].reason, "SQLDATE: unparseable date \"2014-02-18\" (expected YYYYMMDD)");
  EXPECT_EQ(rejects_[3].line, 5u);
  EXPECT_EQ(rejects_[3].reason, "Actor2Name: over-long field (600 bytes; the limit is 512)");
  EXPECT_EQ(rejects_[4].line, 6u);
  EXPECT_EQ(rejects_[4].reason,
            "DATEADDED: unparseable date \"20150231230000\" (expected YYYYMMDDHHMMSS)");
  EXPECT_EQ(rejects_[5].line, 7u);
  EXPECT_THAT(rejects_[5].reason,
              HasSubstr("truncated last line: the file ends without a newline"));
  EXPECT_EQ(rejects_[5].text, truncated);
}

TEST_F(ImportFormatsTest, InvalidUtf8CanBeRepairedAndSaysSo) {
  auto lines = SplitLines(Slurp(kData + "gdelt-v2-events.tsv"));
  auto f = SplitTabs(lines[2]);
  f[6] = "KIWI\xC3";
  std::string p = Write("latin1.tsv", JoinTabs(f) + "\n");
  ImportOptions o;
  o.invalid_utf8 = InvalidUtf8::kRepair;
  std::vector<std::string> notes;
  o.on_repair = [&](const RejectedLine& r) { notes.push_back(r.reason); };
  auto sum = Import(p, ImportFormat::kGdelt, o);
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 1, 1, 0, 0);
  EXPECT_EQ(sum->repaired, 1u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("invalid UTF-8 at column Actor1Name"));
  EXPECT_THAT(notes[0], HasSubstr("repaired"));
  EXPECT_EQ(ById("gdelt:" + f[0]).speaker, "KIWI\xEF\xBF\xBD");
}

TEST_F(ImportFormatsTest, TruncatedJsonAndCsvSayTheFileEndsEarly) {
  std::string full = Slurp(kData + "plover-records.json");
  std::string cut = full.substr(0, full.find("PLOVER-GSR01-AGREE-0010") + 40);
  auto sum = Import(Write("cut.json", cut));
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 11, 9, 0, 2);
  EXPECT_THAT(rejects_.back().reason, HasSubstr("truncated record: the file ends inside it"));

  auto csv = Import(Write("cut.csv", "speaker,verb,occurred_at,content\nA,said,2025-01-01,\"open"));
  ASSERT_TRUE(csv.ok()) << csv.status();
  ExpectCounts(*csv, 1, 0, 0, 1);
  EXPECT_THAT(rejects_[0].reason,
              HasSubstr("truncated record: the file ends inside a quoted field opened on line 2"));

  // A complete last CSV row without a newline is fine (spreadsheets write them).
  auto ok = Import(Write("nonl.csv", "speaker,verb,occurred_at,content\nA,said,2025-01-01,x"));
  ASSERT_TRUE(ok.ok());
  ExpectCounts(*ok, 1, 1, 0, 0);
}

TEST_F(ImportFormatsTest, StrictImportsNothingWhenARowIsBad) {
  auto lines = SplitLines(Slurp(kData + "gdelt-v2-events.tsv"));
  std::string p = Write("one-bad.tsv", lines[0] + "\n" + lines[1] + "\n" +
                                           lines[2].substr(0, 100) + "\n");
  ImportOptions o;
  o.strict = true;
  auto sum = Import(p, ImportFormat::kGdelt, o);
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 3, 0, 0, 1);
  EXPECT_EQ(sum->held_back, 2u);
  EXPECT_EQ(engine_->Head(), 0u);
}

// --- Formats: detection, and files not in the named format ---

TEST_F(ImportFormatsTest, DetectsEachFormatByContent) {
  EXPECT_EQ(*DetectImportFormat(Slurp(kData + "gdelt-v2-events.tsv")), ImportFormat::kGdelt);
  EXPECT_EQ(*DetectImportFormat(Slurp(kData + "icews-events.tab")), ImportFormat::kIcews);
  EXPECT_EQ(*DetectImportFormat(Slurp(kData + "plover-records.json")), ImportFormat::kPlover);
  EXPECT_EQ(*DetectImportFormat(Slurp(std::string(ANNALS_SOURCE_DIR) +
                                      "/tools/samples/rare-earths-talks.jsonl")),
            ImportFormat::kJsonl);
  EXPECT_EQ(*DetectImportFormat("\xEF\xBB\xBFspeaker,verb\nA,b\n"), ImportFormat::kCsv);
  auto none = DetectImportFormat("just some words\n");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("cannot tell the format"));
}

TEST_F(ImportFormatsTest, AFileNotInTheNamedFormatFailsAtOnce) {
  auto st = Import(kData + "icews-events.tab", ImportFormat::kGdelt);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.status().message()),
              HasSubstr("expected GDELT events (57, 58 or 61 tab-separated columns"));
  EXPECT_THAT(std::string(st.status().message()),
              HasSubstr("found a tab-separated line of 20 columns starting \"Event ID\""));

  st = Import(kData + "gdelt-v2-events.tsv", ImportFormat::kJsonl);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.status().message()),
              HasSubstr("expected JSON Lines (one statement object per line, with keys such "
                        "as speaker, verb, occurred_at, content), found GDELT event rows (61 "
                        "tab-separated columns)"));
  st = Import(kData + "plover-records.json", ImportFormat::kIcews);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.status().message()), HasSubstr("found a JSON array"));
  EXPECT_EQ(engine_->Head(), 0u);
}

// --- Compressed input ---

TEST_F(ImportFormatsTest, ReadsGzipAndZipDirectly) {
  std::string raw = Slurp(kData + "gdelt-v2-events.tsv");
  std::string gz = (fs::path(dir_.path()) / "events.export.CSV.gz").string();
  gzFile g = gzopen(gz.c_str(), "wb");
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(gzwrite(g, raw.data(), static_cast<unsigned>(raw.size())), static_cast<int>(raw.size()));
  ASSERT_EQ(gzclose(g), Z_OK);
  auto sum = Import(gz);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kGdelt);
  ExpectCounts(*sum, 20, 20, 0, 0);
  EXPECT_EQ(Attr(ById("gdelt:410412347"), "import.file"), "events.export.CSV.gz");

  std::string icews = Slurp(kData + "icews-events.tab");
  std::string zp = (fs::path(dir_.path()) / "icews.zip").string();
  int err = 0;
  zip_t* z = zip_open(zp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  zip_source_t* src = zip_source_buffer(z, icews.data(), icews.size(), 0);
  ASSERT_GE(zip_file_add(z, "events.tab", src, ZIP_FL_OVERWRITE), 0);
  ASSERT_EQ(zip_close(z), 0);
  sum = Import(zp);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->format, ImportFormat::kIcews);
  ExpectCounts(*sum, 30, 30, 0, 0);

  // A damaged .gz says so instead of importing part of it silently.
  std::string whole = Slurp(gz);
  auto damaged = Import(Write("cut.gz", whole.substr(0, whole.size() / 2)));
  ASSERT_FALSE(damaged.ok());
  EXPECT_THAT(std::string(damaged.status().message()), HasSubstr("compressed data ends early"));
}

// --- Export ---

TEST_F(ImportFormatsTest, GdeltExportGivesBackTheRowsImported) {
  ASSERT_TRUE(Import(kData + "gdelt-v2-events.tsv").ok());
  ExportOptions o;
  o.format = ExportFormat::kGdelt;
  EXPECT_EQ(ExportAll(o), Slurp(kData + "gdelt-v2-events.tsv"));
}

TEST_F(ImportFormatsTest, JsonlExportRoundTripsThroughAFreshStore) {
  ASSERT_TRUE(Import(std::string(ANNALS_SOURCE_DIR) + "/tools/samples/rare-earths-talks.jsonl").ok());
  ASSERT_TRUE(Import(kData + "plover-records.json").ok());
  ASSERT_TRUE(Import(kData + "icews-events.tab").ok());
  ASSERT_TRUE(Import(Write("noid.jsonl",
                           R"({"speaker": "A", "verb": "said", "occurred_at": "2025-01-02", )"
                           R"("content": "First wording."})" "\n")).ok());
  // A correction (of a statement with a content id) and a retraction.
  const uint64_t noid = engine_->Head();
  auto first = engine_->CurrentStatement(noid);
  ASSERT_TRUE(first.ok());
  Statement changed = *first;
  changed.content = "Corrected paraphrase.";
  ASSERT_TRUE(engine_->Correct(noid, changed, "typo").ok());
  ASSERT_TRUE(engine_->Retract(2, "wrong speaker").ok());

  std::string once = ExportAll();
  EXPECT_THAT(once, HasSubstr("Corrected paraphrase."));
  auto lines = SplitLines(once);
  EXPECT_EQ(lines.size(), 12u + 10u + 30u + 1u - 1u);  // the retracted one is left out
  std::string path = Write("export.jsonl", once);

  test::TempDir other;
  auto fresh = Engine::Open((fs::path(other.path()) / "store").string(), Options{});
  ASSERT_TRUE(fresh.ok());
  auto sum = ImportFile(**fresh, path, ImportOptions{}, {});
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, lines.size(), lines.size(), 0, 0);
  std::string twice;
  ASSERT_TRUE(Export(**fresh, ExportOptions{}, [&](std::string_view t) {
                twice.append(t);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(twice, once);

  // include_retracted brings it back; as_of before the correction shows
  // the original wording.
  ExportOptions all;
  all.include_retracted = true;
  EXPECT_EQ(SplitLines(ExportAll(all)).size(), lines.size() + 1);
  ExportOptions before;
  before.as_of = engine_->Head() - 2;
  std::string old = ExportAll(before);
  EXPECT_THAT(old, Not(HasSubstr("Corrected paraphrase.")));
  EXPECT_EQ(SplitLines(old).size(), lines.size() + 1);
}

TEST_F(ImportFormatsTest, CsvExportHasOneColumnPerFieldAndAttribute) {
  ASSERT_TRUE(Import(kData + "icews-events.tab").ok());
  ExportOptions o;
  o.format = ExportFormat::kCsv;
  o.to_seq = 2;
  auto lines = SplitLines(ExportAll(o));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], ::testing::StartsWith(
                            "id,speaker,targets,verb,code,event_type,topics,content,quote,"
                            "occurred_at,source_outlet,source_url,source_published_at,"
                            "source_via,attr.Source Sectors,attr.Source Country,"));
  EXPECT_THAT(lines[1], ::testing::StartsWith(
                            "icews:32889836:2018-06-01,Foreign Affairs (Bangladesh),"
                            "High Ranking Military Personnel (Vietnam),Consult,040,"));
  EXPECT_THAT(lines[1], HasSubstr(",\"Executive,Foreign Ministry,Government\","));
  // The CSV imports again (attr.NAME columns become attributes NAME).
  test::TempDir other;
  auto fresh = Engine::Open((fs::path(other.path()) / "store").string(), Options{});
  ASSERT_TRUE(fresh.ok());
  auto sum = ImportFile(**fresh, Write("e.csv", ExportAll(o)), ImportOptions{}, {});
  ASSERT_TRUE(sum.ok()) << sum.status();
  ExpectCounts(*sum, 2, 2, 0, 0);
  auto e = (*fresh)->Get(1);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->statement, ById("icews:32889836:2018-06-01"));
}

// --- The CAMEO codebook ---

TEST(CameoCodebookTest, RepairedEntriesAndGdeltAgreement) {
  const CameoCode* c = FindCameoCode("106");
  ASSERT_NE(c, nullptr);
  EXPECT_STREQ(c->description, "Demand withdrawal");
  EXPECT_EQ(c->goldstein, -5.0);
  EXPECT_STREQ(FindCameoCode("1056")->description, "Demand de-escalation of military engagement");
  EXPECT_STREQ(FindCameoCode("044")->description, "Meet at a \"third\" location");
  EXPECT_STREQ(FindCameoCode("0211")->root_code, "02");
  EXPECT_EQ(FindCameoCode("0211")->quad_class, 1);
  EXPECT_EQ(FindCameoCode("9999"), nullptr);
  EXPECT_EQ(CameoCodes().size(), 311u);
  EXPECT_TRUE(std::is_sorted(CameoCodes().begin(), CameoCodes().end(),
                             [](const CameoCode& a, const CameoCode& b) {
                               return std::string_view(a.code) < std::string_view(b.code);
                             }));
  for (const CameoCode& x : CameoCodesWithPrefix("04"))
    EXPECT_TRUE(std::string_view(x.code).starts_with("04"));
  EXPECT_EQ(CameoCodesWithPrefix("04").size(), 8u);  // 04, 040-046
  // Every GDELT sample row's code is known, with the row's quad class and
  // Goldstein score.
  for (const std::string& line : SplitLines(Slurp(kData + "gdelt-v2-events.tsv"))) {
    auto f = SplitTabs(line);
    const CameoCode* code = FindCameoCode(f[26]);
    ASSERT_NE(code, nullptr) << f[26];
    EXPECT_STREQ(code->root_code, f[28].c_str());
    EXPECT_EQ(std::to_string(code->quad_class), f[29]);
    EXPECT_EQ(code->goldstein, std::stod(f[30])) << f[26];
  }
}

}  // namespace
}  // namespace annals
