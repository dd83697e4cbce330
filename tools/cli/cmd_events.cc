// annals alias / correct / retract: the events that change how statements
// read, without ever changing the log's past.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/import_run.h"

namespace annals::cli {
namespace {

// The end of each command: the appended event's seq on stdout (with a note
// on stderr when it was stored already), or the error; the exit status.
// Prints what `r` says (its seq), then brings the search indexes of the
// store `engine` wrote to up to date.
int Report(const GlobalFlags& g, const Engine& engine, std::string_view command,
           const absl::StatusOr<AppendResult>& r) {
  if (!r.ok()) return FailRequest(command, r.status());
  std::printf("%llu\n", static_cast<unsigned long long>(r->seq));
  if (r->duplicate)
    std::fprintf(stderr, "annals: already stored as seq %llu; nothing appended\n",
                 static_cast<unsigned long long>(r->seq));
  if (!FlushOutput()) return kExitStorage;  // main says why
  KeepSearchIndexesUp(g, engine);  // the seq is out first
  return kExitOk;
}

const AppendOptions kSync{AppendOptions::Durability::kSync};

struct AliasFlags {
  std::string alias, canonical;
  ImportFlags file;  // --file: a CSV of aliases, read as import reads one
};

struct CorrectFlags {
  std::string seq;
  Statement s;  // only the fields given are used
  std::string at, published_at, reason;
};

struct RetractFlags {
  std::string seq, reason;
};

}  // namespace

Runner AddAlias(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<AliasFlags>();
  CLI::App* cmd = app.add_subcommand(
      "alias",
      "Record that ALIAS names the same actor as CANONICAL; timelines of either "
      "name then show both under CANONICAL. Prints the alias event's seq. With "
      "--file, appends every alias of a CSV file (header: alias,canonical; other "
      "columns are kept as the alias's attributes), each row counted as imported, "
      "duplicate or rejected as `import` counts them (exit 1 if any was rejected)");
  cmd->add_option("ALIAS", f->alias, "the other name, e.g. \"Putin\"");
  cmd->add_option("CANONICAL", f->canonical, "the name to show, e.g. \"Vladimir Putin\"");
  ImportFlags& file = f->file;
  file.format = "aliases";
  file.existing_store = true;
  cmd->add_option("--file", file.files, "a CSV file of aliases (repeatable); - for standard input")
      ->allow_extra_args(false);
  cmd->add_flag("--strict", file.strict, "with --file: append nothing if any row is bad");
  cmd->add_flag("--dry-run", file.dry_run, "with --file: check only; write nothing");
  cmd->add_option("--rejects", file.rejects,
                  "with --file: write rejected rows verbatim to this file");
  cmd->add_flag("--all-errors", file.all_errors,
                "with --file: report every rejected row (default: the first 20)");
  return [f, &g, cmd]() -> int {
    const bool by_file = !f->file.files.empty();
    if (by_file && cmd->count("ALIAS") > 0)
      return Fail("alias", absl::InvalidArgumentError(
                               "give ALIAS CANONICAL or --file FILE, not both"));
    if (!by_file)
      for (const char* flag : {"--strict", "--dry-run", "--rejects", "--all-errors"})
        if (cmd->count(flag) > 0)
          return Fail(flag, absl::InvalidArgumentError("applies only with --file"));
    if (by_file) return RunImport(f->file, g);
    if (cmd->count("CANONICAL") == 0)
      return Fail("alias", absl::InvalidArgumentError(
                               "expected ALIAS CANONICAL (or --file FILE.csv)"));
    auto engine = OpenExistingForWrite(g);
    if (!engine.ok()) return Fail("", engine.status());
    return Report(g, **engine, "alias", (*engine)->Alias(f->alias, f->canonical, kSync));
  };
}

Runner AddCorrect(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<CorrectFlags>();
  CLI::App* cmd = app.add_subcommand(
      "correct",
      "Append a correction of a statement (by seq or id): the fields given "
      "replace its current values (a repeatable flag replaces the whole list; "
      "an empty value clears the field); the rest stay. Prints the "
      "correction's seq");
  cmd->add_option("SEQ_OR_ID", f->seq, "the statement's seq (all digits) or id")
      ->required();
  Statement& s = f->s;
  cmd->add_option("--speaker", s.speaker, "who made the statement");
  cmd->add_option("--target", s.targets, "whom it was addressed to or about (repeatable)");
  cmd->add_option("--verb", s.verb, "surface verb: said, accused, threatened");
  cmd->add_option("--code", s.code, "CAMEO event code");
  cmd->add_option("--event-type", s.event_type, "PLOVER event type");
  cmd->add_option("--topic", s.topics, "topic (repeatable)");
  cmd->add_option("--content", s.content, "what was stated, paraphrased");
  cmd->add_option("--quote", s.quote, "verbatim words");
  cmd->add_option("--at", f->at, "when it was said (ISO 8601, e.g. 2025-03-31)");
  cmd->add_option("--outlet", s.source.outlet, "outlet that reported it");
  cmd->add_option("--via", s.source.via, "outlet that relayed the report");
  cmd->add_option("--url", s.source.url, "URL of the report");
  cmd->add_option("--published-at", f->published_at, "when the report was published");
  cmd->add_option("--reason", f->reason, "why it is corrected (required)")->required();
  return [f, &g, cmd]() -> int {
    if (f->reason.empty())
      return Fail("--reason", absl::InvalidArgumentError("a reason is required"));
    auto given = [&](const char* flag) { return cmd->count(flag) > 0; };
    Timestamp at, published_at;
    if (given("--at")) {
      auto t = ParseTime(f->at);
      if (!t.ok()) return Fail("--at", t.status());
      at = *t;
    }
    if (given("--published-at") && !f->published_at.empty()) {
      auto t = ParseTime(f->published_at);
      if (!t.ok()) return Fail("--published-at", t.status());
      published_at = *t;
    }
    bool any = false;
    for (const char* flag : {"--speaker", "--target", "--verb", "--code", "--event-type",
                             "--topic", "--content", "--quote", "--at", "--outlet",
                             "--via", "--url", "--published-at"})
      any = any || given(flag);
    if (!any)
      return Fail("correct", absl::InvalidArgumentError(
                                 "nothing to correct: give at least one field flag"));

    auto engine = OpenExistingForWrite(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto seq = ResolveEvent(**engine, f->seq);
    if (!seq.ok()) return Fail("correct", seq.status());
    auto current = (*engine)->CurrentStatement(*seq);
    if (!current.ok()) return FailRequest("correct", current.status());
    Statement c = *current;
    const Statement& n = f->s;
    if (given("--speaker")) c.speaker = n.speaker;
    if (given("--target")) c.targets = n.targets;
    if (given("--verb")) c.verb = n.verb;
    if (given("--code")) c.code = n.code;
    if (given("--event-type")) c.event_type = n.event_type;
    if (given("--topic")) c.topics = n.topics;
    if (given("--content")) c.content = n.content;
    if (given("--quote")) c.quote = n.quote;
    if (given("--at")) c.occurred_at = at;
    if (given("--outlet")) c.source.outlet = n.source.outlet;
    if (given("--via")) c.source.via = n.source.via;
    if (given("--url")) c.source.url = n.source.url;
    if (given("--published-at")) c.source.published_at = published_at;
    // An empty repeatable value ("--target ''") clears the list.
    std::erase(c.targets, std::string());
    std::erase(c.topics, std::string());
    return Report(g, **engine, "correct", (*engine)->Correct(*seq, c, f->reason, kSync));
  };
}

Runner AddRetract(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<RetractFlags>();
  CLI::App* cmd = app.add_subcommand(
      "retract",
      "Append a retraction of a statement (by seq or id): timelines leave it "
      "out (or mark it, with --include-retracted) from now on. Prints the "
      "retraction's seq");
  cmd->add_option("SEQ_OR_ID", f->seq, "the statement's seq (all digits) or id")
      ->required();
  cmd->add_option("--reason", f->reason, "why it is withdrawn (required)")->required();
  return [f, &g]() -> int {
    if (f->reason.empty())
      return Fail("--reason", absl::InvalidArgumentError("a reason is required"));
    auto engine = OpenExistingForWrite(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto seq = ResolveEvent(**engine, f->seq);
    if (!seq.ok()) return Fail("retract", seq.status());
    return Report(g, **engine, "retract", (*engine)->Retract(*seq, f->reason, kSync));
  };
}

}  // namespace annals::cli
