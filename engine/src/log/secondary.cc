// Read-only engines: opening a RocksDB secondary instance beside the
// writing process and reading one consistent state from it.
#include "log/secondary.h"

#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "log/keys.h"
#include "log/recovery.h"
#include "rocksdb/utilities/stackable_db.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;


// RocksDB secondaries refuse reads at a snapshot. A secondary's state only
// changes in TryCatchUpWithPrimary, which annals never calls (a refresh
// opens a new instance), so a plain read already sees one state: hand out
// no snapshot (reads then see the current state).
class NoSnapshotDB final : public rocksdb::StackableDB {
 public:
  explicit NoSnapshotDB(rocksdb::DB* db) : StackableDB(db) {}
  const rocksdb::Snapshot* GetSnapshot() override { return nullptr; }
  void ReleaseSnapshot(const rocksdb::Snapshot*) override {}
};

}  // namespace

void SecondaryPause(int attempt) { absl::SleepFor(absl::Milliseconds(5 * attempt)); }

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
  // What a one-shot query pays at open (issue 19), none of which a
  // secondary needs: a thread per table-opening worker (16 per column
  // family; the tables open one after another instead), reading every
  // table's properties for compaction statistics the secondary never uses,
  // and a size check of every table file.
  options.max_file_opening_threads = 1;
  options.skip_stats_update_on_db_open = true;
  options.skip_checking_sst_file_sizes_on_db_open = true;
  // Its info log lives in a private directory removed at close: writing
  // the options dump (hundreds of lines) there only costs time.
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // No memtable bloom filters: each memtable a secondary creates (one per
  // family at open) would zero its filter first (6.4 MiB for the id index,
  // a third of a one-shot query's CPU), and a secondary's memtables hold
  // only the write-ahead log's tail, searched directly.
  std::vector<rocksdb::ColumnFamilyDescriptor> light = families;
  for (auto& f : light) {
    f.options.memtable_prefix_bloom_size_ratio = 0;
    f.options.memtable_whole_key_filtering = false;
  }
  rocksdb::Status s;
  for (int attempt = 0; attempt < kSecondaryAttempts; ++attempt) {
    if (attempt > 0) SecondaryPause(attempt);
    s = rocksdb::DB::OpenAsSecondary(options, path, secondary_dir, light, handles, db);
    if (s.ok()) {
      *db = new NoSnapshotDB(*db);
      return s;
    }
    if (!(s.IsIOError() || s.IsPathNotFound())) return s;
  }
  return s;
}

absl::StatusOr<Recovered> RecoverSecondary(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log,
                                           rocksdb::ColumnFamilyHandle* meta) {
  auto state = Recover(db, log, meta);
  if (!state.ok()) {
    if (absl::IsDataLoss(state.status())) return absl::AbortedError(state.status().message());
    return state.status();
  }
  auto aliases = LoadAliases(db, meta);
  if (!aliases.ok()) return aliases.status();
  return Recovered{*state, *std::move(aliases)};
}

}  // namespace annals::internal
