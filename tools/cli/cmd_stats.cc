// annals stats: what the store holds.
#include <cstdio>

#include "absl/strings/str_format.h"
#include "cli/commands.h"

namespace annals::cli {

Runner AddStats(CLI::App& app, const GlobalFlags& g) {
  CLI::App* cmd = app.add_subcommand(
      "stats", "Event count, head seq, size on disk, first and last occurred_at");
  (void)cmd;
  return [&g]() -> int {
    auto engine = OpenForRead(g);
    if (!engine.ok()) return Fail("", engine.status());
    auto st = (*engine)->Stats();
    if (!st.ok()) return Fail("stats", st.status());
    auto dash = [](const Timestamp& t) {
      return t.present() ? FormatTime(t) : std::string("-");
    };
    std::string out = absl::StrFormat(
        "store           %s\n"
        "events          %d\n"
        "head seq        %d\n"
        "size on disk    %.1f MiB (%d bytes)\n"
        "first occurred  %s\n"
        "last occurred   %s\n",
        g.db, st->events, st->head, st->bytes_on_disk / 1048576.0,
        st->bytes_on_disk, dash(st->first_occurred_at), dash(st->last_occurred_at));
    std::fputs(out.c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace annals::cli
