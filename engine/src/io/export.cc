// Export: the statements of a seq range as currently corrected (as of a
// point of the log), written as JSON Lines, CSV or GDELT 2.0 rows.
#include "annals/export.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "annals/cameo.h"
#include "annals/fields.h"
#include "annals/json.h"
#include "io/compact_date.h"
#include "io/gdelt_columns.h"
#include "io/json_object.h"
#include "model/statement_fields.h"
#include "model/sv.h"

namespace annals {
namespace {

using internal::AV;

// --- JSON Lines ---

void AppendJsonl(const Statement& s, std::string* out) {
  out->push_back('{');
  internal::AppendStatementJsonFields(s.id, s, out);
  out->append("}\n");
}

// --- CSV ---

// The header: id, then every field's column but attributes (which become
// "attr.NAME" columns).
std::string CsvHeader(const std::vector<std::string>& attr_keys, CsvCell how) {
  std::string out;
  AppendCsvField("id", &out);
  for (const StatementField& f : StatementFields()) {
    if (f.type == FieldType::kAttributes) continue;
    out.push_back(',');
    AppendCsvField(f.column, &out);
  }
  for (const std::string& k : attr_keys) {
    out.push_back(',');
    AppendCsvField(absl::StrCat("attr.", k), &out, how);
  }
  out.push_back('\n');
  return out;
}

void AppendCsv(const Statement& s, const std::vector<std::string>& attr_keys,
               const absl::flat_hash_map<std::string, size_t>& attr_index, CsvCell how,
               std::string* out) {
  AppendCsvField(s.id, out, how);
  for (const StatementField& f : StatementFields()) {
    if (f.type == FieldType::kAttributes) continue;
    out->push_back(',');
    AppendCsvField(internal::FlatValue(f, s), out, how);
  }
  std::vector<const std::string*> attrs(attr_keys.size(), nullptr);
  for (const Attribute& a : s.attributes) {
    auto it = attr_index.find(a.key);
    if (it != attr_index.end()) attrs[it->second] = &a.value;
  }
  for (const std::string* v : attrs) {
    out->push_back(',');
    if (v != nullptr) AppendCsvField(*v, out, how);
  }
  out->push_back('\n');
}

// --- GDELT 2.0 ---

std::string GdeltCell(std::string_view v) {
  std::string s(v);
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

// Imported from GDELT: the id is "gdelt:" and a GLOBALEVENTID.
bool FromGdelt(std::string_view id) {
  return id.size() > 6 && id.starts_with("gdelt:") &&
         std::all_of(id.begin() + 6, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void AppendGdelt(const Statement& s, std::string* out) {
  using internal::kGdeltV2Columns;
  auto attr = [&](std::string_view name) -> const std::string* {
    for (const Attribute& a : s.attributes)
      if (a.key == name) return &a.value;
    return nullptr;
  };
  const CameoCode* cameo = FindCameoCode(s.code);
  absl::CivilDay day = absl::ToCivilDay(absl::FromUnixMicros(s.occurred_at.micros),
                                        absl::UTCTimeZone());
  for (size_t i = 0; i < 61; ++i) {
    std::string_view name = kGdeltV2Columns[i];
    std::string v;
    if (name == "GLOBALEVENTID") {
      v = s.id.substr(6);  // FromGdelt
    } else if (name == "SQLDATE") {
      v = internal::FormatCompactDate(s.occurred_at, false);
    } else if (name == "Actor1Name") {
      v = s.speaker;
    } else if (name == "Actor2Name") {
      v = s.targets.empty() ? "" : s.targets[0];
    } else if (name == "EventCode") {
      v = s.code;
    } else if (name == "DATEADDED") {
      v = internal::FormatCompactDate(s.source.published_at, true);
    } else if (name == "SOURCEURL") {
      v = s.source.url;
    } else if (const std::string* a = attr(name)) {
      v = *a;
    } else if (name == "MonthYear") {
      v = absl::StrFormat("%04d%02d", day.year(), day.month());
    } else if (name == "Year") {
      v = absl::StrCat(day.year());
    } else if (name == "FractionDate") {
      v = absl::StrFormat("%.4f", day.year() + (day.month() * 30 + day.day()) / 365.0);
    } else if (name == "EventBaseCode" && s.code.size() >= 3) {
      v = s.code.substr(0, 3);
    } else if (name == "EventRootCode" && s.code.size() >= 2) {
      v = s.code.substr(0, 2);
    } else if (name == "QuadClass" && cameo != nullptr) {
      v = absl::StrCat(cameo->quad_class);
    } else if (name == "GoldsteinScale" && cameo != nullptr) {
      v = absl::StrFormat("%.1f", cameo->goldstein);
    }
    if (i) out->push_back('\t');
    out->append(GdeltCell(v));
  }
  out->push_back('\n');
}

}  // namespace

bool NeedsFormulaGuard(std::string_view v) {
  if (v.empty() || std::string_view("=+-@\t\r").find(v[0]) == std::string_view::npos)
    return false;
  // A plain number: sign, digits, at most one '.' with digits after it.
  std::string_view n = v.substr(v[0] == '+' || v[0] == '-' ? 1 : 0);
  const size_t dot = n.find('.');
  std::string_view whole = n.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "0" : n.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return !(digits(whole) && digits(frac));
}

void AppendCsvField(std::string_view v, std::string* out, CsvCell how) {
  const bool guard = how == CsvCell::kSpreadsheetSafe && NeedsFormulaGuard(v);
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    if (guard) out->push_back('\'');
    out->append(v);
    return;
  }
  out->push_back('"');
  if (guard) out->push_back('\'');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

const char* ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl: return "jsonl";
    case ExportFormat::kCsv: return "csv";
    case ExportFormat::kGdelt: return "gdelt";
  }
  return "?";
}

absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view name) {
  std::string n = absl::AsciiStrToLower(AV(name));
  if (n == "jsonl") return ExportFormat::kJsonl;
  if (n == "csv") return ExportFormat::kCsv;
  if (n == "gdelt") return ExportFormat::kGdelt;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown export format \"", n, "\"; expected jsonl, csv or gdelt"));
}

absl::StatusOr<ExportSummary> Export(const Engine& engine, const ExportOptions& options,
                                     const ExportSink& out) {
  ExportSummary sum;
  const CsvCell how = options.spreadsheet_safe ? CsvCell::kSpreadsheetSafe : CsvCell::kRaw;
  const bool skip_others = options.format == ExportFormat::kGdelt && options.gdelt_only;
  // Calls `fn(event, current statement)` for each statement to write;
  // `counting` fills in `sum` (once, on the writing pass).
  auto each = [&](bool counting, auto&& fn) -> absl::Status {
    auto visited = ForEachCurrentStatement(engine, options, [&](const TimelineEntry& e) {
      if (skip_others && !FromGdelt(e.event.id)) {
        if (counting) ++sum.skipped;
        return absl::OkStatus();
      }
      if (counting) {
        ++sum.written;
        if (e.version_seq != e.event.seq) ++sum.corrected;
      }
      return fn(e.event, e.event.statement);
    });
    if (!visited.ok()) return visited.status();
    sum.as_of = visited->as_of;
    if (counting) sum.retracted = visited->retracted;
    return absl::OkStatus();
  };

  std::string buf;
  auto flush = [&](bool force) -> absl::Status {
    if (buf.empty() || (!force && buf.size() < (1 << 16))) return absl::OkStatus();
    absl::Status st = out(buf);
    buf.clear();
    return st;
  };

  absl::Status st;
  switch (options.format) {
    case ExportFormat::kJsonl:
      st = each(true, [&](const Event&, const Statement& s) {
        if (s.id.starts_with("h:")) {
          Statement copy = s;
          copy.id = ContentId(s);
          AppendJsonl(copy, &buf);
        } else {
          AppendJsonl(s, &buf);
        }
        return flush(false);
      });
      break;
    case ExportFormat::kCsv: {
      std::vector<std::string> keys;
      absl::flat_hash_map<std::string, size_t> index;
      st = each(false, [&](const Event&, const Statement& s) {
        for (const Attribute& a : s.attributes)
          if (index.emplace(a.key, keys.size()).second) keys.push_back(a.key);
        return absl::OkStatus();
      });
      if (!st.ok()) return st;
      buf += CsvHeader(keys, how);
      st = each(true, [&](const Event&, const Statement& s) {
        if (s.id.starts_with("h:")) {
          Statement copy = s;
          copy.id = ContentId(s);
          AppendCsv(copy, keys, index, how, &buf);
        } else {
          AppendCsv(s, keys, index, how, &buf);
        }
        return flush(false);
      });
      break;
    }
    case ExportFormat::kGdelt: {
      // Statements not from GDELT have no GLOBALEVENTID: refuse before
      // writing anything, unless asked to leave them out (skip_others).
      uint64_t others = 0, total = 0;
      Event first;
      if (!skip_others) {
        st = each(false, [&](const Event& e, const Statement&) {
          ++total;
          if (!FromGdelt(e.id) && others++ == 0) first = e;
          return absl::OkStatus();
        });
        if (!st.ok()) return st;
      }
      if (others > 0)
        return absl::InvalidArgumentError(absl::StrCat(
            "export --format gdelt: ", others, " of the ", total,
            " statements did not come from GDELT (the first: seq ", first.seq, ", id \"",
            first.id.substr(0, 64), "\"); GDELT rows are keyed by GLOBALEVENTID, which they "
            "lack, and a number made up for them could be a real GDELT event's. Export them "
            "as jsonl or csv, or pass --gdelt-only to write the ", total - others,
            " GDELT statements alone"));
      st = each(true, [&](const Event&, const Statement& s) {
        AppendGdelt(s, &buf);
        return flush(false);
      });
      break;
    }
  }
  if (!st.ok()) return st;
  if (auto f = flush(true); !f.ok()) return f;
  return sum;
}

}  // namespace annals
