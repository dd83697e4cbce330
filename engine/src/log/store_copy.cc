// Copies of a store for backups: a RocksDB BackupEngine backup of a writer's store,
// or a record-by-record copy of what a (read-only) store sees. Also the
// white-box hooks tests and benchmarks use.
#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/write_batch.h"

namespace annals::internal {

absl::Status LogStore::VerifyLiveFiles() const {
  rocksdb::Status s = db_->VerifyChecksum(rocksdb::ReadOptions());
  if (s.ok()) return absl::OkStatus();
  // RocksDB's message names the file; say it is the store's damage.
  return FromRocks(s, absl::StrCat("the store ", db_->GetName(),
                                   " is damaged (restore it from a backup or run `annals "
                                   "verify`); nothing was backed up"));
}

absl::StatusOr<uint64_t> LogStore::BackupTo(const std::string& backup_dir) const {
  if (options_.read_only)
    return absl::FailedPreconditionError("a read-only store is copied with CopyTo");
  if (auto st = VerifyLiveFiles(); !st.ok()) return st;
  rocksdb::BackupEngineOptions bo(backup_dir);
  bo.sync = true;
  bo.share_table_files = true;
  bo.share_files_with_checksum = true;
  rocksdb::BackupEngine* raw = nullptr;
  if (auto st = FromRocks(rocksdb::BackupEngine::Open(bo, rocksdb::Env::Default(), &raw),
                          absl::StrCat("opening the backup directory ", backup_dir));
      !st.ok())
    return st;
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions co;
  co.flush_before_backup = true;  // the copy needs no write-ahead log
  // No append lands while the files are chosen and copied, so the backup
  // holds exactly 1..head (projection workers go on: they stay <= head).
  absl::MutexLock lock(&append_mu_);
  const uint64_t head = Head();
  if (auto st = FromRocks(engine->CreateNewBackupWithMetadata(co, db_.get(),
                                                              absl::StrCat(head)),
                          "taking the backup");
      !st.ok())
    return st;
  return head;
}

namespace {

// A copy of the log must hold every seq up to the head but those recorded
// lost: fewer means the store is damaged (a table file gone).
absl::Status CheckLogCount(const LogExpectation& expect, uint64_t entries) {
  uint64_t want = expect.head;
  for (const auto& [first, last] : expect.lost)
    if (first <= expect.head) want -= std::min(last, expect.head) - first + 1;
  if (entries == want) return absl::OkStatus();
  return StoreDamagedError(absl::StrCat("the log is damaged: read ", entries,
                                        " events but the head is ", expect.head,
                                        "; nothing was backed up"));
}

}  // namespace

absl::Status LogStore::CopyTo(const std::string& dir) const {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const HandlePtr& h : handles_) {
    rocksdb::ColumnFamilyOptions cf;
    if (h->GetName() == kProjFamily) cf.merge_operator = NewAddOperator();
    cf.compression = rocksdb::kLZ4Compression;
    families.emplace_back(h->GetName(), cf);
  }
  rocksdb::DBOptions out_opts;
  out_opts.create_if_missing = true;
  out_opts.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyHandle*> out_handles;
  rocksdb::DB* out_raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(out_opts, dir, families, &out_handles, &out_raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("creating ", dir));
  std::unique_ptr<rocksdb::DB> out(out_raw);
  absl::Status result;
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // flushed below before the copy counts as done
  // One view for every family: a store's snapshot (a secondary's own view
  // changes only when it is opened again).
  const LogExpectation expect = Expectation();  // before the view, which holds its head
  const StoreSnapshot view = Snapshot();
  for (size_t i = 0; i < handles_.size() && result.ok(); ++i) {
    rocksdb::ReadOptions ro = view.options();
    ro.readahead_size = 2 << 20;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[i].get()));
    rocksdb::WriteBatch batch;
    uint64_t log_entries = 0;  // log entries at or below the head
    for (it->SeekToFirst(); it->Valid() && result.ok(); it->Next()) {
      if (handles_[i].get() == log_) {
        auto seq = DecodeSeq(std::string_view(it->key().data(), it->key().size()));
        if (seq && *seq <= expect.head) ++log_entries;
      }
      batch.Put(out_handles[i], it->key(), it->value());
      if (batch.GetDataSize() >= (4u << 20)) {
        result = FromRocks(out->Write(wo, &batch), "writing the backup");
        batch.Clear();
      }
    }
    if (result.ok() && !it->status().ok()) result = FromRocks(it->status(), "reading the store");
    if (result.ok() && handles_[i].get() == log_) result = CheckLogCount(expect, log_entries);
    if (result.ok() && batch.Count() > 0)
      result = FromRocks(out->Write(wo, &batch), "writing the backup");
  }
  if (result.ok()) {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    result = FromRocks(out->Flush(fo, out_handles), "flushing the backup");
  }
  for (auto* h : out_handles) out->DestroyColumnFamilyHandle(h);
  if (auto st = FromRocks(out->Close(), "closing the backup"); result.ok()) result = st;
  return result;
}

rocksdb::ColumnFamilyHandle* LogStore::Family(std::string_view name) const {
  for (const HandlePtr& h : handles_)
    if (h->GetName() == name) return h.get();
  return nullptr;
}

std::optional<std::string> LogStore::Property(std::string_view family,
                                              const std::string& name) const {
  rocksdb::ColumnFamilyHandle* cf = Family(family);
  std::string v;
  if (cf == nullptr || !db_->GetProperty(cf, name, &v)) return std::nullopt;
  return v;
}

absl::Status LogStore::CompactLog() {
  if (auto st = FromRocks(db_->Flush(rocksdb::FlushOptions(), log_), "flushing the log");
      !st.ok())
    return st;
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(co, log_, nullptr, nullptr), "compacting the log");
}

}  // namespace annals::internal
