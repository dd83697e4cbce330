// annals backup / annals restore (annals/backup.h).
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

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

// Notes the staging directories an interrupted backup or restore left
// beside `target` (".NAME.annals-backup-XXXXXX" and the like: made by
// MakeStaging, engine/src/backup/backup_dir.h). They are never removed
// here: one may belong to a backup or restore still running.
void NoteLeftStaging(const std::string& target) {
  namespace fs = std::filesystem;
  const fs::path t = fs::absolute(fs::path(target)).lexically_normal();
  const fs::path name = t.has_filename() ? t.filename() : t.parent_path().filename();
  const fs::path parent = t.has_filename() ? t.parent_path() : t.parent_path().parent_path();
  std::error_code ec;
  for (const fs::directory_entry& d : fs::directory_iterator(parent, ec)) {
    const std::string n = d.path().filename().string();
    for (const char* tag : {"annals-backup-", "annals-copy-", "annals-restore-"}) {
      const std::string prefix = "." + name.string() + "." + tag;
      if (n.size() != prefix.size() + 6 || n.compare(0, prefix.size(), prefix) != 0) continue;
      if (!d.is_directory(ec)) continue;
      std::fprintf(stderr, "annals: note: %s is left from an interrupted backup or restore; "
                           "remove it once none is running\n",
                   EscapeForTerminal(d.path().string()).c_str());
    }
  }
}

// The search indexes a backup or restored store holds (one it lacks is
// built from the log by the first search).
void PrintSearchIndexes(const std::vector<std::string>& languages) {
  if (languages.empty()) return;
  std::string names;
  for (const std::string& l : languages) names += (names.empty() ? "" : ", ") + l;
  std::printf("search indexes: %s\n", EscapeForTerminal(names).c_str());
}

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
    NoteLeftStaging(f->dir);
    NoteLeftStaging((std::filesystem::path(f->dir) / "search" / "incoming").string());
    if (!info.ok()) {
      if (IsNoStore(info.status()))
        return Fail("backup", WithHint(info.status(), "give --db PATH or set ANNALS_DB"));
      return Fail("backup", info.status());
    }
    std::printf("backed up %s to %s (copy %u): seqs 1..%llu, %.1f MiB\n",
                EscapeForTerminal(g.db).c_str(), EscapeForTerminal(info->path).c_str(),
                info->backup_id, static_cast<unsigned long long>(info->head),
                info->bytes / 1048576.0);
    PrintSearchIndexes(info->search_indexes);
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
      return Fail("restore", st);  // in use: 2, as repair and every "in use"
    RestoreOptions options;
    options.overwrite = f->force;
    auto info = RestoreStore(f->dir, g.db, options);
    NoteLeftStaging(g.db);
    // Not a backup, or a store in use: the request does not apply (1); a
    // damaged backup is a storage error (2).
    if (!info.ok()) return FailRequest("restore", info.status());
    std::printf("restored %s to %s: seqs 1..%llu, %.1f MiB\n",
                EscapeForTerminal(f->dir).c_str(), EscapeForTerminal(g.db).c_str(), static_cast<unsigned long long>(info->head),
                info->bytes / 1048576.0);
    PrintSearchIndexes(info->search_indexes);
    return kExitOk;
  };
}

}  // namespace annals::cli
