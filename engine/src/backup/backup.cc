// Backups. A store this process can write is backed up by RocksDB's
// BackupEngine (independent, checksummed copies; later backups into the
// same directory copy only new files) after its SST files' checksums are
// checked. A read-only engine's view (such as one of a store another
// process holds) is first copied record by record into a scratch store,
// which is checked and then backed up the same way. A new backup directory
// is made under a fresh name beside its target and renamed into place, so
// a failed backup leaves nothing half-made, and nothing the command did
// not create is ever removed. The store's search indexes are copied in
// beside (backup/search_copy.h).
#include "annals/backup.h"
#include "annals/verify.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/status.h"
#include "backup/backup_dir.h"
#include "backup/search_copy.h"
#include "facade/services.h"

namespace annals {
namespace {

namespace fs = std::filesystem;
using internal::EngineServices;

// A directory this command created: removed when it goes out of scope
// unless released.
class Scratch {
 public:
  explicit Scratch(fs::path p) : path_(std::move(p)) {}
  ~Scratch() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

absl::Status CheckTarget(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec)))
    return absl::AlreadyExistsError(absl::StrCat(
        dir.string(), " already exists and is not an annals backup; a backup goes into a "
                      "new directory or an existing backup"));
  if (!fs::is_directory(dir.parent_path(), ec))
    return absl::NotFoundError(
        absl::StrCat("the directory ", dir.parent_path().string(), " does not exist"));
  return absl::OkStatus();
}

// Verifies a record-by-record copy in full. A read-only view opened while
// the other process ingests a projection batch (a rebuild's, or a live
// one's during an import) can hold the batch's checkpoint without all of
// its data: seen with RocksDB 7.8, so such a copy is taken again.
absl::Status CheckCopy(const std::string& dir) {
  VerifyOptions vo;
  vo.max_problems = 1;
  auto report = VerifyStore(dir, vo);
  if (!report.ok()) return report.status();
  if (report->problem_count == 0) return absl::OkStatus();
  const VerifyProblem& p = report->problems.front();
  return absl::DataLossError(absl::StrCat("the copy does not hold together (",
                                          report->problem_count, " problems; first: ",
                                          p.subject, ": ", p.detail, ")"));
}

using AddFn = std::function<absl::StatusOr<uint64_t>(const fs::path& backup_dir)>;

// The store whose search indexes go into the backup with it.
struct SearchSource {
  const Engine* engine;
  fs::path root;  // STORE/search
};

// Runs `add` on `target` if it is an annals backup already, otherwise on a
// fresh staging directory that is marked and renamed to `target`; the
// search indexes are copied first, then published under the new backup's
// number.
absl::StatusOr<BackupInfo> AddInto(const fs::path& target, const SearchSource& search,
                                   const AddFn& add) {
  fs::path dir = target;
  std::unique_ptr<Scratch> staging;
  if (!internal::IsAnnalsBackup(target)) {
    auto made = internal::MakeStaging(target, "annals-backup");
    if (!made.ok()) return made.status();
    staging = std::make_unique<Scratch>(*made);
    dir = *made;
  }
  std::vector<std::string> languages;
  auto staged = internal::StageSearchIndexes(*search.engine, search.root, dir, &languages);
  if (!staged.ok()) return staged.status();
  // Ours (made just now): removed unless published.
  Scratch staged_copy(*staged);
  auto head = add(dir);
  if (!head.ok()) return head.status();
  if (!staged->empty()) {
    auto reader = internal::OpenBackupReader(dir);
    if (!reader.ok()) return reader.status();
    auto newest = internal::Newest(**reader, dir);
    if (!newest.ok()) return newest.status();
    if (auto st = internal::PublishSearchIndexes(*staged, dir, newest->id); !st.ok()) return st;
    staged_copy.Release();
  }
  if (staging != nullptr) {
    if (auto st = internal::WriteMarker(dir); !st.ok()) return st;
    if (auto st = internal::MoveIntoPlace(dir, target); !st.ok()) return st;
    staging->Release();
  }
  auto reader = internal::OpenBackupReader(target);
  if (!reader.ok()) return reader.status();
  auto newest = internal::Newest(**reader, target);
  if (!newest.ok()) return newest.status();
  BackupInfo info;
  info.path = target.string();
  info.head = newest->head;
  info.bytes = newest->bytes;
  info.backup_id = newest->id;
  info.search_indexes = std::move(languages);
  if (!info.search_indexes.empty())
    info.bytes += internal::DirBytes(target / "search" / absl::StrCat(newest->id));
  return info;
}

// A read-only engine: its view copied into a scratch store beside the
// target, checked, then backed up from there.
absl::StatusOr<BackupInfo> BackupView(const Engine& engine, const EngineServices& services,
                                      const fs::path& target) {
  auto made = internal::MakeStaging(target, "annals-copy");
  if (!made.ok()) return made.status();
  Scratch scratch(*made);
  const std::string copy = (scratch.path() / "store").string();
  if (auto st = services.CopyView(copy); !st.ok()) return st;
  if (auto st = CheckCopy(copy); !st.ok()) return st;
  Options o;
  o.create_if_missing = false;
  o.builtin_projections = false;  // the copy is backed up as it is
  auto opened = Engine::Open(copy, o);
  if (!opened.ok()) return opened.status();
  EngineServices* copied = internal::ServicesOf(**opened);
  const SearchSource search{&engine, fs::path(services.store_path()) / "search"};
  return AddInto(target, search,
                 [&](const fs::path& dir) { return copied->AddBackup(dir.string()); });
}

}  // namespace

absl::StatusOr<BackupInfo> Backup(const Engine& engine, const std::string& dir) {
  EngineServices* services = internal::ServicesOf(engine);
  if (services == nullptr) return absl::FailedPreconditionError("not an engine this library opened");
  const fs::path target = internal::Normal(dir);
  if (!internal::IsAnnalsBackup(target))
    if (auto st = CheckTarget(target); !st.ok()) return st;
  if (services->read_only()) return BackupView(engine, *services, target);
  // The engine's own search follower lets go of the indexes' locks, so
  // that no commit cuts a copy short (as the server pauses its own).
  const internal::LiveSearchPause paused(services->live_search());
  const SearchSource search{&engine, fs::path(services->store_path()) / "search"};
  return AddInto(target, search,
                 [&](const fs::path& d) { return services->AddBackup(d.string()); });
}

absl::StatusOr<BackupInfo> BackupStore(const std::string& store_path,
                                       const std::string& dir) {
  const fs::path target = internal::Normal(dir);
  if (!internal::IsAnnalsBackup(target))
    if (auto st = CheckTarget(target); !st.ok()) return st;
  Options o;
  o.create_if_missing = false;
  auto engine = Engine::Open(store_path, o);
  if (engine.ok()) return Backup(**engine, dir);
  if (!IsStoreInUse(engine.status()) && !IsStoreNotWritable(engine.status()))
    return engine.status();

  // Held by another process, or in a directory this user may not write (a
  // read-only filesystem): back up a read-only view of it, taken again
  // (a new view) if the copy does not hold together.
  o.read_only = true;
  o.builtin_projections = false;  // the copy takes every record as it is
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto view = Engine::Open(store_path, o);
    if (!view.ok()) return view.status();
    auto info = Backup(**view, dir);
    if (info.ok()) return info;
    last = info.status();
  }
  return last;
}

}  // namespace annals
