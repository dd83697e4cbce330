// annals series: a time series of a timeline (annals/series.h), by day,
// ISO week, month or year, with empty periods as zero rows and statements
// dated more coarsely in buckets of their own.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "annals/export.h"
#include "annals/json.h"
#include "annals/series.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/subject_args.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

struct SeriesFlags {
  SubjectFlags subject;
  std::string projection;
  std::vector<std::string> key;
  std::string by = "month";
  std::string measure = "count";
  std::string from, to, as_of;
  std::string format = "table";
  bool no_wait = false;
  bool spreadsheet_safe = false;
};

std::string Number(double v) { return absl::StrFormat("%.10g", v == 0 ? 0.0 : v); }

// The measure's column names and a row's cells ("" for no value).
std::vector<std::string> Columns(const std::string& measure) {
  std::vector<std::string> c = {"period", "precision", "count"};
  if (measure == "goldstein-sum") c.push_back("goldstein_sum");
  if (measure == "goldstein-mean") c.push_back("goldstein_mean");
  if (measure == "quad-counts")
    for (const char* q : {"quad1", "quad2", "quad3", "quad4"}) c.push_back(q);
  return c;
}

std::vector<std::string> Cells(const SeriesRow& r, const std::string& measure) {
  std::vector<std::string> c = {r.period, r.precision, absl::StrCat(r.count)};
  if (measure == "goldstein-sum") c.push_back(Number(r.goldstein_sum));
  if (measure == "goldstein-mean")
    c.push_back(r.scored == 0 ? "" : Number(r.goldstein_sum / static_cast<double>(r.scored)));
  if (measure == "quad-counts")
    for (uint64_t q : r.quad) c.push_back(absl::StrCat(q));
  return c;
}

std::string Line(const std::vector<std::string>& names, const std::vector<std::string>& cells,
                 const SeriesFlags& f) {
  std::string line;
  if (f.format == "jsonl") {
    line = "{";
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) line += ',';
      AppendJsonString(names[i], &line);
      line += ':';
      if (i < 2) AppendJsonString(cells[i], &line);  // period, precision
      else line += cells[i].empty() ? "null" : cells[i];
    }
    return line + "}\n";
  }
  if (f.format == "csv") return CsvRow(cells, CellRule(f.spreadsheet_safe));
  for (size_t i = 0; i < cells.size(); ++i)
    absl::StrAppend(&line, i ? "  " : "", i < 2 ? FitColumns(cells[i], i ? 9 : 10, true)
                                                : absl::StrFormat("%14s", cells[i]));
  return line + "\n";
}

int Run(const GlobalFlags& g, const SeriesFlags& f, SeriesQuery sq) {
  TimelineQuery& q = sq.timeline;
  auto by = ParseSeriesPeriod(f.by);
  if (!by.ok()) return Fail("--by", by.status());
  sq.by = *by;
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail("series", st);
  const std::string projection = QueriedProjection(q);
  QueryStore store;
  if (int code = OpenTimelineQuery(g, f.as_of, &q, &store); code != kExitOk) return code;
  const Engine& engine = *store.engine;
  q.wait = !f.no_wait && !store.read_only;
  if (absl::Status st = ReadyProjection(store, projection, q.as_of, q.wait); !st.ok())
    return Fail("series", st);
  auto series = ComputeSeries(engine, sq);
  if (!series.ok()) return Fail("series", series.status());
  const std::vector<std::string> names = Columns(f.measure);
  std::vector<std::string> header = names;
  if (f.format == "table")
    for (auto& h : header) h = absl::AsciiStrToUpper(h);
  if (f.format != "jsonl") std::fputs(Line(names, header, f).c_str(), stdout);
  for (const SeriesRow& r : series->rows) {
    std::fputs(Line(names, Cells(r, f.measure), f).c_str(), stdout);
    if (OutputFailed()) return kExitStorage;  // main says why
  }
  if (series->rows.empty() && f.format == "table") std::fputs("(no statements)\n", stdout);
  FlushOutput();
  q.as_of = series->as_of;
  uint64_t total = 0;
  for (const SeriesRow& r : series->rows) total += r.count;
  if (total == 0) NoteIfNoStatements(engine, q);
  return kExitOk;
}

}  // namespace

Runner AddSeries(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<SeriesFlags>();
  CLI::App* cmd = app.add_subcommand(
      "series",
      "A time series of a timeline: statements by or about an actor (--actor), on a "
      "topic (--topic) or in a projection's group (--projection NAME KEY...) per day, "
      "ISO week, month or year, as timelines count them (corrections applied, "
      "retractions left out, aliases merged, as of --as-of); empty periods are zero "
      "rows; statements dated more coarsely than --by are counted in rows of their own "
      "precision (a year among months), never merged into a period");
  const SubjectOptions subject = AddSubjectOptions(cmd, f->subject);
  auto* proj = cmd->add_option("--projection", f->projection,
                               "a declarative projection; its group's KEY values follow");
  cmd->add_option("KEY", f->key, "with --projection: one value per key field");
  subject.actor->excludes(proj);
  subject.topic->excludes(proj);
  cmd->add_option("--by", f->by, "day, week (ISO 8601), month or year")
      ->check(CLI::IsMember({"day", "week", "month", "year"}))
      ->capture_default_str();
  cmd->add_option("--measure", f->measure,
                  "count; goldstein-sum or goldstein-mean (the row's GoldsteinScale, else "
                  "the CAMEO codebook's score; the mean over statements that have one); "
                  "quad-counts (statements per CAMEO quad class 1-4)")
      ->check(CLI::IsMember({"count", "goldstein-sum", "goldstein-mean", "quad-counts"}))
      ->capture_default_str();
  cmd->add_option("--from", f->from, "only statements that occurred at or after DATE");
  cmd->add_option("--to", f->to,
                  "only statements that occurred at or before DATE (the whole period)");
  cmd->add_option("--as-of", f->as_of, "answer as the log stood at SEQ or TIME");
  cmd->add_option("--format", f->format, "table, csv (RFC 4180, header row) or jsonl")
      ->check(CLI::IsMember({"table", "csv", "jsonl"}))
      ->capture_default_str();
  AddSpreadsheetSafeFlag(cmd, f->spreadsheet_safe);
  cmd->add_flag("--no-wait", f->no_wait, "answer from what the projection has built");
  return [f, &g, cmd]() -> int {
    SeriesQuery sq;
    TimelineQuery& q = sq.timeline;
    if (cmd->count("--projection") > 0) {
      q.projection = f->projection;
      q.key = f->key;
      if (q.key.empty())
        return Fail("series", absl::InvalidArgumentError(
                                  "--projection needs one KEY value per key field"));
    } else if (!f->key.empty()) {
      return Fail("series", absl::InvalidArgumentError("KEY values go with --projection"));
    } else if (!TakeSubject(*cmd, f->subject, &q)) {
      return Fail("series", absl::InvalidArgumentError(
                                "give --actor NAME, --topic NAME or --projection NAME KEY..."));
    }
    if (int code = TakeRole(*cmd, f->subject, "series", &q); code != kExitOk) return code;
    return Run(g, *f, sq);
  };
}

}  // namespace annals::cli
