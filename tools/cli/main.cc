// annals [--db PATH] COMMAND ...
#include <cstdio>
#include <map>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "annals/version.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace {

// `annals --version`: the release, the store format and event schema it
// reads and writes, and the RocksDB it runs on.
std::string VersionText() {
  annals::VersionInfo v = annals::GetVersionInfo();
  return absl::StrCat("annals ", v.annals, "\nstore format ", v.store_format,
                      " (event schema ", v.event_schema, ")\nRocksDB ", v.rocksdb);
}

int Run(int argc, char** argv) {
  using namespace annals::cli;
  CLI::App app{
      "annals: an append-only, reproducible log of diplomatic statements.\n"
      "Exit status: 0 success, 1 bad input or usage, 2 storage error.",
      "annals"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", VersionText(),
                       "print the version, the store format and the RocksDB version");
  GlobalFlags g;
  app.add_option("--db", g.db,
                 "store directory (default: $ANNALS_DB, else ./annals.db)")
      ->envname("ANNALS_DB");
  app.add_option("--server", g.server,
                 "use the server at ADDRESS (unix:PATH, or tcp:HOST:PORT or tls:HOST:PORT with a token) instead of the one holding the "
                 "store, if any (default: $ANNALS_SERVER, else the store's annals.server "
                 "file)")
      ->envname("ANNALS_SERVER");
  app.add_option("--token-file", g.token_file,
                 "for a tcp: or tls: server: a file holding the token (its first word "
                 "that is not a # comment) "
                 "(default: $ANNALS_TOKEN_FILE, else the token in $ANNALS_TOKEN)")
      ->envname("ANNALS_TOKEN_FILE");
  app.add_option("--tls-ca", g.tls_ca,
                 "for a tls:HOST:PORT server: a PEM file of certificates to trust besides "
                 "the system's (a private CA, or the server's own certificate) "
                 "(default: $ANNALS_TLS_CA)")
      ->envname("ANNALS_TLS_CA");

  std::map<CLI::App*, Runner> runners;
  auto add = [&](Runner r) { runners.emplace(app.get_subcommands({}).back(), std::move(r)); };
  add(AddImport(app, g));
  add(AddAppend(app, g));
  add(AddLog(app, g));
  add(AddShow(app, g));
  add(AddStats(app, g));
  add(AddTimeline(app, g));
  add(AddSeries(app, g));
  add(AddNetwork(app, g));
  add(AddSearch(app, g));
  add(AddClaims(app, g));
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
  add(AddRepair(app, g));
  add(AddServe(app, g));

  // A mistyped command: name it and suggest the closest, as git does.
  if (std::string msg = UnknownCommandMessage(app, argc, argv); !msg.empty()) {
    Note(msg);  // escaped: it quotes what was typed
    std::fputs("Run 'annals --help' for the commands.\n", stderr);
    return kExitBadInput;
  }
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

}  // namespace

int main(int argc, char** argv) {
  // Every command's output is checked here at the end: a write error
  // (full disk, /dev/full) is exit 2 with a message, never a silent cut.
  return annals::cli::FinishOutput(Run(argc, argv));
}
