// The record reader: how an import file is split into rows, checked against
// models at every read-chunk size (so refills fall everywhere), against
// Python's csv module, and through ImportFile on the files that once made
// it read past its buffer (issue 16.4).
#include "io/record_reader.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "annals/import.h"
#include "engine/io/import_test_util.h"
#include "engine/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/row_mapper.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using internal::ByteSource;
using internal::Record;
using internal::RecordReader;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using test::kData;
using test::Slurp;

// A record as plain values, for comparisons.
struct Rec {
  std::string text;
  uint64_t line;
  bool unterminated, overlong, unclosed_array;
  size_t open_quote;
  bool operator==(const Rec&) const = default;
};

void PrintTo(const Rec& r, std::ostream* os) {
  *os << "{line " << r.line << (r.unterminated ? " unterminated" : "")
      << (r.overlong ? " overlong" : "") << (r.unclosed_array ? " unclosed_array" : "")
      << " open_quote " << static_cast<long long>(r.open_quote) << " \"" << r.text << "\"}";
}

std::vector<Rec> ReadAll(const std::string& input, RecordReader::Mode mode,
                         RecordReader::Sizes sizes, absl::Status* status = nullptr) {
  auto source = ByteSource::FromString(input);
  RecordReader reader(*source, mode, sizes);
  std::vector<Rec> out;
  Record r;
  while (reader.Next(&r))
    out.push_back({std::string(r.text), r.line, r.unterminated, r.overlong, r.unclosed_array,
                   r.open_quote});
  if (status != nullptr) *status = reader.status();
  return out;
}

// Python's csv rules, byte by byte over the whole input: a model of the
// CSV split with no buffer at all.
std::vector<Rec> CsvModel(const std::string& in) {
  std::vector<Rec> out;
  size_t i = 0;
  uint64_t line = 1;
  while (i < in.size()) {
    size_t start = i;
    enum { kStart, kUnquoted, kQuoted, kQuoteInQuoted } st = kStart;
    size_t quote_at = std::string::npos;
    bool ended = false;
    for (; i < in.size(); ++i) {
      char c = in[i];
      if (st == kQuoted) {
        if (c == '"') st = kQuoteInQuoted;
        continue;
      }
      if (c == '\n') {
        ended = true;
        break;
      }
      if (c == ',') st = kStart;
      else if (c == '"' && st == kStart) { st = kQuoted; quote_at = i - start; }
      else if (c == '"' && st == kQuoteInQuoted) st = kQuoted;
      else st = kUnquoted;
    }
    Rec r{in.substr(start, i - start), line, !ended, false, false,
          !ended && st == kQuoted ? quote_at : std::string::npos};
    line += std::count(r.text.begin(), r.text.end(), '\n') + (ended ? 1 : 0);
    if (ended) ++i;
    if (!r.text.empty() && r.text.back() == '\r') r.text.pop_back();
    if (r.text.find_first_not_of(" \t\r") != std::string::npos) out.push_back(r);
  }
  return out;
}

TEST(RecordReaderTest, CsvSplitMatchesTheModelAtEveryChunkSize) {
  std::mt19937 rng(16);
  const std::string alphabet = "ab,\"\n\r ";
  for (int round = 0; round < 300; ++round) {
    std::string in;
    size_t n = rng() % 60;
    for (size_t i = 0; i < n; ++i) in.push_back(alphabet[rng() % alphabet.size()]);
    std::vector<Rec> want = CsvModel(in);
    for (size_t chunk = 1; chunk <= 17; ++chunk) {
      auto got = ReadAll(in, RecordReader::Mode::kCsv, {.chunk = chunk});
      ASSERT_EQ(got, want) << "input \"" << in << "\", chunk " << chunk;
    }
  }
}

TEST(RecordReaderTest, JsonArraySplitIsTheSameAtEveryChunkSize) {
  std::mt19937 rng(4);
  const std::string alphabet = "[]{},\"\\ \nab1";
  for (int round = 0; round < 300; ++round) {
    std::string in = "[";
    size_t n = rng() % 60;
    for (size_t i = 0; i < n; ++i) in.push_back(alphabet[rng() % alphabet.size()]);
    absl::Status want_status;
    auto want = ReadAll(in, RecordReader::Mode::kJsonArray, {}, &want_status);
    for (const Rec& r : want) {
      // Each record is a slice of the input: no bytes from anywhere else.
      EXPECT_NE(in.find(r.text), std::string::npos) << in;
    }
    for (size_t chunk = 1; chunk <= 17; ++chunk) {
      absl::Status got_status;
      auto got = ReadAll(in, RecordReader::Mode::kJsonArray, {.chunk = chunk}, &got_status);
      ASSERT_EQ(got, want) << "input \"" << in << "\", chunk " << chunk;
      ASSERT_EQ(got_status, want_status) << in;
    }
  }
}

TEST(RecordReaderTest, TruncatedArrayEndsWithExactlyTheBytesLeft) {
  const std::string in = "[{\"a\": 1},\n {\"b\": [2, 3]},\n {\"c\": \"x, y";
  for (size_t chunk = 1; chunk <= 64; ++chunk) {
    auto got = ReadAll(in, RecordReader::Mode::kJsonArray, {.chunk = chunk});
    ASSERT_EQ(got.size(), 3u) << chunk;
    EXPECT_EQ(got[0].text, "{\"a\": 1}");
    EXPECT_EQ(got[1].text, "{\"b\": [2, 3]}");
    EXPECT_EQ(got[1].line, 2u);
    EXPECT_EQ(got[2].text, "{\"c\": \"x, y");
    EXPECT_EQ(got[2].line, 3u);
    EXPECT_TRUE(got[2].unterminated);
    EXPECT_FALSE(got[2].unclosed_array);  // one report of the cut, not two
  }
}

TEST(RecordReaderTest, AnArrayCutBetweenRecordsSaysItIsUnclosed) {
  for (std::string in : {"[", "[ \n", "[{\"a\": 1}", "[{\"a\": 1},\n"}) {
    auto got = ReadAll(in, RecordReader::Mode::kJsonArray, {.chunk = 2});
    ASSERT_FALSE(got.empty()) << in;
    EXPECT_TRUE(got.back().unclosed_array) << in;
    EXPECT_TRUE(got.back().text.empty());
  }
  auto closed = ReadAll("[{\"a\": 1}]\n", RecordReader::Mode::kJsonArray, {.chunk = 2});
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_FALSE(closed[0].unclosed_array);
}

TEST(RecordReaderTest, OverlongRecordsAtSmallLimitsKeepTheirStart) {
  std::string in = std::string(300, 'x') + "\nshort\n" + std::string(100, 'y');
  for (size_t chunk : {1, 7, 64, 1024}) {
    auto got = ReadAll(in, RecordReader::Mode::kLines, {.chunk = chunk, .max_record = 128});
    ASSERT_EQ(got.size(), 3u) << chunk;
    EXPECT_TRUE(got[0].overlong);
    EXPECT_TRUE(std::string(300, 'x').starts_with(got[0].text));
    EXPECT_EQ(got[1].text, "short");
    EXPECT_EQ(got[1].line, 2u);
    EXPECT_EQ(got[2].text, std::string(100, 'y'));
    EXPECT_TRUE(got[2].unterminated);
  }
}

// --- Through ImportFile, on real records (tests/data/plover-records.json) ---

class RecordReaderImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Open((fs::path(dir_.path()) / "store").string(), Options{});
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = *std::move(e);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = (fs::path(dir_.path()) / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  absl::StatusOr<ImportSummary> Import(const std::string& path,
                                       ImportFormat format = ImportFormat::kAuto) {
    rejects_.clear();
    ImportOptions o;
    o.format = format;
    return ImportFile(*engine_, path, o, [&](const RejectedLine& r) {
      rejects_.push_back(r);
      texts_.push_back(std::string(r.text));
    });
  }
  // The records of the test file, repeated to over `bytes`, as an array
  // whose last `cut` bytes are missing; `*whole` counts the records that
  // stay whole, `*tail` is what is left of the cut one.
  std::string TruncatedArray(size_t bytes, size_t cut, size_t* whole, std::string* tail) {
    std::string src = Slurp(kData + "plover-records.json");
    std::string body = src.substr(src.find('{'));
    body = body.substr(0, body.rfind('}') + 1);
    std::string arr = "[";
    size_t copies = 0;
    do arr += (copies++ ? ",\n" : "\n") + body;
    while (arr.size() < bytes);
    arr += "\n]\n";
    std::string text = arr.substr(0, arr.size() - cut);
    size_t last = text.rfind("\n{");
    *tail = text.substr(last + 1);
    *whole = copies * 11 - 1;  // 11 records per copy of the file
    return text;
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::vector<RejectedLine> rejects_;
  std::vector<std::string> texts_;
};

TEST_F(RecordReaderImportTest, ATruncatedPloverArrayOver64KiBReportsTheCutRecordExactly) {
  size_t whole = 0;
  std::string tail;
  std::string text = TruncatedArray(200 << 10, 300, &whole, &tail);
  ASSERT_GT(text.size(), 64u << 10);
  std::string plain = Write("cut.json", text);
  std::string gz = plain + ".gz";
  gzFile f = gzopen(gz.c_str(), "wb");
  ASSERT_EQ(gzwrite(f, text.data(), text.size()), static_cast<int>(text.size()));
  gzclose(f);
  for (const std::string& p : {plain, gz}) {
    SCOPED_TRACE(p);
    texts_.clear();
    auto sum = Import(p);
    ASSERT_TRUE(sum.ok()) << sum.status();
    EXPECT_EQ(sum->read, whole + 1);
    ASSERT_FALSE(rejects_.empty());
    EXPECT_THAT(rejects_.back().reason, StartsWith("truncated record: the file ends inside it"));
    EXPECT_EQ(texts_.back(), tail);  // no stale bytes from earlier in the buffer
    EXPECT_EQ(sum->read, sum->imported + sum->duplicates + sum->rejected);
  }
}

TEST_F(RecordReaderImportTest, EightyThousandUnclosedBracketsAreOneTruncatedRecord) {
  std::string p = Write("brackets.json", std::string(80000, '['));
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->read, 1u);
  EXPECT_EQ(sum->rejected, 1u);
  ASSERT_EQ(texts_.size(), 1u);
  EXPECT_EQ(texts_[0], std::string(79999, '['));
  EXPECT_THAT(rejects_[0].reason, StartsWith("truncated record: the file ends inside it"));
}

TEST_F(RecordReaderImportTest, AFileHoldingOnlyAnOpeningBracketIsTruncated) {
  std::string p = Write("open.json", "[\n");
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->read, 1u);
  EXPECT_EQ(sum->rejected, 1u);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_THAT(rejects_[0].reason,
              HasSubstr("truncated file: it ends before the closing \"]\" of its JSON array"));
  // Cut after a whole record: the record is imported, the cut reported.
  size_t whole = 0;
  std::string tail;
  std::string text = TruncatedArray(1, 0, &whole, &tail);
  text = text.substr(0, text.rfind('}') + 1);
  auto cut = Import(Write("cut-between.json", text));
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(cut->read, 12u);  // 11 records and the missing end
  EXPECT_THAT(rejects_.back().reason, HasSubstr("truncated file"));
}

TEST_F(RecordReaderImportTest, AStrayQuoteInAnUnquotedCsvFieldIsLiteral) {
  std::string p = Write("stray.csv",
                        "speaker,verb,occurred_at,content\n"
                        "Ada,said,2020,he said \"hi\n"
                        "Bob,said,2020,ok\n"
                        "Cy,said,2020,\"fine, \"\"really\"\"\"\n");
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->read, 3u);
  EXPECT_EQ(sum->imported, 3u);
  EXPECT_TRUE(rejects_.empty()) << rejects_[0].reason;
  auto e = engine_->Get(1);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->statement.content, "he said \"hi");
  auto last = engine_->Get(3);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->statement.content, "fine, \"really\"");
}

TEST_F(RecordReaderImportTest, AnUnclosedQuoteSaysWhereItOpened) {
  std::string p = Write("open-quote.csv",
                        "speaker,verb,occurred_at,content\n"
                        "Ada,said,2020,ok\n"
                        "Bob,said,2020,\"never closed\n"
                        "Cy,said,2020,fine\n");
  auto sum = Import(p);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->read, 2u);
  EXPECT_EQ(sum->imported, 1u);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].line, 3u);
  EXPECT_THAT(rejects_[0].reason,
              StartsWith("truncated record: the file ends inside a quoted field opened on "
                         "line 3"));
}

// Python's csv module (the oracle pandas agrees with) on tricky files: the
// same rows, field by field.
TEST(RecordReaderPythonTest, CsvRowsAreThoseOfPythonsCsvModule) {
  if (std::system("/usr/bin/python3 -c 'import csv' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 is not installed";
  test::TempDir dir;
  const std::vector<std::string> files = {
      "a,b\nx\"y,z\n1,2\n",
      "a,b\n\"q\"\"q\",\"line\nbreak\"\nplain,\"\"\n",
      "a,b\nx, \"y\"\n\"u\",\"v\"\n",
      "a,b\r\n1,2\r\nx\"\",\"\"\"\"\r\n",
  };
  for (size_t k = 0; k < files.size(); ++k) {
    std::string path = dir.path() + "/f" + std::to_string(k) + ".csv";
    std::ofstream(path, std::ios::binary) << files[k];
    std::string out = dir.path() + "/py.out";
    std::string cmd = "/usr/bin/python3 -c 'import csv,sys\n"
                      "for row in csv.reader(open(sys.argv[1], newline=\"\")):\n"
                      "  print(\"\\x1f\".join(row).replace(\"\\n\", \"\\\\n\").replace(\"\\r\", \"\\\\r\"))' " +
                      path + " >" + out;
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::vector<std::string> want;
    std::istringstream py(Slurp(out));
    for (std::string line; std::getline(py, line);) want.push_back(line);

    std::vector<std::string> got;
    for (const Rec& r : ReadAll(files[k], RecordReader::Mode::kCsv, {.chunk = 3})) {
      std::vector<std::string> fields;
      ASSERT_TRUE(internal::SplitCsvRecord(r.text, &fields).ok()) << r.text;
      std::string joined;
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) joined += '\x1f';
        for (char c : fields[i]) joined += c == '\n' ? std::string("\\n")
                                         : c == '\r' ? std::string("\\r") : std::string(1, c);
      }
      got.push_back(joined);
    }
    EXPECT_EQ(got, want) << "file " << k << ": " << files[k];
  }
}

}  // namespace
}  // namespace annals
