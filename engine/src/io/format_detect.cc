// Telling the formats apart by content, and the messages for a file that is
// not in the format it was named as.
#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "io/gdelt_files.h"
#include "io/row_mapper.h"
#include "model/subject.h"
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

// GDELT events, with or without a header row.
bool IsGdeltEvents(const GdeltShape& shape) {
  return shape.kind == GdeltFile::kEvents || shape.kind == GdeltFile::kEventsHeader;
}

bool IsIcewsHeader(std::string_view line) {
  return line.find('\t') != std::string_view::npos &&
         line.find("Event ID") != std::string_view::npos &&
         line.find("CAMEO Code") != std::string_view::npos;
}

// Whether JSON text has `key` as a key: "key" then, past blanks, a colon.
bool HasKey(std::string_view text, std::string_view key) {
  const std::string quoted = absl::StrCat("\"", AV(key), "\"");
  for (size_t at = text.find(quoted); at != std::string_view::npos;
       at = text.find(quoted, at + 1)) {
    size_t next = text.find_first_not_of(" \t\r\n", at + quoted.size());
    if (next != std::string_view::npos && text[next] == ':') return true;
  }
  return false;
}

// A JSON object with a statement's keys (annals/json.h).
bool LooksLikeStatement(std::string_view text) {
  return HasKey(text, "speaker") || HasKey(text, "verb") || HasKey(text, "occurred_at") ||
         HasKey(text, "content");
}

// A JSON object that uses PLOVER's keys rather than a statement's.
bool LooksLikePlover(std::string_view text) {
  if (LooksLikeStatement(text)) return false;
  return HasKey(text, "eventText") ||
         (HasKey(text, "event") &&
          (HasKey(text, "source") || HasKey(text, "actor") || HasKey(text, "date")));
}

// The first JSON object of content starting with `t` ("{" or "[{"): the
// text up to its first "}" (enough to see its top-level keys), within the
// head read.
std::string_view FirstObject(std::string_view t) {
  size_t open = t.find('{');
  if (open == std::string_view::npos) return {};
  size_t close = t.find('}', open);
  return t.substr(open, close == std::string_view::npos ? std::string_view::npos
                                                          : close - open + 1);
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
  if (t[0] == '[') {
    if (LooksLikeStatement(FirstObject(t)))
      return "a JSON array of objects with a statement's keys (speaker, verb, occurred_at)";
    return "a JSON array";
  }
  std::string_view line = FirstLine(head);
  if (GdeltShape shape = RecogniseGdeltFile(line); shape.kind != GdeltFile::kNone)
    return shape.description;
  if (t[0] == '{') {
    if (LooksLikePlover(line)) return "a JSON object with PLOVER's keys (event, eventText, source)";
    if (LooksLikeStatement(line))
      return "a JSON object with a statement's keys (speaker, verb, occurred_at, content): "
             "JSON Lines statements";
    return "a JSON object";
  }
  size_t tabs = std::count(line.begin(), line.end(), '\t');
  if (tabs > 0) {
    std::string what = absl::StrCat("a tab-separated line of ", tabs + 1,
                                    " columns starting ", Quoted(line.substr(0, line.find('\t'))));
    if (IsIcewsHeader(line)) absl::StrAppend(&what, " (an ICEWS header)");
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
      if (IsGdeltEvents(RecogniseGdeltFile(line))) return absl::OkStatus();
      expected = "GDELT events (57, 58 or 61 tab-separated columns with GLOBALEVENTID "
                 "first, or a header row naming GDELT's columns)";
      break;
    case ImportFormat::kIcews:
      if (IsIcewsHeader(line)) return absl::OkStatus();
      expected = "ICEWS events (a tab-separated header row with \"Event ID\" and "
                 "\"CAMEO Code\")";
      break;
    case ImportFormat::kPlover:
      if ((t[0] == '[' || t[0] == '{') && !LooksLikeStatement(FirstObject(t)))
        return absl::OkStatus();
      expected = "PLOVER/POLECAT JSON (an array of records, or one record per line, with "
                 "keys such as id, date, event, eventText, source, target)";
      break;
    case ImportFormat::kJsonl:
      if (t[0] == '{' && !LooksLikePlover(line)) return absl::OkStatus();
      expected = "JSON Lines (one statement object per line, with keys such as speaker, "
                 "verb, occurred_at, content)";
      break;
    case ImportFormat::kCsv:
      if (t[0] != '{' && t[0] != '[' && line.find('\t') == std::string_view::npos &&
          line.find(',') != std::string_view::npos &&
          RecogniseGdeltFile(line).kind == GdeltFile::kNone)
        return absl::OkStatus();
      expected = "CSV statements with a header row (comma-separated column names such as "
                 "speaker, verb, occurred_at)";
      if (IsGdeltEvents(RecogniseGdeltFile(line)))
        return absl::InvalidArgumentError(absl::StrCat(
            "not csv: expected ", expected, ", found ", DescribeHead(head),
            "; import it with --format gdelt (or auto)"));
      break;
    case ImportFormat::kAliases:
      return NewAliasMapper(line).status();  // its header names alias and canonical
    case ImportFormat::kGdeltMentions:
      return NewGdeltMentionsMapper(line).status();
    case ImportFormat::kAuto:
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("not ", ImportFormatName(format), ": expected ", expected, ", found ",
                   DescribeHead(head)));
}

absl::Status SplitRow(std::string_view text, char separator,
                      std::vector<std::string_view>* fields, std::vector<std::string>* cells) {
  if (separator == '\t') {
    SplitFields(text, '\t', fields);
    return absl::OkStatus();
  }
  if (auto st = SplitCsvRecord(text, cells); !st.ok()) return st;
  fields->assign(cells->begin(), cells->end());
  return absl::OkStatus();
}

RecordReader::Mode RecordModeFor(ImportFormat format, std::string_view head) {
  if (format == ImportFormat::kCsv || format == ImportFormat::kAliases)
    return RecordReader::Mode::kCsv;
  if ((format == ImportFormat::kGdelt || format == ImportFormat::kGdeltMentions) &&
      RecogniseGdeltFile(FirstLine(head)).separator == ',')
    return RecordReader::Mode::kCsv;  // BigQuery's CSV: quoted cells may hold line ends
  if (format == ImportFormat::kPlover && Trimmed(head).starts_with("["))
    return RecordReader::Mode::kJsonArray;
  return RecordReader::Mode::kLines;
}

absl::StatusOr<std::unique_ptr<RowMapper>> NewRowMapper(ImportFormat format,
                                                        std::string_view first) {
  switch (format) {
    case ImportFormat::kGdelt: return NewGdeltMapper(first);
    case ImportFormat::kIcews: return NewIcewsMapper(first);
    case ImportFormat::kCsv: return NewCsvMapper(first);
    case ImportFormat::kPlover: return NewPloverMapper();
    case ImportFormat::kJsonl: return NewJsonlMapper();
    case ImportFormat::kAliases: return NewAliasMapper(first);
    case ImportFormat::kGdeltMentions: return NewGdeltMentionsMapper(first);
    case ImportFormat::kAuto: break;
  }
  return absl::InternalError("NewRowMapper: no format");
}

std::string RowMapper::Locate(std::string_view, size_t offset) const {
  return absl::StrCat("byte ", offset + 1);
}

absl::Status FieldError(std::string_view field, std::string_view why) {
  return WithSubject(absl::InvalidArgumentError(absl::StrCat(AV(field), ": ", AV(why))), field);
}

absl::Status TooManyAttributes(std::string_view key) {
  return WithSubject(FieldError(key.substr(0, 64),
                    absl::StrCat("one attribute too many: a statement holds at most ",
                                 Limits::kAttributes, " attributes (the rest of the record "
                                 "was not read)")),
                     "attributes");
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
    // (memchr must not see the null data of an empty view)
    const void* p = start < line.size()
                        ? std::memchr(line.data() + start, sep, line.size() - start)
                        : nullptr;
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
    case ImportFormat::kAliases: return "aliases";
    case ImportFormat::kGdeltMentions: return "gdelt-mentions";
  }
  return "?";
}

absl::StatusOr<ImportFormat> ParseImportFormat(std::string_view name) {
  for (ImportFormat f : {ImportFormat::kAuto, ImportFormat::kJsonl, ImportFormat::kCsv,
                         ImportFormat::kGdelt, ImportFormat::kIcews, ImportFormat::kPlover,
                         ImportFormat::kAliases, ImportFormat::kGdeltMentions})
    if (name == ImportFormatName(f)) return f;
  // Names that were once accepted, or that users reach for: say which is meant.
  std::string n = absl::AsciiStrToLower(internal::AV(name));
  std::string hint;
  if (n == "json")
    hint = " (JSON Lines statements are jsonl; PLOVER/POLECAT JSON records are plover)";
  else if (n == "ndjson" || n == "jsonlines" || n == "jsonl")
    hint = " (JSON Lines statements are jsonl)";
  else if (n == "polecat" || n == "plover")
    hint = " (PLOVER/POLECAT JSON records are plover)";
  else if (n == "tsv" || n == "tab")
    hint = " (tab-separated event files are gdelt or icews)";
  else if (n == "alias")
    hint = " (a CSV of actor aliases is aliases)";
  else if (n == "mentions" || n == "gdelt_mentions" || n == "gdelt-mentions")
    hint = " (GDELT 2.0 mentions files are gdelt-mentions)";
  else if (n == "auto" || n == "csv" || n == "gdelt" || n == "icews" || n == "aliases")
    hint = absl::StrCat(" (format names are lower case: ", n, ")");
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown format \"", internal::AV(name.substr(0, 40)),
      "\"; expected auto, jsonl, csv, gdelt, gdelt-mentions, icews, plover or aliases", hint));
}

absl::StatusOr<ImportFormat> DetectImportFormat(std::string_view head) {
  using namespace internal;
  std::string_view t = Trimmed(head);
  if (t.empty()) return ImportFormat::kJsonl;  // nothing to read either way
  if (t[0] == '[') return ImportFormat::kPlover;
  std::string_view line = FirstLine(head);
  if (t[0] == '{') return LooksLikePlover(line) ? ImportFormat::kPlover : ImportFormat::kJsonl;
  GdeltShape gdelt = RecogniseGdeltFile(line);
  if (IsGdeltEvents(gdelt)) return ImportFormat::kGdelt;
  if (gdelt.kind == GdeltFile::kMentions) return ImportFormat::kGdeltMentions;
  if (gdelt.kind == GdeltFile::kGkg)
    return absl::InvalidArgumentError(absl::StrCat(
        "this looks like ", gdelt.description, "; annals does not import the GKG (it "
        "imports GDELT event files: the events table, *.export.CSV)"));
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
