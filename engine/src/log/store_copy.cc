// Copies of a store for backups: a RocksDB checkpoint of a writer's store,
// or a record-by-record copy of what a (read-only) store sees. Also the
// white-box hooks tests and benchmarks use.
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/rocks_status.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"

namespace annals::internal {

absl::Status LogStore::Checkpoint(const std::string& dir) const {
  if (options_.read_only)
    return absl::FailedPreconditionError("a read-only store is copied with CopyTo");
  rocksdb::Checkpoint* raw = nullptr;
  if (auto st = FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "starting the backup");
      !st.ok())
    return st;
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // Flushes every family first, so the copy needs no write-ahead log.
  return FromRocks(checkpoint->CreateCheckpoint(dir), "taking the backup");
}

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
  const StoreSnapshot view = Snapshot();
  for (size_t i = 0; i < handles_.size() && result.ok(); ++i) {
    rocksdb::ReadOptions ro = view.options();
    ro.readahead_size = 2 << 20;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, handles_[i].get()));
    rocksdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid() && result.ok(); it->Next()) {
      batch.Put(out_handles[i], it->key(), it->value());
      if (batch.GetDataSize() >= (4u << 20)) {
        result = FromRocks(out->Write(wo, &batch), "writing the backup");
        batch.Clear();
      }
    }
    if (result.ok() && !it->status().ok()) result = FromRocks(it->status(), "reading the store");
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
