// annals log / annals show: read events back in one of three formats.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/args.h"
#include "annals/json.h"
#include "cli/commands.h"
#include "cli/follow.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

struct LogFlags {
  uint64_t from_seq = 1;
  uint64_t to_seq = 0;
  std::string from, to;
  uint64_t limit = 0;
  std::string format = "table";
  bool spreadsheet_safe = false;
  bool follow = false;
};

struct ShowFlags {
  std::string which;
  std::string format = "table";
  bool spreadsheet_safe = false;
  bool history = false;
};

void AddFormat(CLI::App* cmd, std::string& format, bool& spreadsheet_safe) {
  cmd->add_option("--format", format,
                  "table (fits 100 columns), jsonl (one JSON object per event) "
                  "or csv (RFC 4180, header row)")
      ->check(CLI::IsMember({"table", "jsonl", "csv"}))
      ->capture_default_str();
  AddSpreadsheetSafeFlag(cmd, spreadsheet_safe);
}

// `log --follow`: each event as it arrives, flushed (follow.h).
int FollowLogCommand(const GlobalFlags& g, const LogFlags& f, Timestamp from, Timestamp to) {
  // table and csv keep one writer (one header); a jsonl row is `log`'s
  // jsonl writer's, with the target's id looked up through whichever engine
  // is following now (a failed lookup ends the follower, exit 2, as in `log`).
  auto writer = NewEventWriter(f.format, false, stdout, f.spreadsheet_safe);
  const bool jsonl = f.format == "jsonl";
  return FollowLog(g, BlockFollowSignals(), f.from_seq,
                   [&](const Event& e, const Engine& lookups) -> absl::Status {
    if (!InDateRange(e.statement.occurred_at, from, to)) return absl::OkStatus();
    auto jsonl_writer =
        jsonl ? NewEventWriter(f.format, false, stdout, f.spreadsheet_safe, &lookups) : nullptr;
    EventWriter& w = jsonl ? *jsonl_writer : *writer;
    w.Write(e);
    FlushOutput();
    return w.status();
  });
}

}  // namespace

Runner AddLog(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<LogFlags>();
  CLI::App* cmd = app.add_subcommand(
      "log",
      "List events in log order: the raw log, every statement, correction, "
      "retraction, alias and mention as recorded (timelines and export give the "
      "current view)");
  cmd->add_option("--from-seq", f->from_seq, "first seq (log position) to list")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--to-seq", f->to_seq, "last seq to list (0: the end)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--from", f->from,
                  "only events whose statement occurred at or after DATE (2025, "
                  "2025-03, 2025-03-31, 20250331, 2025-03-31T14:05:00Z); "
                  "retractions and aliases, which have no date, are left out");
  cmd->add_option("--to", f->to,
                  "only events whose statement occurred at or before DATE, "
                  "inclusive of the whole period (--to 2025-03 ends 2025-03-31)");
  cmd->add_option("--limit", f->limit, "list at most N events (0: all)")
      ->check(NonNegative())
      ->capture_default_str();
  AddFormat(cmd, f->format, f->spreadsheet_safe);
  cmd->add_flag("--follow", f->follow,
                "after the events there are, print each new one as it is appended, "
                "until interrupted (through the server holding the store, or on the "
                "store itself)")
      ->excludes(cmd->get_option("--to-seq"))
      ->excludes(cmd->get_option("--limit"));
  return [f, &g]() -> int {
    Timestamp from, to;
    if (absl::Status st = ParseDateRange(f->from, f->to, &from, &to); !st.ok())
      return Fail("log", st);
    if (f->follow) return FollowLogCommand(g, *f, from, to);
    if (f->to_seq != 0 && f->to_seq < f->from_seq)
      return Fail("log", absl::InvalidArgumentError(absl::StrCat(
                             "the range is empty: --from-seq ", f->from_seq,
                             " is after --to-seq ", f->to_seq)));
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto writer = NewEventWriter(f->format, false, stdout, f->spreadsheet_safe, engine->get());
    uint64_t n = 0;
    auto it = (*engine)->NewIterator(f->from_seq);
    for (; it->Valid() && !OutputFailed(); it->Next()) {
      const Event& e = it->event();
      if (f->to_seq != 0 && e.seq > f->to_seq) break;
      if (!InDateRange(e.statement.occurred_at, from, to)) continue;
      writer->Write(e);
      if (++n == f->limit) break;
    }
    if (!OutputFailed()) writer->Finish();
    if (!it->status().ok()) return Fail("log", it->status());
    if (!writer->status().ok()) return Fail("log", writer->status());
    return kExitOk;
  };
}

namespace {

// Every correction and the retraction of statement `seq`, in seq order
// (they follow it in the log): a scan of the log after it.
absl::StatusOr<std::vector<Event>> AllAmendmentsOf(const Engine& engine, uint64_t seq) {
  std::vector<Event> out;
  auto it = engine.NewIterator(seq + 1);
  for (; it->Valid(); it->Next()) {
    const Event& e = it->event();
    if ((e.kind == EventKind::kCorrection || e.kind == EventKind::kRetraction) &&
        e.target == seq)
      out.push_back(e);
  }
  if (!it->status().ok()) return it->status();
  return out;
}

// The events that decide how statement `seq` now stands, in seq order: its
// latest correction and its retraction (two point reads: `show` must not
// scan the log; issue 19).
absl::StatusOr<std::vector<Event>> StandingAmendmentsOf(const Engine& engine, uint64_t seq) {
  auto standing = engine.Standing(seq);
  if (!standing.ok()) return standing.status();
  std::vector<Event> out;
  for (uint64_t by : {standing->corrected_by, standing->retracted_by}) {
    if (by == 0) continue;
    auto e = engine.Get(by);
    if (!e.ok()) return e.status();
    out.push_back(*std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const Event& a, const Event& b) { return a.seq < b.seq; });
  return out;
}

// A statement as it now stands: its latest correction's values under its
// own seq and id, marked corrected or retracted (table: a line naming the
// amending event and its reason; jsonl and csv: a timeline row's status).
// With --history, the statement and every event amending it, as logged.
int ShowStatement(const Engine& engine, const Event& e, const ShowFlags& f) {
  auto amendments = f.history ? AllAmendmentsOf(engine, e.seq) : StandingAmendmentsOf(engine, e.seq);
  if (!amendments.ok()) return Fail("show", amendments.status());
  if (f.history) {
    auto writer = NewEventWriter(f.format, true, stdout, f.spreadsheet_safe, &engine);
    writer->Write(e);
    for (const Event& a : *amendments) writer->Write(a);
    writer->Finish();
    if (!writer->status().ok()) return Fail("show", writer->status());
    return kExitOk;
  }
  TimelineEntry entry;
  entry.event = e;
  entry.version_seq = e.seq;
  std::string notes;
  for (const Event& a : *amendments) {
    if (a.kind == EventKind::kCorrection) {
      entry.event.statement = a.statement;
      entry.event.statement.id = e.id;
      entry.version_seq = a.seq;
    }
  }
  bool retracted = false;
  for (const Event& a : *amendments) {
    if (a.kind == EventKind::kRetraction) retracted = true;
    if (a.kind == EventKind::kRetraction || a.seq == entry.version_seq)
      absl::StrAppend(&notes, a.kind == EventKind::kRetraction ? "[retracted by " : "[corrected by ",
                      a.seq, ": ", EscapeForTerminal(a.reason), "]\n");
  }
  entry.status = retracted                    ? EntryStatus::kRetracted
                 : entry.version_seq != e.seq ? EntryStatus::kCorrected
                                              : EntryStatus::kActive;
  if (f.format != "table") {
    auto writer = NewTimelineWriter(f.format, false, stdout, f.spreadsheet_safe);
    writer->Write(entry);
    writer->Finish();
    return kExitOk;
  }
  if (entry.version_seq != e.seq)
    notes += "(the current values; --history lists every version)\n";
  std::fwrite(notes.data(), 1, notes.size(), stdout);
  auto writer = NewEventWriter(f.format, true, stdout, f.spreadsheet_safe);
  writer->Write(entry.event);
  writer->Finish();
  return kExitOk;
}

}  // namespace

Runner AddShow(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ShowFlags>();
  CLI::App* cmd = app.add_subcommand(
      "show",
      "Show one event by seq (all digits) or by id; a statement as it now stands "
      "(its latest correction's values, marked [corrected by N: reason], or "
      "marked [retracted by N: reason]); --history lists every version");
  cmd->add_option("SEQ_OR_ID", f->which, "a seq such as 12, or an id")->required();
  cmd->add_flag("--history", f->history,
                "a statement and every correction and retraction of it, as logged");
  AddFormat(cmd, f->format, f->spreadsheet_safe);
  return [f, &g]() -> int {
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto seq = ResolveEvent(**engine, f->which);
    if (!seq.ok()) return Fail("show", seq.status());
    auto e = (*engine)->Get(*seq);
    if (!e.ok()) return Fail("show", e.status());
    if (e->kind == EventKind::kStatement) return ShowStatement(**engine, *e, *f);
    auto writer = NewEventWriter(f->format, true, stdout, f->spreadsheet_safe, engine->get());
    writer->Write(*e);
    writer->Finish();
    if (!writer->status().ok()) return Fail("show", writer->status());
    return kExitOk;
  };
}

}  // namespace annals::cli
