#include "cli/output.h"

#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "annals/fields.h"
#include "annals/json.h"
#include "cli/terminal.h"
#include "utf8proc.h"

namespace annals::cli {

CsvCell CellRule(bool spreadsheet_safe) {
  return spreadsheet_safe ? CsvCell::kSpreadsheetSafe : CsvCell::kRaw;
}

std::string CsvRow(const std::vector<std::string>& cells, CsvCell how) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line.push_back(',');
    AppendCsvField(cells[i], &line, how);
  }
  return line + "\r\n";
}

namespace {

void Put(std::FILE* out, std::string_view s) {
  std::fwrite(s.data(), 1, s.size(), out);
}

// The prefix of `raw`, escaped for the terminal, that fits in `width`
// columns (with a trailing "…" when cut), padded to `width` if `pad`.
std::string Fit(std::string_view raw, int width, bool pad) {
  const std::string s = EscapeForTerminal(raw);
  std::string out;
  int used = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t n = static_cast<utf8proc_ssize_t>(s.size());
  std::vector<std::pair<size_t, int>> marks;  // (bytes in out, cols used)
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0xFFFD;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {  // cannot happen after escaping
      cp = 0xFFFD;
      len = 1;
    }
    int w = utf8proc_charwidth(cp);
    if (w < 0) w = 0;
    if (used + w > width) {
      // Cut: drop characters until "…" (1 column) fits.
      while (!marks.empty() && used + 1 > width) {
        out.resize(marks.back().first);
        used = marks.back().second;
        marks.pop_back();
      }
      out += "\u2026";
      ++used;
      break;
    }
    marks.emplace_back(out.size(), used);
    out.append(s.data() + i, static_cast<size_t>(len));
    used += w;
    i += len;
  }
  if (pad) out.append(static_cast<size_t>(std::max(0, width - used)), ' ');
  return out;
}

// seq 6, occurred 10, speaker 16, verb 11, targets 16, content 35, plus five
// single-space gaps: exactly 99 columns, so rows never wrap at 100.
constexpr int kSeqW = 6, kDateW = 10, kSpeakerW = 16, kVerbW = 11,
              kTargetsW = 16, kContentW = 35;

class TableWriter final : public EventWriter {
 public:
  explicit TableWriter(std::FILE* out, std::string_view empty = "(no events)")
      : out_(out), empty_(empty) {}
  void Write(const Event& e) override { WriteMarked(e, ""); }
  // `marker` goes before the content, e.g. "[corrected] ".
  void WriteMarked(const Event& e, std::string_view marker) {
    if (!header_done_) {
      header_done_ = true;
      Row("SEQ", "OCCURRED", "SPEAKER", "VERB", "TARGETS", "CONTENT");
    }
    const Statement& s = e.statement;
    std::string content = !s.content.empty() ? s.content
                          : !s.quote.empty() ? absl::StrCat("\"", s.quote, "\"")
                                             : s.code;
    std::string verb = !s.verb.empty() ? s.verb : s.code;
    // Amendments say what they amend where the content goes.
    switch (e.kind) {
      case EventKind::kCorrection:
        content = absl::StrCat("[corrects ", e.target, "] ", content);
        break;
      case EventKind::kRetraction:
        verb = "retract";
        content = absl::StrCat("[retracts ", e.target, "] ", e.reason);
        break;
      case EventKind::kActorAlias:
        verb = "alias";
        content = absl::StrCat(e.alias, " = ", e.canonical);
        break;
      case EventKind::kMention:
        verb = "mention";
        content = absl::StrCat("[mentions ", e.mentioned, "] ", s.source.outlet,
                               s.source.outlet.empty() ? "" : " ", s.source.url);
        break;
      case EventKind::kStatement:
        break;
    }
    // A mention is dated by its article.
    const Timestamp& when = e.kind == EventKind::kMention ? s.source.published_at : s.occurred_at;
    Row(absl::StrCat(e.seq), FormatTime(when), s.speaker, verb,
        absl::StrJoin(s.targets, ", "), std::string(marker) + content);
  }
  void Finish() override {
    if (!header_done_) Put(out_, absl::StrCat(empty_, "\n"));
  }

 private:
  void Row(std::string_view seq, std::string_view date, std::string_view speaker,
           std::string_view verb, std::string_view targets,
           std::string_view content) {
    std::string line = Fit(seq, kSeqW, true);
    absl::StrAppend(&line, " ", Fit(date, kDateW, true), " ",
                    Fit(speaker.empty() ? "-" : speaker, kSpeakerW, true), " ",
                    Fit(verb, kVerbW, true), " ",
                    Fit(targets.empty() ? "-" : targets, kTargetsW, true), " ",
                    Fit(content, kContentW, false));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    line.push_back('\n');
    Put(out_, line);
  }
  std::FILE* out_;
  std::string empty_;
  bool header_done_ = false;
};

class JsonlWriter final : public EventWriter {
 public:
  JsonlWriter(std::FILE* out, const Engine* engine) : out_(out), engine_(engine) {}
  void Write(const Event& e) override {
    std::string target_id;
    if (engine_ != nullptr && status_.ok()) {
      auto id = AmendedStatementId(*engine_, e);
      if (id.ok()) target_id = *std::move(id);
      else status_ = id.status();
    }
    if (!status_.ok()) return;
    std::string line = EventToJson(e, target_id);
    line.push_back('\n');
    Put(out_, line);
  }
  absl::Status status() const override { return status_; }

 private:
  std::FILE* out_;
  const Engine* engine_;
  absl::Status status_;
};

// A field's cell: lists are joined with ';' (the CSV import convention);
// attributes are a JSON object so keys and values survive any punctuation.
std::string FieldCell(const StatementField& f, const Statement& s) {
  switch (f.type) {
    case FieldType::kText: return f.Text(s);
    case FieldType::kTextList: return absl::StrJoin(f.List(s), ";");
    case FieldType::kTime: return FormatTime(f.Time(s));
    case FieldType::kAttributes: break;
  }
  if (s.attributes.empty()) return std::string();
  std::string attrs = "{";
  for (const Attribute& a : s.attributes) {
    if (attrs.size() > 1) attrs.push_back(',');
    AppendJsonString(a.key, &attrs);
    attrs.push_back(':');
    AppendJsonString(a.value, &attrs);
  }
  attrs.push_back('}');
  return attrs;
}

std::vector<std::string> CsvCells(const Event& e) {
  std::vector<std::string> cells = {absl::StrCat(e.seq),
                                    FormatTime({e.recorded_at, Precision::kSecond}),
                                    EventKindName(e.kind), e.id};
  for (const StatementField& f : StatementFields()) cells.push_back(FieldCell(f, e.statement));
  return cells;
}

// `log`/`show` csv: after CsvColumns(), what an amendment amends (empty for
// statements) and what a mention reports, named as in EventToJson; the
// cells are AmendmentCells.
std::vector<std::string> AmendmentColumns() {
  return {"target", "reason", "alias", "canonical", "event_id"};
}
std::vector<std::string> AmendmentCells(const Event& e) {
  const bool amends =
      e.kind == EventKind::kCorrection || e.kind == EventKind::kRetraction;
  return {amends ? absl::StrCat(e.target) : std::string(), e.reason, e.alias,
          e.canonical, e.mentioned};
}

// Write(Event) writes an event's row for `log`/`show` (whose header has the
// amendment columns); timelines write their own rows with WriteRow.
class CsvWriter final : public EventWriter {
 public:
  CsvWriter(std::FILE* out, CsvCell how, std::vector<std::string> extra = {})
      : out_(out), how_(how) {
    std::string h;
    for (const std::string& c : CsvColumns()) absl::StrAppend(&h, h.empty() ? "" : ",", c);
    for (const std::string& c : extra) absl::StrAppend(&h, ",", c);
    h.append("\r\n");
    Put(out_, h);
  }
  void Write(const Event& e) override {
    std::vector<std::string> cells = CsvCells(e);
    for (std::string& c : AmendmentCells(e)) cells.push_back(std::move(c));
    WriteRow(cells);
  }
  void WriteRow(const std::vector<std::string>& cells) { Put(out_, CsvRow(cells, how_)); }

 private:
  std::FILE* out_;
  CsvCell how_;
};

// The table's mark for a row's status: none for an active one.
std::string StatusMarker(const char* status) {
  return std::strcmp(status, "active") == 0 ? std::string() : absl::StrCat("[", status, "] ");
}

class TimelineTableWriter final : public TimelineWriter {
 public:
  explicit TimelineTableWriter(std::FILE* out) : table_(out, "(no statements)") {}
  void Finish() override { table_.Finish(); }

 protected:
  void WriteRow(const TimelineEntry& e, const char* status) override {
    table_.WriteMarked(e.event, StatusMarker(status));
  }

 private:
  TableWriter table_;
};

class TimelineJsonlWriter final : public TimelineWriter {
 public:
  TimelineJsonlWriter(std::FILE* out, bool with_role)
      : out_(out), with_role_(with_role) {}
  void WriteRow(const TimelineEntry& e, const char* status) override {
    Put(out_, TimelineEntryToJson(e, with_role_, status) + "\n");
  }

 private:
  std::FILE* out_;
  bool with_role_;
};

std::vector<std::string> TimelineCsvExtra(bool with_role) {
  if (with_role) return {"status", "role"};
  return {"status"};
}

class TimelineCsvWriter final : public TimelineWriter {
 public:
  TimelineCsvWriter(std::FILE* out, bool with_role, CsvCell how)
      : csv_(out, how, TimelineCsvExtra(with_role)), with_role_(with_role) {}
  void WriteRow(const TimelineEntry& e, const char* status) override {
    std::vector<std::string> cells = CsvCells(e.event);
    cells.emplace_back(status);
    if (with_role_) cells.push_back(RoleName(e.role));
    csv_.WriteRow(cells);
  }

 private:
  CsvWriter csv_;
  bool with_role_;
};

}  // namespace

std::vector<std::string> CsvColumns() {
  std::vector<std::string> out = {"seq", "recorded_at", "kind", "id"};
  for (const StatementField& f : StatementFields()) out.emplace_back(f.column);
  return out;
}


std::unique_ptr<EventWriter> NewEventWriter(const std::string& format, bool detail,
                                            std::FILE* out, bool spreadsheet_safe,
                                            const Engine* engine) {
  if (format == "jsonl") return std::make_unique<JsonlWriter>(out, engine);
  if (format == "csv")
    return std::make_unique<CsvWriter>(out, CellRule(spreadsheet_safe), AmendmentColumns());
  if (detail) return NewDetailWriter(out);
  return std::make_unique<TableWriter>(out);
}

std::unique_ptr<TimelineWriter> NewTimelineWriter(const std::string& format,
                                                  bool with_role, std::FILE* out,
                                                  bool spreadsheet_safe) {
  if (format == "jsonl") return std::make_unique<TimelineJsonlWriter>(out, with_role);
  if (format == "csv")
    return std::make_unique<TimelineCsvWriter>(out, with_role, CellRule(spreadsheet_safe));
  return std::make_unique<TimelineTableWriter>(out);
}


std::string FitColumns(std::string_view s, int width, bool pad) {
  return Fit(s, width, pad);
}

int DisplayWidth(std::string_view s) {
  int used = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t n = static_cast<utf8proc_ssize_t>(s.size());
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0xFFFD;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {
      cp = 0xFFFD;
      len = 1;
    }
    int w = cp < 0x20 || cp == 0x7F ? 4 : utf8proc_charwidth(cp);  // as \xNN
    used += w < 0 ? 0 : w;
    i += len;
  }
  return used;
}

}  // namespace annals::cli
