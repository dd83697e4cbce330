// Export's selection and cell options (annals/export.h): a date range on the
// statements' current occurred_at (17.7), seq ranges, empty ranges refused
// (17.14), and the spreadsheet-safe csv rule (16.15). The round trips and
// the formats themselves are in import_formats_test.cc.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/export.h"
#include "engine/test_util.h"

namespace annals {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ExportOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Open(dir_.path(), test::FastOptions());
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }

  uint64_t Add(const std::string& id, const std::string& when,
               const std::string& content = "c") {
    Statement s = test::SmallStatement(0);
    s.id = id;
    s.content = content;
    s.occurred_at = test::T(when);
    auto r = engine_->Append(s);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->seq : 0;
  }

  absl::StatusOr<std::string> Run(const ExportOptions& o) {
    std::string out;
    auto sum = Export(*engine_, o, [&](std::string_view t) {
      out.append(t);
      return absl::OkStatus();
    });
    if (!sum.ok()) return sum.status();
    return out;
  }

  // The ids of a jsonl export, in order.
  std::vector<std::string> Ids(const ExportOptions& o) {
    auto out = Run(o);
    EXPECT_TRUE(out.ok()) << out.status();
    std::vector<std::string> ids;
    if (!out.ok()) return ids;
    for (size_t at = out->find("{\"id\":\""); at != std::string::npos;
         at = out->find("{\"id\":\"", at + 1)) {
      size_t start = at + 7;
      ids.push_back(out->substr(start, out->find('"', start) - start));
    }
    return ids;
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(ExportOptionsTest, DateRangeGoesByTheCurrentValues) {
  Add("a", "2018");
  const uint64_t b = Add("b", "2018-06-02");
  Add("c", "2018-06");
  Add("d", "2019-01-01T10:00:00Z");
  // b moves to 2019 by a correction; the range follows its current date.
  auto current = engine_->CurrentStatement(b);
  ASSERT_TRUE(current.ok());
  Statement moved = *current;
  moved.occurred_at = test::T("2019-02");
  ASSERT_TRUE(engine_->Correct(b, moved, "redated").ok());

  ExportOptions o;
  o.from = test::T("2018-06");
  o.to = test::T("2018-06");
  EXPECT_THAT(Ids(o), ::testing::ElementsAre("c"));
  o.from = test::T("2019");
  o.to = Timestamp{};
  EXPECT_THAT(Ids(o), ::testing::ElementsAre("b", "d"));
  o.from = Timestamp{};
  o.to = test::T("2018");  // all of 2018: a (year), c (month)
  EXPECT_THAT(Ids(o), ::testing::ElementsAre("a", "c"));
  // As of before the correction, b is still in June 2018.
  o.from = test::T("2018-06-02");
  o.to = test::T("2018-06-02");
  o.as_of = 4;
  EXPECT_THAT(Ids(o), ::testing::ElementsAre("b"));
}

TEST_F(ExportOptionsTest, SeqRangesAndEmptyRanges) {
  for (int i = 1; i <= 5; ++i) Add("s" + std::to_string(i), "2020");
  ExportOptions o;
  o.from_seq = 2;
  o.to_seq = 3;
  EXPECT_THAT(Ids(o), ::testing::ElementsAre("s2", "s3"));
  o.from_seq = 4;
  o.to_seq = 3;
  EXPECT_EQ(Run(o).status().code(), absl::StatusCode::kInvalidArgument);
  ExportOptions dates;
  dates.from = test::T("2021");
  dates.to = test::T("2020");
  auto empty = Run(dates);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(test::Msg(empty.status()), HasSubstr("empty"));
}

TEST_F(ExportOptionsTest, SpreadsheetSafeCsvGuardsFormulaCells) {
  Add("=1+1", "2020", "=HYPERLINK(\"http://x\",\"y\")");
  Add("@x", "2020", "-12.5");
  ExportOptions o;
  o.format = ExportFormat::kCsv;
  auto raw = Run(o);
  ASSERT_TRUE(raw.ok());
  EXPECT_THAT(*raw, HasSubstr("\n=1+1,"));
  o.spreadsheet_safe = true;
  auto safe = Run(o);
  ASSERT_TRUE(safe.ok());
  EXPECT_THAT(*safe, HasSubstr("\n'=1+1,"));
  EXPECT_THAT(*safe, HasSubstr(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","));
  EXPECT_THAT(*safe, HasSubstr("\n'@x,"));
  EXPECT_THAT(*safe, HasSubstr(",-12.5,"));
  EXPECT_THAT(*safe, Not(HasSubstr("'-12.5")));
}

TEST(NeedsFormulaGuardTest, OwaspCharactersExceptPlainNumbers) {
  for (const char* v : {"=1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\r=1",
                        "-", "+", "-1e5", "-1.", "-.5", "=", "-1.2.3"})
    EXPECT_TRUE(NeedsFormulaGuard(v)) << v;
  for (const char* v : {"", "x=1", "12", "-12", "+3.5", "-0.25", " =1", "'=1", "a@b"})
    EXPECT_FALSE(NeedsFormulaGuard(v)) << v;
  std::string out;
  AppendCsvField("=a,b", &out, CsvCell::kSpreadsheetSafe);
  EXPECT_EQ(out, "\"'=a,b\"");
}

}  // namespace
}  // namespace annals
