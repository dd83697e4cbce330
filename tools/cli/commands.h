// The `annals` subcommands. Each Add* registers its flags on `app` and
// returns a runner to call if that subcommand was chosen; the runner returns
// the process exit status (see common.h).
#ifndef ANNALS_TOOLS_CLI_COMMANDS_H_
#define ANNALS_TOOLS_CLI_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "CLI/CLI.hpp"
#include "cli/args.h"
#include "cli/common.h"

namespace annals::cli {

using Runner = std::function<int()>;

Runner AddImport(CLI::App& app, const GlobalFlags& g);
Runner AddAppend(CLI::App& app, const GlobalFlags& g);
Runner AddLog(CLI::App& app, const GlobalFlags& g);
Runner AddShow(CLI::App& app, const GlobalFlags& g);
Runner AddStats(CLI::App& app, const GlobalFlags& g);
// cmd_timeline.cc
Runner AddTimeline(CLI::App& app, const GlobalFlags& g);
// cmd_series.cc
Runner AddSeries(CLI::App& app, const GlobalFlags& g);
Runner AddClaims(CLI::App& app, const GlobalFlags& g);
// cmd_network.cc
Runner AddNetwork(CLI::App& app, const GlobalFlags& g);
Runner AddSearch(CLI::App& app, const GlobalFlags& g);
// cmd_events.cc
Runner AddAlias(CLI::App& app, const GlobalFlags& g);
Runner AddCorrect(CLI::App& app, const GlobalFlags& g);
Runner AddRetract(CLI::App& app, const GlobalFlags& g);
// cmd_projections.cc
Runner AddActors(CLI::App& app, const GlobalFlags& g);
Runner AddTopics(CLI::App& app, const GlobalFlags& g);
Runner AddProjections(CLI::App& app, const GlobalFlags& g);
Runner AddRebuild(CLI::App& app, const GlobalFlags& g);
Runner AddProjection(CLI::App& app, const GlobalFlags& g);  // create/query/drop
// cmd_export.cc, cmd_codes.cc
Runner AddExport(CLI::App& app, const GlobalFlags& g);
Runner AddCodes(CLI::App& app, const GlobalFlags& g);
// cmd_verify.cc
Runner AddVerify(CLI::App& app, const GlobalFlags& g);
// cmd_backup.cc
Runner AddBackup(CLI::App& app, const GlobalFlags& g);
Runner AddRestore(CLI::App& app, const GlobalFlags& g);
// cmd_repair.cc
Runner AddRepair(CLI::App& app, const GlobalFlags& g);
// cmd_serve.cc
Runner AddServe(CLI::App& app, const GlobalFlags& g);

// --- Shared by the timeline and projection commands (cmd_timeline.cc) ---

// Like Fail, for an operation's own result: there kFailedPrecondition means
// the request does not apply (statement already retracted, a built-in
// projection dropped), so it is bad input (1), not a storage error.
int FailRequest(std::string_view context, const absl::Status& status);

// Opens an existing store for writing (never creates one; a missing store
// is kNotFound with the same hint as OpenForRead).
absl::StatusOr<std::unique_ptr<Engine>> OpenExistingForWrite(const GlobalFlags& g);

// A store opened for a query on `projection`. First read-only (no lock, no
// write-ahead-log recovery writes, no projection workers): when that
// projection is live and has applied the whole log, that open answers the
// query exactly (`current`). Otherwise writable, so projection workers run
// and answers catch up with the log; or read-only (`read_only`, not
// `current`) when another process holds the store or its directory may not
// be written (`not_writable`), in which case answers are as of the
// projections' checkpoints.
struct QueryStore {
  std::unique_ptr<Engine> engine;
  bool read_only = false;
  bool current = false;       // read-only, and `projection` already current
  bool not_writable = false;  // read-only because the store may not be written
};

// The note a read-only answer (not `current`) prints before it: why it is
// read-only, and that it is as of `projection`'s checkpoint `checkpoint`.
void NoteReadOnlyAnswer(const QueryStore& store, const std::string& projection,
                        uint64_t checkpoint);
absl::StatusOr<QueryStore> OpenForQuery(const GlobalFlags& g, const std::string& projection);
// The projection a timeline query reads: its own, else "actors" or "topics".
std::string QueriedProjection(const TimelineQuery& q);
// Opens the store for query `q` (OpenForQuery) and resolves `as_of` (--as-of
// text, "" for none) into q->as_of. kExitOk, or the exit code after saying
// why.
int OpenTimelineQuery(const GlobalFlags& g, const std::string& as_of, TimelineQuery* q,
                      QueryStore* store);
// Before a query of `projection` on `store`: a read-only answer notes the
// checkpoint it answers as of; otherwise, with `wait`, waits (with progress
// on a terminal) until the projection has applied the head, or `as_of`.
absl::Status ReadyProjection(const QueryStore& store, const std::string& projection,
                             std::optional<uint64_t> as_of, bool wait);

// Waits until projection `name` answers as of `seq` (live, checkpoint >=
// seq), showing a progress bar labelled `label` on stderr when it is a
// terminal. Returns at once for an unknown projection (the query reports
// it). kUnavailable if the projection failed.
absl::Status WaitForProjection(const Engine& engine, const std::string& name,
                               uint64_t seq, const std::string& label);

// The query flags of `timeline` and `projection query`.
struct TimelineFlags {
  std::string from, to, as_of, cursor;
  std::string format = "table";
  bool include_retracted = false;
  bool reverse = false;
  bool no_wait = false;
  bool spreadsheet_safe = false;
  uint64_t limit = 0;
};
void AddTimelineFlags(CLI::App* cmd, TimelineFlags& f);
// timeline --collapse (cmd_claims.cc): the first report of each claim, as
// timeline rows; --limit counts claims, --reverse puts the last first.
int RunCollapsedTimeline(const GlobalFlags& g, const TimelineFlags& f, TimelineQuery q);

// Where a timeline that goes on (timeline --follow) continues: the log
// position its rows answered as of, and its writer, not finished.
class TimelineWriter;  // cli/output.h
struct TimelineTail {
  uint64_t as_of = 0;
  std::unique_ptr<TimelineWriter> writer;
  // The statements in it (not retracted), by seq: their roles (kAny for a
  // topic or projection).
  std::unordered_map<uint64_t, uint8_t> members;
};

// Runs `query` (kind/name/role or projection/key already set) with `f`
// applied, printing every row (following cursors) up to --limit. With
// `tail`, hands the writer over there instead of finishing it.
int RunTimeline(const GlobalFlags& g, const TimelineFlags& f, TimelineQuery query,
                TimelineTail* tail = nullptr);

// timeline_follow.cc: `timeline --follow`, the timeline `q` as it stands,
// then a row for each arriving event that changes it (README).
int FollowTimeline(const GlobalFlags& g, const TimelineFlags& f, TimelineQuery q);

// suggest.cc: when the actor or topic `q` names has no statements at all
// (as of q.as_of, whatever its date range), says so on stderr with up to 5
// close names ("did you mean"). Nothing for a projection query.
void NoteIfNoStatements(const Engine& engine, TimelineQuery q);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_COMMANDS_H_
