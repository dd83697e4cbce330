// RepairStore (annals/repair.h): salvaging a store whose write-ahead log is
// damaged, in a staging copy, then swapping the copy in.
#include "annals/repair.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/status.h"
#include "log/add_operator.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "log/wal_recovery.h"

namespace annals {
namespace internal {
namespace {

namespace fs = std::filesystem;

// Every seq takes at least this many bytes of write-ahead log (its event
// and its id index entry), which bounds how many a damaged log can hold.
constexpr uint64_t kMinWalBytesPerSeq = 64;

absl::Status Errno(const char* what, const std::string& path, const std::error_code& ec) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", ec.message()));
}

absl::Status SyncPath(const std::string& path, bool dir) {
  int fd = ::open(path.c_str(), (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    std::error_code ec(errno, std::generic_category());
    if (fd >= 0) ::close(fd);
    return Errno("syncing", path, ec);
  }
  ::close(fd);
  return absl::OkStatus();
}

bool Skipped(const std::string& name) {
  return name == "LOCK" || name.rfind("LOG", 0) == 0;
}

// Copies the store's files into new directory `to`: table files (never
// changed in place) hard-linked when they can be, the rest copied.
// Copies the store `from` into a new directory `to`. `*created` says
// whether `to` is this call's own, which only then may be removed on failure.
absl::Status StageCopy(const std::string& from, const std::string& to, bool* created) {
  std::error_code ec;
  *created = fs::create_directory(to, ec) && !ec;
  if (!*created)
    return absl::FailedPreconditionError(absl::StrCat("cannot create ", to, ": ",
                                                      ec ? ec.message() : "it exists"));
  for (auto it = fs::directory_iterator(from, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file(ec) || Skipped(name)) continue;
    const fs::path dest = fs::path(to) / name;
    bool linked = false;
    if (name.size() > 4 && name.substr(name.size() - 4) == ".sst") {
      std::error_code link_ec;
      fs::create_hard_link(it->path(), dest, link_ec);
      linked = !link_ec;
    }
    if (!linked) {
      if (!fs::copy_file(it->path(), dest, ec) || ec) return Errno("copying", name, ec);
      if (auto st = SyncPath(dest.string(), false); !st.ok()) return st;
    }
  }
  if (ec) return Errno("reading", from, ec);
  return SyncPath(to, true);
}

absl::StatusOr<std::vector<rocksdb::ColumnFamilyDescriptor>> Families(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", path));
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (const auto& n : names) {
    rocksdb::ColumnFamilyOptions cf;
    if (n == kProjFamily) cf.merge_operator = NewAddOperator();
    out.emplace_back(n, cf);
  }
  return out;
}

// Opens the staged copy keeping what precedes the first damaged record,
// records [first, last] as lost, and flushes, so the copy needs no WAL.
absl::Status SalvageStaged(const std::string& staged,
                           const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                           uint64_t first, uint64_t last) {
  rocksdb::DBOptions dbo;
  SetRecovery(dbo, rocksdb::WALRecoveryMode::kPointInTimeRecovery);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(dbo, staged, families, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening the staged copy ", staged));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  for (size_t i = 0; i < families.size(); ++i)
    if (families[i].name == kMetaFamily) meta = handles[i];
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  s = batch.Put(meta, LostKey(first), EncodeSeq(last));
  if (s.ok()) s = db->Write(wo, &batch);
  if (s.ok()) s = db->Flush(rocksdb::FlushOptions(), handles);
  if (s.ok()) s = db->SyncWAL();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  rocksdb::Status closed = db->Close();
  if (s.ok()) s = closed;
  return FromRocks(s, "recording the lost seqs");
}

// Moves the damaged store aside and the repaired copy into its place.
absl::Status Swap(const std::string& path, const std::string& staged,
                  const std::string& damaged) {
  std::error_code ec;
  fs::rename(path, damaged, ec);
  if (ec) return Errno("moving the damaged store to", damaged, ec);
  fs::rename(staged, path, ec);
  if (ec) {
    std::error_code back;
    fs::rename(damaged, path, back);
    return Errno("moving the repaired store to", path, ec);
  }
  return SyncPath(fs::absolute(path).parent_path().string(), true);
}

}  // namespace
}  // namespace internal

absl::StatusOr<RepairReport> RepairStore(const std::string& path, const RepairOptions& options) {
  using namespace internal;
  RepairReport report;
  Options probe;
  probe.create_if_missing = false;
  {
    auto store = LogStore::Open(path, probe, nullptr);
    if (store.ok()) return report;  // nothing to repair
    if (!IsWalDamaged(store.status())) return store.status();
  }
  const std::string stamp = absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone());
  std::string base = fs::path(path).lexically_normal().string();
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  report.damaged_dir =
      options.damaged_dir.empty() ? absl::StrCat(base, ".damaged-", stamp) : options.damaged_dir;
  const std::string staged = absl::StrCat(base, ".repair-", stamp);
  std::error_code ec;
  if (fs::exists(report.damaged_dir, ec))
    return absl::AlreadyExistsError(absl::StrCat(report.damaged_dir, " exists"));
  auto families = Families(path);
  if (!families.ok()) return families.status();
  bool created = false;
  if (auto st = StageCopy(path, staged, &created); !st.ok()) {
    if (created) fs::remove_all(staged, ec);  // only a directory this call made
    return st;
  }
  auto fail = [&](absl::Status st) {
    fs::remove_all(staged, ec);
    return st;
  };
  uint64_t wal_bytes = 0;
  report.wal_files = WalFiles(staged, &wal_bytes);
  auto kept = ReadOnlyHead(staged, *families, rocksdb::WALRecoveryMode::kPointInTimeRecovery);
  if (!kept.ok()) return fail(kept.status());
  auto readable =
      ReadOnlyHead(staged, *families, rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords);
  report.kept_through = *kept;
  report.readable_through = readable.ok() ? std::max(*readable, *kept) : *kept;
  report.lost_first = *kept + 1;
  report.lost_last = std::max(report.readable_through,
                              *kept + (wal_bytes + kMinWalBytesPerSeq - 1) / kMinWalBytesPerSeq);
  report.lost_last = std::max(report.lost_last, report.lost_first);
  if (auto st = SalvageStaged(staged, *families, report.lost_first, report.lost_last); !st.ok())
    return fail(st);
  {
    // The repaired copy must open as a store before it replaces anything.
    auto check = LogStore::Open(staged, probe, nullptr);
    if (!check.ok()) return fail(check.status());
  }
  if (auto st = Swap(path, staged, report.damaged_dir); !st.ok()) return fail(st);
  report.repaired = true;
  return report;
}

}  // namespace annals
