// annals [--db PATH] COMMAND ...
#include <cstdio>
#include <map>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "cli/common.h"

int main(int argc, char** argv) {
  using namespace annals::cli;
  CLI::App app{
      "annals: an append-only, reproducible log of diplomatic statements.\n"
      "Exit status: 0 success, 1 bad input or usage, 2 storage error.",
      "annals"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalFlags g;
  app.add_option("--db", g.db,
                 "store directory (default: $ANNALS_DB, else ./annals.db)")
      ->envname("ANNALS_DB");

  std::map<CLI::App*, Runner> runners;
  auto add = [&](Runner r) { runners.emplace(app.get_subcommands({}).back(), std::move(r)); };
  add(AddImport(app, g));
  add(AddAppend(app, g));
  add(AddLog(app, g));
  add(AddShow(app, g));
  add(AddStats(app, g));
  add(AddTimeline(app, g));
  add(AddActors(app, g));
  add(AddTopics(app, g));
  add(AddAlias(app, g));
  add(AddCorrect(app, g));
  add(AddRetract(app, g));
  add(AddProjections(app, g));
  add(AddRebuild(app, g));
  add(AddProjection(app, g));
  add(AddExport(app, g));
  add(AddCodes(app, g));
  add(AddVerify(app, g));
  add(AddBackup(app, g));
  add(AddRestore(app, g));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  for (auto& [sub, run] : runners)
    if (sub->parsed()) return run();
  return kExitBadInput;
}
