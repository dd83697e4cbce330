// annals timeline: the statements by or about an actor, or on a topic, in
// the order they occurred, as of any point of the log. Also the query
// plumbing `projection query` shares (commands.h).
#include <algorithm>
#include <cstdio>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "annals/names.h"
#include "annals/status.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/subject_args.h"
#include "cli/terminal.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

// Rows fetched per Timeline call while following cursors.
constexpr size_t kPageRows = 1000;

const ProjectionInfo* FindInfo(const std::vector<ProjectionInfo>& infos,
                               const std::string& name) {
  for (const ProjectionInfo& i : infos)
    if (i.name == name) return &i;
  return nullptr;
}

struct TimelineCommandFlags {
  SubjectFlags subject;
  bool follow = false;
  bool collapse = false;
  TimelineFlags q;
};

}  // namespace

int FailRequest(std::string_view context, const absl::Status& status) {
  int code = Fail(context, status);
  return absl::IsFailedPrecondition(status) ? kExitBadInput : code;
}

absl::StatusOr<std::unique_ptr<Engine>> OpenExistingForWrite(const GlobalFlags& g) {
  return OpenExisting(g, Options());
}

absl::StatusOr<QueryStore> OpenForQuery(const GlobalFlags& g, const std::string& projection) {
  QueryStore store;
  // A server holding the store answers from its current view.
  auto served = ConnectToServer(g);
  if (!served.ok()) return served.status();
  if (*served != nullptr) {
    store.engine = std::move(*served);
    return store;
  }
  // The cheap open first: a query on a projection that has applied the
  // whole log needs nothing a writable open brings. Anything else (an
  // error too) takes the writable path, which reports it; so does a store
  // another process writes, whose answers may lag (the note below).
  if (!StoreHasWriter(g.db)) {
    if (auto r = OpenForRead(g); r.ok()) {
      std::vector<ProjectionInfo> infos = (*r)->Projections();
      const ProjectionInfo* info = FindInfo(infos, projection);
      if (info != nullptr && info->state == ProjectionState::kLive &&
          info->checkpoint >= (*r)->Head()) {
        store.engine = std::move(*r);
        store.read_only = store.current = true;
        return store;
      }
    }
  }
  auto e = OpenExistingForWrite(g);
  if (e.ok()) {
    store.engine = std::move(*e);
    return store;
  }
  // Held by another process, or in a directory this user may not write
  // (a read-only filesystem, say): queries read a read-only view.
  if (!IsStoreInUse(e.status()) && !IsStoreNotWritable(e.status())) return e.status();
  auto r = OpenForRead(g);
  if (!r.ok()) return r.status();
  store.engine = std::move(*r);
  store.read_only = true;
  store.not_writable = IsStoreNotWritable(e.status());
  return store;
}

void NoteReadOnlyAnswer(const QueryStore& store, const std::string& projection,
                        uint64_t checkpoint) {
  std::fprintf(stderr, "annals: note: the store %s; answering read-only, as of the %s "
               "projection's checkpoint (seq %llu)\n",
               store.not_writable ? "may not be written (read-only filesystem or no write "
                                    "permission)"
                                  : "is in use by another process",
               EscapeForTerminal(projection).c_str(), static_cast<unsigned long long>(checkpoint));
}

std::string QueriedProjection(const TimelineQuery& q) {
  if (!q.projection.empty()) return q.projection;
  return q.kind == TimelineKind::kActor ? "actors" : "topics";
}

int OpenTimelineQuery(const GlobalFlags& g, const std::string& as_of, TimelineQuery* q,
                      QueryStore* store) {
  auto opened = OpenForQuery(g, QueriedProjection(*q));
  if (!opened.ok()) return Fail("", opened.status());
  *store = *std::move(opened);
  if (as_of.empty()) return kExitOk;
  auto seq = ResolveAsOf(*store->engine, as_of);
  if (!seq.ok()) return Fail("--as-of", seq.status());
  q->as_of = *seq;
  return kExitOk;
}

absl::Status ReadyProjection(const QueryStore& store, const std::string& projection,
                             std::optional<uint64_t> as_of, bool wait) {
  const Engine& engine = *store.engine;
  if (store.read_only && !store.current) {
    auto infos = StoreProjections(engine);
    if (!infos.ok()) return infos.status();
    const ProjectionInfo* info = FindInfo(*infos, projection);
    NoteReadOnlyAnswer(store, projection, info ? info->checkpoint : 0);
    return absl::OkStatus();
  }
  if (!wait) return absl::OkStatus();
  auto head = StoreHead(engine);
  if (!head.ok()) return head.status();
  uint64_t target = *head;
  if (as_of.has_value()) target = std::min(target, *as_of);
  return WaitForProjection(engine, projection, target, absl::StrCat("catching up ", projection));
}

absl::Status WaitForProjection(const Engine& engine, const std::string& name,
                               uint64_t seq, const std::string& label) {
  ProgressBar bar(label);
  for (;;) {
    // Returns as soon as the projection has applied `seq` (or failed); the
    // timeout only paces the progress bar.
    absl::Status st = engine.WaitForProjection(name, seq, absl::Milliseconds(200));
    auto infos = StoreProjections(engine);
    if (!infos.ok()) return infos.status();
    const ProjectionInfo* info = FindInfo(*infos, name);
    if (info == nullptr) return absl::OkStatus();
    if (info->state == ProjectionState::kFailed)
      return absl::UnavailableError(
          absl::StrCat("projection ", name, " failed at seq ", info->failed_seq, ": ",
                       info->error, " (reopening the store retries it)"));
    if (!absl::IsDeadlineExceeded(st)) return st;
    uint64_t done = info->state == ProjectionState::kBuilding
                        ? info->rebuild_checkpoint
                        : info->checkpoint;
    bar.Update(std::min(done, seq), seq);
  }
}

void AddTimelineFlags(CLI::App* cmd, TimelineFlags& f) {
  cmd->add_option("--from", f.from,
                  "only statements that occurred at or after DATE "
                  "(2025, 2025-03, 2025-03-31, 20250331, 2025-03-31T14:05:00Z)");
  cmd->add_option("--to", f.to,
                  "only statements that occurred at or before DATE, inclusive of "
                  "the whole period (--to 2025-03 ends 2025-03-31)");
  cmd->add_option("--as-of", f.as_of,
                  "answer as the log stood at SEQ (all digits, so a bare year "
                  "is a seq) or at a TIME (ISO 8601, the end of the period it "
                  "names: 2025-04-01 is everything recorded by that day's end)");
  cmd->add_flag("--include-retracted", f.include_retracted,
                "also show retracted statements, marked");
  cmd->add_option("--limit", f.limit, "show at most N statements (0: all)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_flag("--reverse", f.reverse, "newest first");
  cmd->add_option("--format", f.format,
                  "table (fits 100 columns), jsonl (the `log` fields plus status) "
                  "or csv (RFC 4180, header row)")
      ->check(CLI::IsMember({"table", "jsonl", "csv"}))
      ->capture_default_str();
  AddSpreadsheetSafeFlag(cmd, f.spreadsheet_safe);
  cmd->add_flag("--no-wait", f.no_wait,
                "answer from what the projection has built, without waiting for "
                "it to catch up with the log");
  cmd->add_option("--cursor", f.cursor,
                  "continue after the last row of an earlier --limit'ed run");
}

int RunTimeline(const GlobalFlags& g, const TimelineFlags& f, TimelineQuery q,
                TimelineTail* tail) {
  const std::string what = q.projection.empty() ? "timeline" : "projection query";
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail(what, st);
  const std::string projection = QueriedProjection(q);
  QueryStore store;
  if (int code = OpenTimelineQuery(g, f.as_of, &q, &store); code != kExitOk) return code;
  const Engine& engine = *store.engine;
  q.include_retracted = f.include_retracted;
  q.reverse = f.reverse;
  q.cursor = f.cursor;
  q.wait = !f.no_wait && !store.read_only;

  // Wait here rather than in Timeline, to show progress on a terminal.
  if (absl::Status st = ReadyProjection(store, projection, q.as_of, q.wait); !st.ok())
    return Fail(what, st);

  auto writer = NewTimelineWriter(f.format,
                                  q.projection.empty() && q.kind == TimelineKind::kActor,
                                  stdout, f.spreadsheet_safe);
  uint64_t shown = 0;
  bool more = false;
  for (;;) {
    q.limit = kPageRows;
    if (f.limit != 0) q.limit = std::min<uint64_t>(kPageRows, f.limit - shown);
    auto page = engine.Timeline(q);
    if (!page.ok()) {
      FlushOutput();
      return Fail(what, page.status());
    }
    for (const TimelineEntry& e : page->entries) {
      writer->Write(e);
      if (tail != nullptr && e.status != EntryStatus::kRetracted)
        tail->members[e.event.seq] = static_cast<uint8_t>(e.role);
    }
    shown += page->entries.size();
    if (OutputFailed()) return kExitStorage;  // main says why
    // Later pages answer as of the same point as the first.
    q.as_of = page->as_of;
    q.cursor = page->next_cursor;
    if (q.cursor.empty()) break;
    if (f.limit != 0 && shown >= f.limit) {
      more = true;
      break;
    }
    if (page->entries.empty()) break;  // defensive: never loop on no progress
  }
  if (tail != nullptr) {
    tail->as_of = q.as_of.value_or(0);
    tail->writer = std::move(writer);
    FlushOutput();
    return kExitOk;
  }
  writer->Finish();
  FlushOutput();
  if (shown == 0 && f.cursor.empty()) NoteIfNoStatements(engine, q);
  if (more && f.format == "table")
    std::fprintf(stderr, "annals: more statements; next page: --cursor %s --as-of %llu\n",
                 q.cursor.c_str(), static_cast<unsigned long long>(*q.as_of));
  return kExitOk;
}

Runner AddTimeline(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<TimelineCommandFlags>();
  CLI::App* cmd = app.add_subcommand(
      "timeline",
      "Statements by or about an actor (--actor) or on a topic (--topic), in the "
      "order they occurred, with corrections applied and retractions left out; "
      "as of any point of the log with --as-of");
  AddSubjectOptions(cmd, f->subject);
  AddTimelineFlags(cmd, f->q);
  cmd->add_flag("--follow", f->follow,
                "after the timeline, print a row for each statement, correction or "
                "retraction that concerns it as it is appended (aliases are not "
                "applied to those), until interrupted")
      ->excludes(cmd->get_option("--as-of"))
      ->excludes(cmd->get_option("--limit"))
      ->excludes(cmd->get_option("--cursor"))
      ->excludes(cmd->get_option("--reverse"));
  cmd->add_flag("--collapse", f->collapse,
                "one row per claim (the same speaker, targets, code and date: repeated "
                "reports of one statement), its first report; `annals claims` lists each "
                "claim's reports")
      ->excludes("--follow")
      ->excludes(cmd->get_option("--cursor"))
      ->excludes(cmd->get_option("--include-retracted"));
  return [f, &g, cmd]() -> int {
    TimelineQuery q;
    if (!TakeSubject(*cmd, f->subject, &q))
      return Fail("timeline", absl::InvalidArgumentError("give --actor NAME or --topic NAME"));
    if (int code = TakeRole(*cmd, f->subject, "timeline", &q); code != kExitOk) return code;
    if (f->follow) return FollowTimeline(g, f->q, q);
    if (f->collapse) return RunCollapsedTimeline(g, f->q, q);
    return RunTimeline(g, f->q, q);
  };
}

}  // namespace annals::cli
