// annals claims: the statements of an actor's or a topic's timeline that
// report the same thing, one row per claim (annals/claims.h).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "annals/claims.h"
#include "annals/export.h"
#include "annals/json.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/subject_args.h"
#include "cli/terminal.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

struct ClaimsFlags {
  SubjectFlags subject;
  std::string from, to, as_of;
  double similarity = 0;
  int window_days = 3;
  std::string format = "table";
  bool no_wait = false;
  bool spreadsheet_safe = false;
};

const std::vector<std::string> kColumns = {"first_seq", "first_at", "last_at", "statements",
                                           "outlets",   "seqs",     "speaker", "targets",
                                           "code",      "content",  "mentions"};

std::vector<std::string> Cells(const Claim& c) {
  const Statement& s = c.first.event.statement;
  return {absl::StrCat(c.first.event.seq), FormatTime(c.first_at), FormatTime(c.last_at),
          absl::StrCat(c.seqs.size()), absl::StrCat(c.outlets), absl::StrJoin(c.seqs, ";"),
          s.speaker, absl::StrJoin(s.targets, ";"), s.code,
          s.content.empty() ? s.quote : s.content, absl::StrCat(c.mentions)};
}

std::string Jsonl(const Claim& c) {
  return absl::StrCat("{\"first_at\":\"", FormatTime(c.first_at), "\",\"last_at\":\"",
                      FormatTime(c.last_at), "\",\"statements\":", c.seqs.size(),
                      ",\"outlets\":", c.outlets, ",\"mentions\":", c.mentions,
                      ",\"seqs\":[", absl::StrJoin(c.seqs, ","),
                      "],\"first\":", TimelineEntryToJson(c.first, false), "}\n");
}

std::string Line(const std::vector<std::string>& cells, const ClaimsFlags& f) {
  std::string line;
  if (f.format == "csv") return CsvRow(cells, CellRule(f.spreadsheet_safe));
  // table: first_seq, first_at, statements, outlets, mentions, speaker, content
  absl::StrAppend(&line, absl::StrFormat("%9s", cells[0]), "  ", FitColumns(cells[1], 10, true),
                  "  ", absl::StrFormat("%10s", cells[3]), "  ",
                  absl::StrFormat("%7s", cells[4]), "  ", absl::StrFormat("%8s", cells[10]), "  ",
                  FitColumns(EscapeForTerminal(cells[6]), 20, true), "  ",
                  FitColumns(EscapeForTerminal(cells[9]), 40, false));
  return line + "\n";
}

int Run(const GlobalFlags& g, const ClaimsFlags& f, ClaimsQuery cq) {
  TimelineQuery& q = cq.timeline;
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail("claims", st);
  QueryStore store;
  if (int code = OpenTimelineQuery(g, f.as_of, &q, &store); code != kExitOk) return code;
  const Engine& engine = *store.engine;
  q.wait = !f.no_wait && !store.read_only;
  auto claims = ComputeClaims(engine, cq);
  if (!claims.ok()) return Fail("claims", claims.status());
  if (f.format == "csv") std::fputs(Line(kColumns, f).c_str(), stdout);
  if (f.format == "table")
    std::fputs(Line({"FIRST_SEQ", "FIRST_AT", "", "STATEMENTS", "OUTLETS", "", "SPEAKER", "",
                     "", "CONTENT", "MENTIONS"}, f).c_str(), stdout);
  for (const Claim& c : claims->claims) {
    std::fputs(f.format == "jsonl" ? Jsonl(c).c_str() : Line(Cells(c), f).c_str(), stdout);
    if (OutputFailed()) return kExitStorage;  // main says why
  }
  if (claims->claims.empty() && f.format == "table") std::fputs("(no statements)\n", stdout);
  FlushOutput();
  q.as_of = claims->as_of;
  if (claims->statements == 0) NoteIfNoStatements(engine, q);
  return kExitOk;
}

}  // namespace

int RunCollapsedTimeline(const GlobalFlags& g, const TimelineFlags& f, TimelineQuery q) {
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail("timeline", st);
  QueryStore store;
  if (int code = OpenTimelineQuery(g, f.as_of, &q, &store); code != kExitOk) return code;
  q.wait = !f.no_wait && !store.read_only;
  ClaimsQuery cq;
  cq.timeline = q;
  cq.mentions = false;  // rows of first reports: no counts shown
  auto claims = ComputeClaims(*store.engine, cq);
  if (!claims.ok()) return Fail("timeline", claims.status());
  std::vector<Claim>& all = claims->claims;
  if (f.reverse) std::reverse(all.begin(), all.end());
  if (f.limit != 0 && all.size() > f.limit) all.resize(f.limit);
  auto writer = NewTimelineWriter(f.format, q.kind == TimelineKind::kActor, stdout,
                                  f.spreadsheet_safe);
  for (const Claim& c : all) {
    writer->Write(c.first);
    if (OutputFailed()) return kExitStorage;  // main says why
  }
  writer->Finish();
  FlushOutput();
  q.as_of = claims->as_of;
  if (claims->statements == 0) NoteIfNoStatements(*store.engine, q);
  else if (f.format == "table")
    std::fprintf(stderr, "annals: %llu statements in %llu claims\n",
                 static_cast<unsigned long long>(claims->statements),
                 static_cast<unsigned long long>(claims->claims.size()));
  return kExitOk;
}

Runner AddClaims(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ClaimsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "claims",
      "The statements of an actor's or a topic's timeline that report the same thing, "
      "one row per claim: the same speaker, targets, code and date, or with "
      "--similarity, near-duplicate content under one speaker within --window-days; "
      "with how many statements, outlets and mentions (GDELT's articles, from an "
      "imported mentions file), and its first and last report. As the "
      "timeline reads (corrections applied, retractions left out, aliases merged, as "
      "of --as-of)");
  AddSubjectOptions(cmd, f->subject);
  cmd->add_option("--similarity", f->similarity,
                  "also join statements of one speaker whose content is this similar "
                  "(0-1, MinHash estimate of word 3-gram overlap; 0: exact claims only)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--window-days", f->window_days,
                  "with --similarity: at most this many days apart")
      ->check(CLI::Range(0, 36600))
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
    ClaimsQuery cq;
    cq.similarity = f->similarity;
    cq.window_days = f->window_days;
    TimelineQuery& q = cq.timeline;
    if (!TakeSubject(*cmd, f->subject, &q))
      return Fail("claims", absl::InvalidArgumentError("give --actor NAME or --topic NAME"));
    if (int code = TakeRole(*cmd, f->subject, "claims", &q); code != kExitOk) return code;
    if (cmd->count("--window-days") > 0 && f->similarity == 0)
      return Fail("--window-days", absl::InvalidArgumentError("applies with --similarity"));
    return Run(g, *f, cq);
  };
}

}  // namespace annals::cli
