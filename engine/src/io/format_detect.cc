// Telling the formats apart by content, and the messages for a file that is
// not in the format it was named as.
#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "io/row_mapper.h"
#include "model/sv.h"

namespace annals {
namespace internal {
namespace {

// The content from its first non-blank line on, without a byte-order mark.
std::string_view Trimmed(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  size_t i = head.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? std::string_view() : head.substr(i);
}

std::string_view FirstLine(std::string_view head) {
  std::string_view t = Trimmed(head);
  std::string_view line = t.substr(0, t.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsGdeltLine(std::string_view line) {
  size_t cols = std::count(line.begin(), line.end(), '\t') + 1;
  return (cols == 57 || cols == 58 || cols == 61) && AllDigits(line.substr(0, line.find('\t')));
}

bool IsIcewsHeader(std::string_view line) {
  return line.find('\t') != std::string_view::npos &&
         line.find("Event ID") != std::string_view::npos &&
         line.find("CAMEO Code") != std::string_view::npos;
}

// A JSON object line that uses PLOVER's keys rather than a statement's.
bool LooksLikePlover(std::string_view line) {
  auto has = [&](std::string_view key) {
    return line.find(absl::StrCat("\"", AV(key), "\"")) != std::string_view::npos;
  };
  if (has("speaker") || has("verb") || has("occurred_at") || has("content")) return false;
  return has("eventText") || (has("event") && (has("source") || has("actor") || has("date")));
}

std::string Quoted(std::string_view s) {
  if (s.size() > 24) s = s.substr(0, 24);
  return absl::StrCat("\"", absl::CEscape(AV(s)), s.size() == 24 ? "...\"" : "\"");
}

}  // namespace

std::string DescribeHead(std::string_view head) {
  std::string_view t = Trimmed(head);
  if (t.empty()) return "an empty file";
  if (t.find('\0') != std::string_view::npos) return "binary data";
  if (t[0] == '[') return "a JSON array";
  std::string_view line = FirstLine(head);
  if (t[0] == '{') {
    if (LooksLikePlover(line)) return "a JSON object with PLOVER's keys (event, eventText, source)";
    return "a JSON object";
  }
  size_t tabs = std::count(line.begin(), line.end(), '\t');
  if (tabs > 0) {
    std::string what = absl::StrCat("a tab-separated line of ", tabs + 1,
                                    " columns starting ", Quoted(line.substr(0, line.find('\t'))));
    if (IsIcewsHeader(line)) absl::StrAppend(&what, " (an ICEWS header)");
    else if (IsGdeltLine(line)) absl::StrAppend(&what, " (a GDELT row)");
    return what;
  }
  size_t commas = std::count(line.begin(), line.end(), ',');
  if (commas > 0)
    return absl::StrCat("a comma-separated line of ", commas + 1, " columns starting ",
                        Quoted(line.substr(0, line.find(','))));
  return absl::StrCat("a line starting ", Quoted(line));
}

absl::Status CheckImportFormat(ImportFormat format, std::string_view head) {
  std::string_view t = Trimmed(head);
  if (t.empty()) return absl::OkStatus();  // nothing to import, nothing wrong
  std::string_view line = FirstLine(head);
  const char* expected = nullptr;
  switch (format) {
    case ImportFormat::kGdelt:
      if (IsGdeltLine(line)) return absl::OkStatus();
      expected = "GDELT events (57, 58 or 61 tab-separated columns, no header row, "
                 "GLOBALEVENTID first)";
      break;
    case ImportFormat::kIcews:
      if (IsIcewsHeader(line)) return absl::OkStatus();
      expected = "ICEWS events (a tab-separated header row with \"Event ID\" and "
                 "\"CAMEO Code\")";
      break;
    case ImportFormat::kPlover:
      if (t[0] == '[' || t[0] == '{') return absl::OkStatus();
      expected = "PLOVER/POLECAT JSON (an array of records, or one record per line)";
      break;
    case ImportFormat::kJsonl:
      if (t[0] == '{') return absl::OkStatus();
      expected = "JSON Lines (one statement object per line)";
      break;
    case ImportFormat::kCsv:
      if (t[0] != '{' && t[0] != '[' && line.find('\t') == std::string_view::npos &&
          line.find(',') != std::string_view::npos)
        return absl::OkStatus();
      expected = "CSV with a header row (comma-separated column names)";
      break;
    case ImportFormat::kAuto:
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("not ", ImportFormatName(format), ": expected ", expected, ", found ",
                   DescribeHead(head)));
}

RecordReader::Mode RecordModeFor(ImportFormat format, std::string_view head) {
  if (format == ImportFormat::kCsv) return RecordReader::Mode::kCsv;
  if (format == ImportFormat::kPlover && Trimmed(head).starts_with("["))
    return RecordReader::Mode::kJsonArray;
  return RecordReader::Mode::kLines;
}

bool HasHeaderRow(ImportFormat format) {
  return format == ImportFormat::kCsv || format == ImportFormat::kIcews;
}

absl::StatusOr<std::unique_ptr<RowMapper>> NewRowMapper(ImportFormat format,
                                                        std::string_view first) {
  switch (format) {
    case ImportFormat::kGdelt: return NewGdeltMapper(first);
    case ImportFormat::kIcews: return NewIcewsMapper(first);
    case ImportFormat::kCsv: return NewCsvMapper(first);
    case ImportFormat::kPlover: return NewPloverMapper();
    case ImportFormat::kJsonl: return NewJsonlMapper();
    case ImportFormat::kAuto: break;
  }
  return absl::InternalError("NewRowMapper: no format");
}

std::string RowMapper::Locate(std::string_view, size_t offset) const {
  return absl::StrCat("byte ", offset + 1);
}

absl::Status FieldError(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(AV(field), ": ", AV(why)));
}

absl::Status TooManyAttributes(std::string_view key) {
  return FieldError(key.substr(0, 64),
                    absl::StrCat("one attribute too many: a statement holds at most ",
                                 Limits::kAttributes, " attributes (the rest of the record "
                                 "was not read)"));
}

absl::Status TooManyItems(std::string_view field) {
  return FieldError(field.substr(0, 64),
                    absl::StrCat("one item too many: a statement holds at most ",
                                 Limits::kListItems, " targets and ", Limits::kListItems,
                                 " topics (the rest of the record was not read)"));
}

absl::Status CheckLength(std::string_view field, std::string_view value, size_t limit) {
  if (value.size() <= limit) return absl::OkStatus();
  return FieldError(field, absl::StrCat("over-long field (", value.size(),
                                        " bytes; the limit is ", limit, ")"));
}

void SplitFields(std::string_view line, char sep, std::vector<std::string_view>* out) {
  out->clear();
  size_t start = 0;
  for (;;) {
    const void* p = std::memchr(line.data() + start, sep, line.size() - start);
    if (p == nullptr) {
      out->push_back(line.substr(start));
      return;
    }
    size_t at = static_cast<const char*>(p) - line.data();
    out->push_back(line.substr(start, at - start));
    start = at + 1;
  }
}

}  // namespace internal

const char* ImportFormatName(ImportFormat format) {
  switch (format) {
    case ImportFormat::kAuto: return "auto";
    case ImportFormat::kJsonl: return "jsonl";
    case ImportFormat::kCsv: return "csv";
    case ImportFormat::kGdelt: return "gdelt";
    case ImportFormat::kIcews: return "icews";
    case ImportFormat::kPlover: return "plover";
  }
  return "?";
}

absl::StatusOr<ImportFormat> ParseImportFormat(std::string_view name) {
  std::string n = absl::AsciiStrToLower(internal::AV(name));
  if (n == "auto") return ImportFormat::kAuto;
  if (n == "jsonl" || n == "ndjson") return ImportFormat::kJsonl;
  if (n == "csv") return ImportFormat::kCsv;
  if (n == "gdelt") return ImportFormat::kGdelt;
  if (n == "icews") return ImportFormat::kIcews;
  if (n == "plover" || n == "polecat" || n == "json") return ImportFormat::kPlover;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown format \"", n, "\"; expected auto, jsonl, csv, gdelt, icews or plover"));
}

absl::StatusOr<ImportFormat> DetectImportFormat(std::string_view head) {
  using namespace internal;
  std::string_view t = Trimmed(head);
  if (t.empty()) return ImportFormat::kJsonl;  // nothing to read either way
  if (t[0] == '[') return ImportFormat::kPlover;
  std::string_view line = FirstLine(head);
  if (t[0] == '{') return LooksLikePlover(line) ? ImportFormat::kPlover : ImportFormat::kJsonl;
  if (IsGdeltLine(line)) return ImportFormat::kGdelt;
  if (IsIcewsHeader(line)) return ImportFormat::kIcews;
  if (line.find('\t') == std::string_view::npos && line.find(',') != std::string_view::npos &&
      t.find('\0') == std::string_view::npos)
    return ImportFormat::kCsv;
  return absl::InvalidArgumentError(absl::StrCat(
      "cannot tell the format: found ", DescribeHead(head),
      "; expected GDELT (57, 58 or 61 tab-separated columns), ICEWS (a tab-separated "
      "header with \"Event ID\"), PLOVER JSON, JSON Lines or CSV with a header; "
      "name it with --format"));
}

}  // namespace annals
