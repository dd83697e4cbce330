#include "log/raw_store.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/keys.h"
#include "log/rocks_status.h"
#include "log/store_files.h"
#include "log/wal_recovery.h"
#include "model/error_kinds.h"
#include "rocksdb/sst_file_reader.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

// log/store_open.cc's marker of a store whose creation was cut short.
bool Interrupted(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::path(path) / "ANNALS-CREATING", ec);
}

absl::Status InterruptedError(const std::string& path) {
  return NoStoreError(absl::StrCat("no store at ", path,
                                   " (its creation was interrupted; a writing command "
                                   "finishes it)"));
}

rocksdb::Slice S(std::string_view v) { return rocksdb::Slice(v.data(), v.size()); }

}  // namespace

absl::StatusOr<std::unique_ptr<RawStore>> RawStore::Open(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(fs::path(path) / "CURRENT", ec))
    return Interrupted(path) ? InterruptedError(path)
                             : NoCurrentError(path, NoStoreError(absl::StrCat("no store at ", path)));
  if (Interrupted(path)) return InterruptedError(path);
  rocksdb::DBOptions dbo;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, path, &names);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", path));
  for (const char* required : {kLogFamily, kIdsFamily, kMetaFamily})
    if (std::find(names.begin(), names.end(), required) == names.end())
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is not an annals store (no '", required, "' column family)"));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) {
    rocksdb::ColumnFamilyOptions cf;
    if (n == kProjFamily) cf.merge_operator = NewAddOperator();
    families.emplace_back(n, cf);
  }
  std::unique_ptr<RawStore> store(new RawStore());
  rocksdb::DB* raw = nullptr;
  // As every open: a torn tail tolerated, other WAL damage reported
  // (log/wal_recovery.h), RocksDB's info log kept by annals.
  std::shared_ptr<InfoLogger> logger = SetRecovery(dbo);
  s = rocksdb::DB::OpenForReadOnly(dbo, path, families, &store->handles_, &raw);
  if (!s.ok()) return OpenFailure(s, path, families, *logger);
  store->db_.reset(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == kLogFamily) store->log_ = store->handles_[i];
    if (names[i] == kIdsFamily) store->ids_ = store->handles_[i];
    if (names[i] == kMetaFamily) store->meta_ = store->handles_[i];
    if (names[i] == kProjFamily) store->proj_ = store->handles_[i];
  }
  store->snapshot_ = raw->GetSnapshot();
  auto format = store->Get(Family::kMeta, kMetaFormat);
  if (!format.ok()) return format.status();
  if (!format->has_value())
    return absl::FailedPreconditionError(absl::StrCat(path, " is not an annals store"));
  if (**format != kFormatVersion)
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has store format ", **format, "; this version reads format ", kFormatVersion));
  return store;
}

namespace {

std::optional<std::string> CheckSst(const std::string& path) {
  rocksdb::SstFileReader reader{rocksdb::Options()};
  rocksdb::Status s = reader.Open(path);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 2 << 20;
  if (s.ok()) s = reader.VerifyChecksum(ro);
  if (s.ok()) return std::nullopt;
  return s.ToString();
}

}  // namespace

std::vector<RawStore::DamagedFile> RawStore::CheckFiles() const {
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  std::vector<DamagedFile> out;
  for (const rocksdb::LiveFileMetaData& f : files)
    if (auto bad = CheckSst(f.db_path + f.name))
      out.push_back({f.db_path + f.name, f.column_family_name, *bad});
  return out;
}

std::vector<RawStore::DamagedFile> RawStore::CheckFilesIn(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".sst") names.push_back(it->path().string());
  std::sort(names.begin(), names.end());
  std::vector<DamagedFile> out;
  for (const std::string& n : names)
    if (auto bad = CheckSst(n)) out.push_back({n, "", *bad});
  return out;
}

RawStore::~RawStore() {
  if (db_ == nullptr) return;
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  (void)db_->Close();
}

rocksdb::ColumnFamilyHandle* RawStore::Handle(Family f) const {
  switch (f) {
    case Family::kLog: return log_;
    case Family::kIds: return ids_;
    case Family::kMeta: return meta_;
    case Family::kProj: return proj_;
  }
  return nullptr;
}

absl::StatusOr<std::optional<std::string>> RawStore::Get(Family f, std::string_view key) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string v;
  rocksdb::Status s = db_->Get(ro, Handle(f), S(key), &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading the store");
  return v;
}

std::unique_ptr<rocksdb::Iterator> RawStore::NewIterator(Family f,
                                                         const rocksdb::Slice* upper) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.readahead_size = 2 << 20;
  ro.iterate_upper_bound = upper;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, Handle(f)));
}

absl::StatusOr<std::unique_ptr<ScratchStore>> ScratchStore::Create(const std::string& parent) {
  constexpr char kPrefix[] = "annals-verify-";
  RemoveAbandonedScratchDirs(parent, kPrefix);
  auto dir = ScratchDir::Make(parent, kPrefix);
  if (!dir.ok()) return dir.status();
  std::unique_ptr<ScratchStore> scratch(new ScratchStore());
  scratch->dir_ = std::move(*dir);
  rocksdb::Options so;
  so.create_if_missing = true;
  so.merge_operator = NewAddOperator();
  so.compression = rocksdb::kNoCompression;  // short-lived; speed over size
  so.write_buffer_size = 64ull << 20;
  so.info_log = std::make_shared<InfoLogger>();  // no LOG file (log/info_logger.h)
  rocksdb::DB* raw = nullptr;
  if (auto st = FromRocks(rocksdb::DB::Open(so, scratch->dir_.path(), &raw),
                          "opening the scratch store");
      !st.ok())
    return st;
  scratch->db_.reset(raw);
  return scratch;
}

ScratchStore::~ScratchStore() {
  if (db_ != nullptr) (void)db_->Close();
  db_.reset();
  // dir_ then removes the directory.
}

absl::StatusOr<std::optional<std::string>> ScratchStore::Get(std::string_view key) const {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), S(key), &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading the scratch store");
  return v;
}

absl::Status ScratchStore::Write(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // scratch data; never reopened
  return FromRocks(db_->Write(wo, batch), "writing the scratch store");
}

std::unique_ptr<rocksdb::Iterator> ScratchStore::NewIterator() const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions()));
}

}  // namespace annals::internal
