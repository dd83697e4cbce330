// annals backup / annals restore (annals/backup.h).
#include <cstdio>
#include <string>

#include "annals/backup.h"
#include "annals/status.h"
#include "cli/commands.h"
#include "cli/terminal.h"

namespace annals::cli {
namespace {

struct BackupFlags {
  std::string dir;
};

struct RestoreFlags {
  std::string dir;
  bool force = false;
};

}  // namespace

Runner AddBackup(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<BackupFlags>();
  CLI::App* cmd = app.add_subcommand(
      "backup",
      "Take a consistent backup of the store into DIR: a new directory, or an "
      "earlier backup's, which then gets one more copy (only new files are "
      "stored). Independent, checksummed copies (RocksDB's BackupEngine); "
      "refuses if the store's files fail their checksums. Works while another "
      "process imports or queries: the backup holds the log as it stood at "
      "one instant. Restore it with `annals restore DIR`.");
  cmd->add_option("DIR", f->dir, "new directory, or an earlier backup's, to hold the backup")
      ->required();
  return [f, &g]() -> int {
    // A server holding the store backs it up itself: a copy of its files,
    // rather than a record-by-record copy beside a writer.
    auto client = ConnectClient(g);
    if (!client.ok()) return Fail("backup", client.status());
    auto info = *client != nullptr ? (*client)->Backup(f->dir) : BackupStore(g.db, f->dir);
    if (!info.ok()) {
      if (IsNoStore(info.status()))
        return Fail("backup", WithHint(info.status(), "give --db PATH or set ANNALS_DB"));
      return Fail("backup", info.status());
    }
    std::printf("backed up %s to %s (copy %u): seqs 1..%llu, %.1f MiB\n",
                EscapeForTerminal(g.db).c_str(), EscapeForTerminal(info->path).c_str(),
                info->backup_id, static_cast<unsigned long long>(info->head),
                info->bytes / 1048576.0);
    return kExitOk;
  };
}

Runner AddRestore(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<RestoreFlags>();
  CLI::App* cmd = app.add_subcommand(
      "restore",
      "Restore the newest copy in backup DIR as the store given by --db, after "
      "checking it against its checksums (a damaged backup: exit 2, nothing "
      "restored). --db may be missing or an empty directory; an existing store "
      "is replaced only with --force, and nothing else ever is. The backup is "
      "left unchanged.");
  cmd->add_option("DIR", f->dir, "a directory made by `annals backup`")->required();
  cmd->add_flag("--force", f->force,
                "replace the annals store at --db (deleted once the backup is restored "
                "and checked); never a file or a directory holding anything else");
  return [f, &g]() -> int {
    if (absl::Status st = RefuseWhileServed(g, "restoring over it"); !st.ok())
      return FailRequest("restore", st);
    RestoreOptions options;
    options.overwrite = f->force;
    auto info = RestoreStore(f->dir, g.db, options);
    // Not a backup, or a store in use: the request does not apply (1); a
    // damaged backup is a storage error (2).
    if (!info.ok()) return FailRequest("restore", info.status());
    std::printf("restored %s to %s: seqs 1..%llu, %.1f MiB\n",
                EscapeForTerminal(f->dir).c_str(), EscapeForTerminal(g.db).c_str(), static_cast<unsigned long long>(info->head),
                info->bytes / 1048576.0);
    return kExitOk;
  };
}

}  // namespace annals::cli
