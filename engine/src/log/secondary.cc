// Read-only engines: opening a secondary instance and catching it up with
// the writing process.
#include "log/secondary.h"

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "annals/declarative.h"
#include "declarative/declarative_projection.h"
#include "log/keys.h"
#include "model/sv.h"
#include "projection/runner.h"
#include "rocksdb/utilities/stackable_db.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

// Catch-up attempts before giving up, with a short pause between them:
// each retry only waits out a flush or compaction the writer is finishing.
constexpr int kAttempts = 20;

void Pause(int attempt) { absl::SleepFor(absl::Milliseconds(5 * attempt)); }

// RocksDB secondaries refuse reads at a snapshot. A secondary's state only
// changes in TryCatchUpWithPrimary, which ReaderEngine never runs beside
// another call, so a plain read already sees one state: hand out no
// snapshot (reads then see the current state).
class NoSnapshotDB final : public rocksdb::StackableDB {
 public:
  explicit NoSnapshotDB(rocksdb::DB* db) : StackableDB(db) {}
  const rocksdb::Snapshot* GetSnapshot() override { return nullptr; }
  void ReleaseSnapshot(const rocksdb::Snapshot*) override {}
};

}  // namespace

absl::StatusOr<std::string> MakeSecondaryDir() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / "annals-reader-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create a directory for a read-only open under ", base.string()));
  return tmpl;
}

void RemoveSecondaryDir(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

rocksdb::Status OpenSecondary(rocksdb::DBOptions options, const std::string& path,
                              const std::string& secondary_dir,
                              const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                              std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                              rocksdb::DB** db) {
  options.create_if_missing = false;
  options.create_missing_column_families = false;
  // Required by secondaries: every table file stays open, so one the writer
  // deletes after a compaction can still be read until the next catch-up.
  options.max_open_files = -1;
  rocksdb::Status s;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) Pause(attempt);
    s = rocksdb::DB::OpenAsSecondary(options, path, secondary_dir, families, handles, db);
    if (s.ok()) {
      *db = new NoSnapshotDB(*db);
      return s;
    }
    if (!(s.IsIOError() || s.IsPathNotFound())) return s;
  }
  return s;
}

absl::StatusOr<Recovered> RecoverSecondary(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log,
                                           rocksdb::ColumnFamilyHandle* meta,
                                           bool catch_up_first) {
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) Pause(attempt);
    if (catch_up_first || attempt > 0) {
      rocksdb::Status s = db->TryCatchUpWithPrimary();
      if (!s.ok()) {
        last = FromRocks(s, "catching up with the writing process");
        continue;
      }
    }
    auto state = Recover(db, log, meta);
    if (!state.ok()) {
      if (!absl::IsDataLoss(state.status())) return state.status();
      last = state.status();
      continue;
    }
    auto aliases = LoadAliases(db, meta);
    if (!aliases.ok()) return aliases.status();
    return Recovered{*state, *std::move(aliases)};
  }
  return absl::UnavailableError(absl::StrCat(
      "the store kept changing while reading it; try again (", last.message(), ")"));
}

absl::Status DbEngine::Refresh() {
  if (!options_.read_only) return absl::OkStatus();
  auto recovered = RecoverSecondary(db_.get(), log_, meta_, true);
  if (!recovered.ok()) return recovered.status();
  {
    absl::MutexLock lock(&append_mu_);
    state_ = recovered->state;
    head_.store(state_.head, std::memory_order_release);
  }
  {
    absl::MutexLock lock(&aliases_mu_);
    aliases_ = std::move(recovered->aliases);
  }
  return ReloadProjections();
}

absl::Status DbEngine::ReloadProjections() {
  // Declarative definitions as the writer has them now.
  std::map<std::string, std::string> defs;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
    const std::string prefix = kMetaDefinition;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      defs.emplace(it->key().ToString().substr(prefix.size()), it->value().ToString());
    if (!it->status().ok()) return FromRocks(it->status(), "reading definitions");
  }
  std::vector<std::string> added;
  {
    absl::MutexLock lock(&registry_mu_);
    // Drop the ones the writer dropped or redefined; register the new ones.
    for (auto it = slots_.begin(); it != slots_.end();) {
      bool gone = false;
      if (it->second->origin == ProjectionSlot::Origin::kDeclarative) {
        auto d = defs.find(it->first);
        auto parsed = d == defs.end() ? absl::StatusOr<ProjectionDefinition>(
                                            absl::NotFoundError(""))
                                      : ParseStoredDefinition(d->first, d->second);
        gone = !parsed.ok() || FormatProjectionDefinition(*parsed) != it->second->definition;
      }
      it = gone ? slots_.erase(it) : std::next(it);
    }
    for (const auto& [name, text] : defs)
      if (!slots_.count(name)) added.push_back(name);
  }
  for (const std::string& name : added)
    if (auto st = RegisterStored(name, defs[name]); !st.ok()) return st;

  // Every projection now answers from the writer's latest record.
  const uint64_t head = Head();
  absl::MutexLock lock(&registry_mu_);
  for (auto& [name, slot] : slots_) {
    auto record = ReadActiveRecord(name, slot->projection->version());
    if (!record.ok()) return record.status();
    auto mode = record->fresh && head > 0 ? ProjectionRunner::Mode::kBuilding
                                          : ProjectionRunner::Mode::kLive;
    slot->active = std::make_unique<ProjectionRunner>(this, name, slot->projection,
                                                      record->gen, record->checkpoint, mode);
  }
  return absl::OkStatus();
}

}  // namespace annals::internal
