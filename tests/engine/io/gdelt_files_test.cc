// GDELT's files as users get them (issue 17.10, 17.11): downloads `cat`-ed
// together (57-, 58- and 61-column rows in one file), event files with a
// header row, tab-separated or CSV as BigQuery exports write it, in any
// column order; and mentions files (issue 21), imported as mention events
// in both forms, named for what they are when named as another format.
// Built from the real rows in tests/data/ (see PROVENANCE.md).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

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
using ::testing::HasSubstr;
using ::testing::StartsWith;

using test::kData;
using test::Slurp;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::string Join(const std::vector<std::string>& f, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) out += (i ? sep : "") + f[i];
  return out;
}

std::vector<std::string> Rows() {
  std::vector<std::string> rows = Split(Slurp(kData + "gdelt-v2-events.tsv"), '\n');
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// A GDELT 1.0 row (57 or 58 columns) from a 2.0 row, by the codebooks.
std::string V1Row(const std::string& v2_line, size_t columns) {
  std::vector<std::string> v2 = Split(v2_line, '\t');
  std::map<std::string_view, std::string> by_name;
  for (size_t i = 0; i < 61; ++i) by_name[internal::kGdeltV2Columns[i]] = v2[i];
  by_name["DATEADDED"] = by_name["DATEADDED"].substr(0, 8);  // 1.0: YYYYMMDD
  std::vector<std::string> v1;
  for (size_t i = 0; i < columns; ++i) v1.push_back(by_name[internal::kGdeltV1Columns[i]]);
  return Join(v1, "\t");
}

std::vector<std::string> V2Names() {
  return {std::begin(internal::kGdeltV2Columns), std::end(internal::kGdeltV2Columns)};
}

// Cells as CSV writes them (BigQuery, Python's csv): quoted when needed.
std::string CsvLine(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    AppendCsvField(cells[i], &out);
  }
  return out;
}

class GdeltFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = Open("store"); }
  std::unique_ptr<Engine> Open(const std::string& name) {
    auto e = Engine::Open((fs::path(dir_.path()) / name).string(), Options{});
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *std::move(e) : nullptr;
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = (fs::path(dir_.path()) / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  absl::StatusOr<ImportSummary> Import(Engine& e, const std::string& text,
                                       ImportFormat format = ImportFormat::kAuto) {
    rejects_.clear();
    ImportOptions o;
    o.format = format;
    o.provenance = false;  // compare statements from different files
    return ImportFile(e, Write("in", text), o,
                      [&](const RejectedLine& r) { rejects_.push_back(r); });
  }
  std::string ExportAll(Engine& e) {
    std::string out;
    auto sum = Export(e, {}, [&](std::string_view t) {
      out.append(t);
      return absl::OkStatus();
    });
    EXPECT_TRUE(sum.ok()) << sum.status();
    return out;
  }
  Statement ById(const std::string& id) {
    auto seq = store_->FindById(id);
    EXPECT_TRUE(seq.ok()) << id;
    auto e = seq.ok() ? store_->Get(*seq) : absl::StatusOr<Event>(seq.status());
    return e.ok() ? e->statement : Statement{};
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> store_;
  std::vector<RejectedLine> rejects_;
};

TEST_F(GdeltFilesTest, RowsOf57And58And61ColumnsMixInOneFile) {
  std::vector<std::string> rows = Rows();
  std::string text;
  for (size_t i = 0; i < rows.size(); ++i) {
    size_t kind = i % 3;
    text += (kind == 0 ? rows[i] : V1Row(rows[i], kind == 1 ? 57 : 58)) + "\n";
  }
  std::vector<std::string> short_row = Split(rows[0], '\t');
  short_row.pop_back();
  text += Join(short_row, "\t") + "\n";  // 60 columns: no GDELT layout
  auto sum = Import(*store_, text);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->read, rows.size() + 1);
  EXPECT_EQ(sum->imported, rows.size());
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].kind, "column count");
  EXPECT_THAT(rejects_[0].reason, HasSubstr("expected 57 (GDELT 1.0 backfile), 58 (GDELT 1.0 "
                                            "daily) or 61 (GDELT 2.0)"));
  // Each row read by its own layout: a 2.0 row's DATEADDED has seconds, a
  // 57-column row has no SOURCEURL, a 58-column row has one.
  Statement v2 = ById("gdelt:" + Split(rows[0], '\t')[0]);
  EXPECT_EQ(v2.source.published_at.precision, Precision::kSecond);
  Statement v57 = ById("gdelt:" + Split(rows[1], '\t')[0]);
  EXPECT_EQ(v57.source.url, "");
  EXPECT_EQ(v57.source.published_at.precision, Precision::kDay);
  Statement v58 = ById("gdelt:" + Split(rows[2], '\t')[0]);
  EXPECT_EQ(v58.source.url, Split(rows[2], '\t')[60]);
}

TEST_F(GdeltFilesTest, AHeaderRowTabOrBigQueryCsvGivesTheSameStatements) {
  std::vector<std::string> rows = Rows();
  auto plain = Import(*store_, Join(rows, "\n") + "\n");
  ASSERT_TRUE(plain.ok()) << plain.status();
  const std::string want = ExportAll(*store_);

  std::string tab = Join(V2Names(), "\t") + "\n" + Join(rows, "\n") + "\n";
  std::string csv = CsvLine(V2Names()) + "\r\n";
  for (const std::string& r : rows) csv += CsvLine(Split(r, '\t')) + "\r\n";
  for (const auto& [name, text] : {std::pair{"tab", tab}, std::pair{"csv", csv}}) {
    SCOPED_TRACE(name);
    auto other = Open(std::string("store-") + name);
    auto sum = Import(*other, text);
    ASSERT_TRUE(sum.ok()) << sum.status();
    EXPECT_EQ(sum->format, ImportFormat::kGdelt);
    EXPECT_EQ(sum->read, rows.size());  // the header is not a row
    EXPECT_EQ(sum->imported, rows.size());
    EXPECT_TRUE(rejects_.empty()) << rejects_[0].reason;
    EXPECT_EQ(ExportAll(*other), want);
  }
}

TEST_F(GdeltFilesTest, ABigQuerySelectionInAnyOrderAndCase) {
  std::vector<std::string> rows = Rows();
  std::vector<std::string> v2 = Split(rows[3], '\t');
  std::map<std::string, std::string> cell;
  for (size_t i = 0; i < 61; ++i) cell[std::string(internal::kGdeltV2Columns[i])] = v2[i];
  const std::vector<std::string> picked = {"SQLDATE", "GoldsteinScale", "Actor2Name",
                                           "EventCode", "GLOBALEVENTID", "Actor1Name",
                                           "SOURCEURL"};
  std::vector<std::string> header, values;
  for (const std::string& n : picked) {
    header.push_back(n == "GoldsteinScale" ? "goldsteinscale" : n);
    values.push_back(cell[n]);
  }
  values[6] = "https://example.org/a,b?c=\"d\"";  // quoted in CSV
  auto sum = Import(*store_, CsvLine(header) + "\n" + CsvLine(values) + "\n");
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->imported, 1u) << (rejects_.empty() ? "" : rejects_[0].reason);
  Statement s = ById("gdelt:" + cell["GLOBALEVENTID"]);
  EXPECT_EQ(s.speaker, cell["Actor1Name"]);
  EXPECT_EQ(s.code, cell["EventCode"]);
  EXPECT_EQ(s.source.url, values[6]);
  ASSERT_EQ(s.attributes.size(), 1u);
  EXPECT_EQ(s.attributes[0].key, "GoldsteinScale");  // the codebook's spelling
  EXPECT_EQ(s.attributes[0].value, cell["GoldsteinScale"]);

  auto missing = Import(*store_, "GLOBALEVENTID,SQLDATE,Actor1Name\n1,20200101,A\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("the header row names no EventCode"));
}

TEST_F(GdeltFilesTest, MentionsFilesImportAsMentionsInBothForms) {
  std::string mentions = Slurp(kData + "gdelt-v2-mentions.tsv");
  std::vector<std::string> lines = Split(mentions, '\n');
  std::string bigquery = CsvLine(std::vector<std::string>(
                             std::begin(internal::kGdeltMentionsColumns),
                             std::end(internal::kGdeltMentionsColumns))) + "\n";
  for (const std::string& l : lines)
    if (!l.empty()) bigquery += CsvLine(Split(l, '\t')) + "\n";
  // The download form, then the same rows as BigQuery writes them: the same
  // mentions (a mention's id is its content), so all duplicates.
  for (const bool first : {true, false}) {
    const std::string& text = first ? mentions : bigquery;
    auto sum = Import(*store_, text);
    ASSERT_TRUE(sum.ok()) << sum.status();
    EXPECT_EQ(sum->format, ImportFormat::kGdeltMentions);
    EXPECT_EQ(sum->read, 5u);
    EXPECT_EQ(sum->imported, first ? 5u : 0u);
    EXPECT_EQ(sum->duplicates, first ? 0u : 5u);
    EXPECT_TRUE(rejects_.empty());
    for (ImportFormat named : {ImportFormat::kGdelt, ImportFormat::kCsv}) {
      auto as = Import(*store_, text, named);
      ASSERT_FALSE(as.ok());
      EXPECT_THAT(std::string(as.status().message()),
                  HasSubstr("found a GDELT 2.0 mentions file"));
    }
    EXPECT_TRUE(rejects_.empty());
  }
  ASSERT_EQ(store_->Head(), 5u);
  std::vector<std::string> first = Split(lines[0], '\t');
  auto m = store_->Get(1);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->kind, EventKind::kMention);
  EXPECT_EQ(m->mentioned, "gdelt:" + first[0]);
  EXPECT_EQ(m->statement.source.outlet, first[4]);
  EXPECT_EQ(m->statement.source.url, first[5]);
  EXPECT_EQ(FormatTime(m->statement.source.published_at),
            first[2].substr(0, 4) + "-" + first[2].substr(4, 2) + "-" + first[2].substr(6, 2) +
                "T" + first[2].substr(8, 2) + ":" + first[2].substr(10, 2) + ":" +
                first[2].substr(12, 2) + "Z");
  auto mentioned = store_->MentionsOf(std::vector<std::string>{"gdelt:" + first[0]});
  ASSERT_TRUE(mentioned.ok()) << mentioned.status();
  EXPECT_EQ(*mentioned, (std::vector<std::vector<MentionRef>>{{{1, first[4]}}}));
}

TEST_F(GdeltFilesTest, AnEventsCsvNamedAsCsvPointsToGdelt) {
  std::vector<std::string> rows = Rows();
  std::string csv = CsvLine(V2Names()) + "\n" + CsvLine(Split(rows[0], '\t')) + "\n";
  auto sum = Import(*store_, csv, ImportFormat::kCsv);
  ASSERT_FALSE(sum.ok());
  EXPECT_THAT(std::string(sum.status().message()),
              HasSubstr("found a GDELT events file with a header row (comma-separated, as "
                        "BigQuery exports write it); import it with --format gdelt"));
}

TEST_F(GdeltFilesTest, GkgFilesAreNamed) {
  std::vector<std::string> cells(27, "x");
  cells[0] = "20150218230000-0";
  cells[1] = "20150218230000";
  auto sum = Import(*store_, Join(cells, "\t") + "\n");
  ASSERT_FALSE(sum.ok());
  EXPECT_THAT(std::string(sum.status().message()),
              HasSubstr("Global Knowledge Graph (GKG)"));
}

}  // namespace
}  // namespace annals
