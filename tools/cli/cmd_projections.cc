// annals actors / topics / projections / rebuild / projection: what the
// projections hold, their state, and the declarative ones' life cycle.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "annals/json.h"
#include "annals/matching.h"
#include "cli/commands.h"
#include "cli/suggest_aliases.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/terminal.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

CLI::Option* AddListFormat(CLI::App* cmd, std::string& format) {
  return cmd
      ->add_option("--format", format,
                   "table (aligned text), jsonl (one JSON object per line) or csv")
      ->check(CLI::IsMember({"table", "jsonl", "csv"}))
      ->capture_default_str();
}

absl::StatusOr<std::optional<ProjectionInfo>> FindProjection(const Engine& engine,
                                                             std::string_view name) {
  auto infos = StoreProjections(engine);
  if (!infos.ok()) return infos.status();
  for (ProjectionInfo& i : *infos)
    if (i.name == name) return std::optional<ProjectionInfo>(std::move(i));
  return std::optional<ProjectionInfo>();
}

// The key field names of a declarative projection, from the definition
// Projections() shows ("key=speaker,month where=code=11"); empty if unknown.
absl::StatusOr<std::vector<std::string>> KeyFields(const Engine& engine,
                                                   std::string_view name) {
  auto info = FindProjection(engine, name);
  if (!info.ok()) return info.status();
  if (!info->has_value()) return std::vector<std::string>();
  for (absl::string_view part : absl::StrSplit((*info)->definition, ' ', absl::SkipEmpty()))
    if (absl::ConsumePrefix(&part, "key="))
      return std::vector<std::string>(absl::StrSplit(part, ',', absl::SkipEmpty()));
  return std::vector<std::string>();
}

// Prints group counts. `fields` empty: one-name groups (actors, topics),
// printed as name; otherwise one value per field.
void PrintCounts(const std::vector<GroupCount>& counts, const std::string& format,
                 const std::vector<std::string>& fields, std::string_view none,
                 bool spreadsheet_safe) {
  const CsvCell how = CellRule(spreadsheet_safe);
  std::string out;
  if (format == "jsonl") {
    for (const GroupCount& c : counts)
      absl::StrAppend(&out, GroupCountToJson(c, fields.empty()), "\n");
  } else if (format == "csv") {
    out = "count";
    if (fields.empty()) {
      out += ",name";
    } else {
      for (const std::string& f : fields) {
        out.push_back(',');
        AppendCsvField(f, &out, how);
      }
    }
    out += "\r\n";
    for (const GroupCount& c : counts) {
      absl::StrAppend(&out, c.count);
      if (fields.empty()) {
        out.push_back(',');
        AppendCsvField(absl::StrJoin(c.key, " | "), &out, how);
      } else {
        for (const std::string& k : c.key) {
          out.push_back(',');
          AppendCsvField(k, &out, how);
        }
      }
      out += "\r\n";
    }
  } else {
    if (counts.empty()) out.append(none).append("\n");
    size_t w = 5;  // "COUNT"
    for (const GroupCount& c : counts) w = std::max(w, absl::StrCat(c.count).size());
    for (const GroupCount& c : counts) {
      std::string n = absl::StrCat(c.count);
      // Room for the name: a 100-column line, less the count and the gap.
      std::string line = absl::StrCat(std::string(w - n.size(), ' '), n, "  ",
                                      FitColumns(absl::StrJoin(c.key, " | "),
                                                 static_cast<int>(97 - w), false));
      absl::StrAppend(&out, line, "\n");
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

struct CountsFlags {
  std::string prefix, search;
  size_t top = 0;
  std::string format = "table";
  bool no_wait = false;
  bool spreadsheet_safe = false;
  std::string from, to, as_of;
  bool suggest_aliases = false;
  uint64_t min_count = 1;
};

// What a counts query reads from the command line besides the query.
struct CountsArgs {
  std::string from, to, as_of;  // as the user wrote them
  bool no_wait = false;
};

// Opens for a query, resolves the date range and as-of point, waits for
// the projection unless told not to, and returns its counts.
absl::StatusOr<std::vector<GroupCount>> QueryCounts(const GlobalFlags& g, CountsQuery q,
                                                    const CountsArgs& args,
                                                    std::vector<std::string>* fields) {
  if (absl::Status st = ParseDateRange(args.from, args.to, &q.from, &q.to); !st.ok()) return st;
  auto store = OpenForQuery(g, q.projection);
  if (!store.ok()) return store.status();
  const Engine& engine = *store->engine;
  if (!args.as_of.empty()) {
    auto seq = ResolveAsOf(engine, args.as_of);
    if (!seq.ok())
      return WithPrefix(seq.status(), "--as-of");
    q.as_of = *seq;
  }
  q.wait = !args.no_wait && !store->read_only;
  if (store->read_only && !store->current) {
    auto info = FindProjection(engine, q.projection);
    if (!info.ok()) return info.status();
    NoteReadOnlyAnswer(*store, q.projection, info->has_value() ? (*info)->checkpoint : 0);
  } else if (q.wait) {
    auto head = StoreHead(engine);
    if (!head.ok()) return head.status();
    uint64_t target = *head;
    if (q.as_of.has_value()) target = std::min(target, *q.as_of);
    absl::Status st = WaitForProjection(engine, q.projection, target,
                                        absl::StrCat("catching up ", q.projection));
    if (!st.ok()) return st;
  }
  if (fields != nullptr) {
    auto keys = KeyFields(engine, q.projection);
    if (!keys.ok()) return keys.status();
    *fields = *std::move(keys);
  }
  return engine.Counts(q);
}

Runner AddCounts(CLI::App& app, const GlobalFlags& g, const std::string& which) {
  auto f = std::make_shared<CountsFlags>();
  const bool actors = which == "actors";
  CLI::App* cmd = app.add_subcommand(
      which, actors ? "Actors with how many statements each (as speaker or target; "
                      "aliases merged under the canonical name; corrections applied, "
                      "retractions left out, as a timeline counts them), most first"
                    : "Topics with how many statements each (corrections applied, "
                      "retractions left out, as a timeline counts them), most first");
  cmd->add_option("--prefix", f->prefix,
                  actors ? "only names starting with P (case and spacing do not matter; "
                           "any name of an alias pair)"
                         : "only topics starting with P (case and spacing do not matter)");
  cmd->add_option("--search", f->search,
                  "only names holding TEXT, as written (case and spacing do not matter) "
                  "or folded (accents, punctuation and symbols ignored: Erdogan finds "
                  "Erdoğan)");
  cmd->add_option("--top", f->top, "only the N largest (0: all)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--from", f->from,
                  "count only statements that occurred at or after DATE (as timeline)");
  cmd->add_option("--to", f->to,
                  "count only statements that occurred at or before DATE, inclusive of "
                  "the whole period (as timeline)");
  cmd->add_option("--as-of", f->as_of,
                  "count as the log stood at SEQ or TIME (as timeline --as-of), "
                  "aliases included");
  AddListFormat(cmd, f->format);
  AddSpreadsheetSafeFlag(cmd, f->spreadsheet_safe);
  cmd->add_flag("--no-wait", f->no_wait,
                "answer from what the projection has built, without waiting for it "
                "to catch up with the log");
  if (actors) {
    cmd->add_flag("--suggest-aliases", f->suggest_aliases,
                  "propose aliases from the store's evidence (the same CAMEO actor code, "
                  "names equal once accents and punctuation are ignored, \"X of Y\" beside "
                  "\"Y X\") as a CSV that `alias --file` reads once reviewed; appends nothing");
    cmd->add_option("--min-count", f->min_count,
                    "with --suggest-aliases: only actors with at least N statements")
        ->capture_default_str();
  }
  return [f, &g, which, actors, cmd]() -> int {
    if (f->suggest_aliases) {
      // --spreadsheet-safe too: alias --file would read its ' as part of a name.
      for (const char* other : {"--prefix", "--search", "--top", "--from", "--to", "--as-of",
                                "--format", "--no-wait", "--spreadsheet-safe"})
        if (cmd->count(other) > 0)
          return Fail(other, absl::InvalidArgumentError(
                                 "does not apply with --suggest-aliases (it reads the whole "
                                 "current view and prints CSV)"));
      return PrintAliasSuggestions(g, f->min_count);
    }
    if (actors && cmd->count("--min-count") > 0)
      return Fail("--min-count", absl::InvalidArgumentError("applies only with --suggest-aliases"));
    CountsQuery q;
    q.projection = which;
    q.prefix = f->prefix;
    q.top = f->search.empty() ? f->top : 0;  // the top N of the matches
    auto counts = QueryCounts(g, q, {f->from, f->to, f->as_of, f->no_wait}, nullptr);
    if (!counts.ok()) return Fail(which, counts.status());
    if (!f->search.empty()) {
      *counts = SearchNames(*std::move(counts), f->search);
      if (f->top != 0 && counts->size() > f->top) counts->resize(f->top);
    }
    PrintCounts(*counts, f->format, {}, actors ? "(no actors)" : "(no topics)",
                f->spreadsheet_safe);
    return kExitOk;
  };
}

std::string Detail(const ProjectionInfo& i) {
  std::vector<std::string> parts;
  if (!i.definition.empty()) parts.push_back(i.definition);
  switch (i.state) {
    case ProjectionState::kFailed:
      parts.push_back(absl::StrCat("failed at seq ", i.failed_seq, ": ", i.error));
      break;
    case ProjectionState::kBuilding:
    case ProjectionState::kRebuilding:
      parts.push_back(absl::StrCat("replayed to seq ", i.rebuild_checkpoint));
      break;
    default:
      break;
  }
  return absl::StrJoin(parts, "; ");
}

std::string InfoJson(const ProjectionInfo& i) {
  std::string out = "{\"name\":";
  AppendJsonString(i.name, &out);
  absl::StrAppend(&out, ",\"version\":", i.version, ",\"state\":\"",
                  ProjectionStateName(i.state), "\",\"checkpoint\":", i.checkpoint,
                  ",\"head\":", i.head, ",\"lag\":", i.lag,
                  ",\"rebuild_checkpoint\":", i.rebuild_checkpoint,
                  ",\"failed_seq\":", i.failed_seq, ",\"error\":");
  if (i.error.empty()) out += "null";
  else AppendJsonString(i.error, &out);
  out += ",\"definition\":";
  if (i.definition.empty()) out += "null";
  else AppendJsonString(i.definition, &out);
  out += "}";
  return out;
}

// NAME 16, VERSION 7, STATE 10, CHECKPOINT 10, HEAD 10, LAG 8, DETAIL 31,
// six one-space gaps: 98 columns.
void PrintProjectionsTable(const std::vector<ProjectionInfo>& infos) {
  auto row = [](std::string_view name, std::string_view version, std::string_view state,
                std::string_view checkpoint, std::string_view head,
                std::string_view lag, std::string_view detail) {
    std::string line = absl::StrCat(
        FitColumns(name, 16, true), " ", FitColumns(version, 7, true), " ",
        FitColumns(state, 10, true), " ", FitColumns(checkpoint, 10, true), " ",
        FitColumns(head, 10, true), " ", FitColumns(lag, 8, true), " ",
        FitColumns(detail, 31, false));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  };
  row("NAME", "VERSION", "STATE", "CHECKPOINT", "HEAD", "LAG", "DETAIL");
  for (const ProjectionInfo& i : infos)
    row(i.name, absl::StrCat(i.version), ProjectionStateName(i.state),
        absl::StrCat(i.checkpoint), absl::StrCat(i.head), absl::StrCat(i.lag),
        Detail(i));
}

// Waits for the running rebuild of `name`, with progress on a terminal.
absl::Status AwaitRebuild(const Engine& engine, const std::string& name) {
  ProgressBar bar(absl::StrCat("rebuilding ", name));
  for (;;) {
    absl::Status st = engine.WaitForRebuild(name, absl::Milliseconds(100));
    if (!absl::IsDeadlineExceeded(st)) return st;
    auto info = FindProjection(engine, name);
    if (!info.ok()) return info.status();
    if (info->has_value()) bar.Update((*info)->rebuild_checkpoint, (*info)->head);
  }
}

struct ProjectionFlags {
  std::string name;
  // create
  std::string key;
  std::vector<std::string> where, where_not;
  // query
  std::vector<std::string> key_values;
  bool counts = false;
  size_t top = 0;
  TimelineFlags q;
};

int RunCreate(const GlobalFlags& g, const ProjectionFlags& f) {
  std::vector<std::string> where = f.where;
  for (const std::string& w : f.where_not) where.push_back("!" + w);  // negated
  auto def = ParseProjectionDefinition(f.name, f.key, where);
  if (!def.ok()) return Fail("projection create", def.status());
  auto engine = OpenExistingForWrite(g);
  if (!engine.ok()) return Fail("", engine.status());
  SteadyClock::time_point start = SteadyClock::now();
  if (absl::Status st = (*engine)->CreateProjection(*def); !st.ok())
    return FailRequest("projection create", st);
  auto head = StoreHead(**engine);
  if (!head.ok()) return Fail("projection create", head.status());
  absl::Status st = WaitForProjection(**engine, f.name, *head,
                                      absl::StrCat("building ", f.name));
  if (!st.ok()) return Fail("projection create", st);
  auto counts = (*engine)->Counts(f.name, "", 0);
  if (!counts.ok()) return Fail("projection create", counts.status());
  std::printf("created %s (%s): %zu group%s; built from %llu events in %.1f s\n",
              f.name.c_str(), EscapeForTerminal(FormatProjectionDefinition(*def)).c_str(),
              counts->size(), counts->size() == 1 ? "" : "s",
              static_cast<unsigned long long>(*head), SecondsSince(start));
  return kExitOk;
}

int RunQuery(const GlobalFlags& g, const ProjectionFlags& f, CLI::App* query) {
  if (f.counts) {
    if (!f.key_values.empty())
      return Fail("projection query",
                  absl::InvalidArgumentError("--counts takes no KEY values"));
    std::vector<std::string> fields;
    CountsQuery q;
    q.projection = f.name;
    q.top = f.top;
    auto counts = QueryCounts(g, q, {f.q.from, f.q.to, f.q.as_of, f.q.no_wait}, &fields);
    if (!counts.ok()) return Fail("projection query", counts.status());
    if (fields.empty() && !counts->empty())
      for (size_t i = 1; i <= counts->front().key.size(); ++i)
        fields.push_back(absl::StrCat("key", i));
    if (fields.empty()) fields.push_back("key");
    PrintCounts(*counts, f.q.format, fields, "(no groups)", f.q.spreadsheet_safe);
    return kExitOk;
  }
  if (query->count("--top") > 0)
    return Fail("--top", absl::InvalidArgumentError("applies to --counts only"));
  if (f.key_values.empty())
    return Fail("projection query",
                absl::InvalidArgumentError(
                    "give one KEY value per key field of the projection, or --counts"));
  TimelineQuery q;
  q.projection = f.name;
  q.key = f.key_values;
  return RunTimeline(g, f.q, q);
}

int RunDrop(const GlobalFlags& g, const ProjectionFlags& f) {
  auto engine = OpenExistingForWrite(g);
  if (!engine.ok()) return Fail("", engine.status());
  if (absl::Status st = (*engine)->DropProjection(f.name); !st.ok())
    return FailRequest("projection drop", st);
  std::printf("dropped %s\n", f.name.c_str());
  return kExitOk;
}

}  // namespace

Runner AddActors(CLI::App& app, const GlobalFlags& g) { return AddCounts(app, g, "actors"); }
Runner AddTopics(CLI::App& app, const GlobalFlags& g) { return AddCounts(app, g, "topics"); }

Runner AddProjections(CLI::App& app, const GlobalFlags& g) {
  auto format = std::make_shared<std::string>("table");
  CLI::App* cmd = app.add_subcommand(
      "projections",
      "The projections (derived views) and how far each has applied the log: "
      "name, version, state (live, building, rebuilding, failed), checkpoint, "
      "head, lag, and the definition of declarative ones or why one failed");
  cmd->add_option("--format", *format, "table (fits 100 columns) or jsonl")
      ->check(CLI::IsMember({"table", "jsonl"}))
      ->capture_default_str();
  return [format, &g]() -> int {
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto listed = StoreProjections(**engine);
    if (!listed.ok()) return Fail("projections", listed.status());
    const std::vector<ProjectionInfo>& infos = *listed;
    if (*format == "jsonl") {
      std::string out;
      for (const ProjectionInfo& i : infos) absl::StrAppend(&out, InfoJson(i), "\n");
      std::fwrite(out.data(), 1, out.size(), stdout);
    } else {
      PrintProjectionsTable(infos);
    }
    return kExitOk;
  };
}

Runner AddRebuild(CLI::App& app, const GlobalFlags& g) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "rebuild",
      "Rebuild a projection from the start of the log beside the live one, which "
      "keeps answering until the new one has caught up. Shows progress on a "
      "terminal");
  cmd->add_option("NAME", *name, "projection name (see `annals projections`)")
      ->required();
  return [name, &g]() -> int {
    auto engine = OpenExistingForWrite(g);
    if (!engine.ok()) return Fail("", engine.status());
    SteadyClock::time_point start = SteadyClock::now();
    if (absl::Status st = (*engine)->Rebuild(*name); !st.ok())
      return FailRequest("rebuild", st);
    if (absl::Status st = AwaitRebuild(**engine, *name); !st.ok())
      return Fail("rebuild", st);
    auto info = FindProjection(**engine, *name);
    if (!info.ok()) return Fail("rebuild", info.status());
    std::printf("rebuilt %s: %llu events in %.1f s\n", name->c_str(),
                static_cast<unsigned long long>(info->has_value() ? (*info)->checkpoint : 0),
                SecondsSince(start));
    return kExitOk;
  };
}

Runner AddProjection(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<ProjectionFlags>();
  CLI::App* cmd = app.add_subcommand(
      "projection", "Declarative projections: timelines grouped by fields, "
                    "optionally filtered (create, query, drop)");
  cmd->require_subcommand(1);

  CLI::App* create = cmd->add_subcommand(
      "create",
      "Define a projection grouping statements by --key fields, filtered by "
      "--where; builds it from the whole log and prints a summary");
  create->add_option("NAME", f->name, "projection name: [A-Za-z0-9_.-], 1-64 characters")
      ->required();
  create
      ->add_option("--key", f->key,
                   "FIELD[,FIELD...]: speaker, target, actor, topic, verb, "
                   "event_type, code, code:N (first N characters), outlet, attr.NAME "
                   "(an attribute, e.g. attr.Actor1CountryCode), quad (CAMEO quad "
                   "class, from the codebook), root (root code), goldstein (the row's "
                   "GoldsteinScale, else the codebook's), day, week (ISO, 2025-W14), "
                   "month, year")
      ->required();
  create->add_option("--where", f->where,
                     "FIELD=VALUE filter, repeatable: filters on one field are "
                     "alternatives (--where code=11 --where code=12, or code=11,12 "
                     "for codes, root, quad and dates), filters on different fields "
                     "must all hold; a code value is a prefix. quad, goldstein and "
                     "attr.NAME also take numeric bounds, which all hold: "
                     "--where 'goldstein<=-5' (quote them: < is a redirect)");
  create->add_option("--where-not", f->where_not,
                     "FIELD=VALUE or FIELD<=NUMBER: leave out statements that match "
                     "(repeatable); a filter no statement can pass, or a value no "
                     "statement can have (quad=5, day=2025-02-30), is refused");

  CLI::App* query = cmd->add_subcommand(
      "query",
      "The timeline of one group (one KEY value per key field), or with --counts "
      "the groups with their statement counts");
  query->add_option("NAME", f->name, "projection name")->required();
  query->add_option("KEY", f->key_values, "the group's key values, in key order");
  query->add_flag("--counts", f->counts,
                  "list the groups with their counts instead (the statements the "
                  "group timelines list: --as-of, --from and --to apply)");
  query->add_option("--top", f->top, "with --counts: only the N largest (0: all)")
      ->check(NonNegative())
      ->capture_default_str();
  AddTimelineFlags(query, f->q);

  CLI::App* drop = cmd->add_subcommand(
      "drop", "Remove a declarative projection, its definition and its data");
  drop->add_option("NAME", f->name, "projection name")->required();

  return [f, &g, create, query, drop]() -> int {
    if (create->parsed()) return RunCreate(g, *f);
    if (query->parsed()) return RunQuery(g, *f, query);
    if (drop->parsed()) return RunDrop(g, *f);
    return kExitBadInput;
  };
}

}  // namespace annals::cli
