// annals repair: salvage a store whose write-ahead log is damaged
// (annals/repair.h).
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "annals/repair.h"
#include "cli/commands.h"
#include "cli/terminal.h"

namespace annals::cli {

Runner AddRepair(CLI::App& app, const GlobalFlags& g) {
  auto damaged_dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "repair",
      "Salvage a store whose write-ahead log is damaged (every other command "
      "then refuses it, exit 2): keep every event before the first damaged "
      "record, record the seqs after it as lost (never reused; `verify` and "
      "`stats` show them), and move the damaged store, untouched, to "
      "STORE.damaged-<time> (or --damaged-dir). A store that opens normally is "
      "left alone (exit 0). Exit 2 if it cannot be repaired.");
  cmd->add_option("--damaged-dir", *damaged_dir,
                  "where to move the damaged store (must not exist; default "
                  "STORE.damaged-<UTC time> beside the store)");
  return [damaged_dir, &g]() -> int {
    if (absl::Status st = RefuseWhileServed(g, "repairing it"); !st.ok())
      return Fail("repair", st);
    RepairOptions options;
    options.damaged_dir = *damaged_dir;
    auto r = RepairStore(g.db, options);
    if (!r.ok()) return Fail("repair", r.status());
    if (!r->repaired) {
      std::printf("%s opens normally: nothing to repair\n", EscapeForTerminal(g.db).c_str());
      return kExitOk;
    }
    std::printf(
        "repaired %s\n"
        "kept            seqs 1..%llu\n"
        "lost            seqs %llu..%llu recorded as lost (the damaged log held at most "
        "these; the next append takes seq %llu)\n"
        "damaged store   %s (untouched, write-ahead log %s)\n",
        EscapeForTerminal(g.db).c_str(), static_cast<unsigned long long>(r->kept_through),
        static_cast<unsigned long long>(r->lost_first),
        static_cast<unsigned long long>(r->lost_last),
        static_cast<unsigned long long>(r->lost_last + 1),
        EscapeForTerminal(r->damaged_dir).c_str(),
        EscapeForTerminal(absl::StrJoin(r->wal_files, ", ")).c_str());
    if (r->readable_through > r->kept_through)
      std::printf("note            events up to seq %llu are still readable beyond the "
                  "damage in the damaged store's log; they are not in the repaired store\n",
                  static_cast<unsigned long long>(r->readable_through));
    return kExitOk;
  };
}

}  // namespace annals::cli
