// annals search: full-text search of statements' content and quote
// (annals/search.h), ranked by BM25, as of any point of the log.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "annals/json.h"
#include "annals/search.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/remote_engine.h"
#include "cli/terminal.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

struct SearchFlags {
  std::vector<std::string> words;
  std::string actor, topic, from, to, as_of, lang = "english";
  size_t limit = 20;
  std::string format = "table";
  bool spreadsheet_safe = false;
};

const std::vector<std::string> kColumns = {"rank", "score", "seq", "version_seq",
                                           "occurred_at", "speaker", "content"};

std::vector<std::string> Cells(size_t rank, const SearchHit& h) {
  const Statement& s = h.event.statement;
  return {absl::StrCat(rank),  absl::StrFormat("%.4f", h.score), absl::StrCat(h.seq),
          absl::StrCat(h.version_seq), FormatTime(s.occurred_at), s.speaker,
          s.content.empty() ? s.quote : s.content};
}

std::string Table(size_t rank, const SearchHit& h) {
  const std::vector<std::string> c = Cells(rank, h);
  return absl::StrCat(absl::StrFormat("%4s %8s %9s ", c[0], c[1], c[2]),
                      FitColumns(c[4], 10, true), " ", FitColumns(c[5], 20, true), " ",
                      FitColumns(c[6], 46, false), "\n");
}

int Run(const GlobalFlags& g, const SearchFlags& f) {
  SearchQuery q;
  q.text = absl::StrJoin(f.words, " ");
  q.actor = f.actor;
  q.topic = f.topic;
  q.limit = f.limit;
  q.language = f.lang;
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail("search", st);
  auto engine = OpenForRead(g);
  if (!engine.ok()) return Fail("", engine.status());
  if (!f.as_of.empty()) {
    auto seq = ResolveAsOf(**engine, f.as_of);
    if (!seq.ok()) return Fail("--as-of", seq.status());
    q.as_of = *seq;
  }
  // A server holding the store searches its own index; an older one
  // without search is read through into the index here.
  Client* served = ServingClient(**engine);
  auto result = served != nullptr ? served->Search(q) : absl::UnimplementedError("");
  if (absl::IsUnimplemented(result.status())) result = Search(**engine, g.db + "/search", q);
  if (!result.ok()) return Fail("search", result.status());
  if (f.format == "csv") std::fputs(CsvRow(kColumns, CsvCell::kRaw).c_str(), stdout);
  if (f.format == "table")
    std::fputs(absl::StrFormat("%4s %8s %9s %-10s %-20s %s\n", "RANK", "SCORE", "SEQ",
                               "OCCURRED", "SPEAKER", "CONTENT")
                   .c_str(),
               stdout);
  for (size_t i = 0; i < result->hits.size(); ++i) {
    const SearchHit& h = result->hits[i];
    const std::string line = f.format == "jsonl" ? SearchHitToJson(h, i + 1) + "\n"
                             : f.format == "csv"
                                 ? CsvRow(Cells(i + 1, h), CellRule(f.spreadsheet_safe))
                                 : Table(i + 1, h);
    std::fputs(line.c_str(), stdout);
    if (OutputFailed()) return kExitStorage;  // main says why
  }
  if (result->hits.empty() && f.format == "table") std::fputs("(no matches)\n", stdout);
  return FlushOutput() ? kExitOk : kExitStorage;
}

}  // namespace

Runner AddSearch(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<SearchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "search",
      "Full-text search of statements' content and quote, ranked by BM25 (ties: earlier "
      "first), as of --as-of: each statement as it read then (corrections applied, "
      "retracted ones left out). Words are all required; also \"quoted phrases\", "
      "AND, OR, NOT (upper case), -word, and prefix*. The index lives in STORE/search "
      "and is brought up to date by each search; a server holding the store (or "
      "--server) searches its own.");
  cmd->add_option("QUERY", f->words, "the words to search for")->required();
  cmd->add_option("--actor", f->actor,
                  "only statements by or about this actor (aliases apply)");
  cmd->add_option("--topic", f->topic, "only statements on this topic, or on a topic holding all its words "
                  "(\"rare earth\" finds \"rare earth metals\")");
  cmd->add_option("--from", f->from, "only statements that occurred at or after DATE");
  cmd->add_option("--to", f->to,
                  "only statements that occurred at or before DATE (the whole period)");
  cmd->add_option("--as-of", f->as_of, "answer as the log stood at SEQ or TIME");
  cmd->add_option("--limit", f->limit, "at most N results (1-10000)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--lang", f->lang,
                  "stemming language (" + absl::StrJoin(SearchLanguages(), ", ") +
                      "; none = words as written)")
      ->capture_default_str();
  cmd->add_option("--format", f->format, "table, csv (RFC 4180) or jsonl")
      ->check(CLI::IsMember({"table", "csv", "jsonl"}))
      ->capture_default_str();
  AddSpreadsheetSafeFlag(cmd, f->spreadsheet_safe);
  return [f, &g]() -> int { return Run(g, *f); };
}

}  // namespace annals::cli
