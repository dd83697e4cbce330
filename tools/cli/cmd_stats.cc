// annals stats: what the store holds.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "annals/json.h"
#include "cli/commands.h"
#include "cli/terminal.h"

namespace annals::cli {
namespace {

std::string Table(const std::string& db, const StoreStats& st) {
  auto dash = [](const Timestamp& t) {
    return t.present() ? FormatTime(t) : std::string("-");
  };
  std::string lost =
      st.lost == 0 ? std::string()
                   : absl::StrFormat("lost seqs       %d (to a damaged write-ahead log; "
                                     "recorded by `annals repair`, never reused)\n",
                                     st.lost);
  return absl::StrFormat(
      "store           %s\n"
      "events          %d\n"
      "head seq        %d\n"
      "size on disk    %.1f MiB (%d bytes)\n"
      "first occurred  %s\n"
      "last occurred   %s\n%s",
      EscapeForTerminal(db), st.events, st.head, st.bytes_on_disk / 1048576.0,
      st.bytes_on_disk, dash(st.first_occurred_at), dash(st.last_occurred_at), lost);
}

}  // namespace

Runner AddStats(CLI::App& app, const GlobalFlags& g) {
  auto format = std::make_shared<std::string>("table");
  CLI::App* cmd = app.add_subcommand(
      "stats", "Event count, head seq, size on disk, first and last occurred_at");
  cmd->add_option("--format", *format,
                  "table (one line per figure) or jsonl (one JSON object: store (the "
                  "--server address when one is given), "
                  "events, head, bytes_on_disk, first_occurred_at, last_occurred_at, lost)")
      ->check(CLI::IsMember({"table", "jsonl"}))
      ->capture_default_str();
  return [format, &g]() -> int {
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto st = (*engine)->Stats();
    if (!st.ok()) return Fail("stats", st.status());
    // Through --server the store is the server's, not --db (issue 20): name
    // the server's address.
    const std::string& store = g.server.empty() ? g.db : g.server;
    std::string out = *format == "jsonl" ? StatsToJson(store, *st) + "\n" : Table(store, *st);
    std::fputs(out.c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace annals::cli
