// The log store's side of projection storage (log/projection_storage.h):
// projection records in `meta` and projection data in `proj`.
#include "absl/strings/str_cat.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

rocksdb::Slice S(std::string_view v) { return rocksdb::Slice(v.data(), v.size()); }

}  // namespace

void ProjectionBatch::Put(std::string_view key, std::string_view value) {
  batch_.Put(proj_, S(key), S(value));
}
void ProjectionBatch::Delete(std::string_view key) { batch_.Delete(proj_, S(key)); }
void ProjectionBatch::Merge(std::string_view key, std::string_view delta) {
  batch_.Merge(proj_, S(key), S(delta));
}
void ProjectionBatch::DeleteRange(std::string_view begin, std::string_view end) {
  if (proj_ != nullptr) batch_.DeleteRange(proj_, S(begin), S(end));
}
void ProjectionBatch::PutGeneration(std::string_view name, uint32_t gen,
                                    const GenerationRecord& record) {
  batch_.Put(meta_, GenerationKey(name, gen), EncodeGeneration(record.version, record.checkpoint));
}
void ProjectionBatch::DeleteGeneration(std::string_view name, uint32_t gen) {
  batch_.Delete(meta_, GenerationKey(name, gen));
}
void ProjectionBatch::PutActive(std::string_view name, uint32_t gen) {
  batch_.Put(meta_, ActiveKey(name), EncodeActiveRecord(gen));
}
void ProjectionBatch::DeleteActive(std::string_view name) { batch_.Delete(meta_, ActiveKey(name)); }
void ProjectionBatch::DeleteDefinition(std::string_view name) {
  batch_.Delete(meta_, DefinitionKey(name));
}

absl::StatusOr<std::optional<uint32_t>> LogStore::ActiveGeneration(
    std::string_view name, const StoreSnapshot* at) const {
  std::string v;
  rocksdb::Status s = db_->Get(ReadAt(at), meta_, ActiveKey(name), &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading projection record");
  auto gen = DecodeActiveRecord(v);
  if (!gen)
    return absl::DataLossError(absl::StrCat("projection ", AV(name), ": damaged record"));
  return gen;
}

absl::StatusOr<std::optional<GenerationRecord>> LogStore::Generation(
    std::string_view name, uint32_t gen, const StoreSnapshot* at) const {
  std::string v;
  rocksdb::Status s = db_->Get(ReadAt(at), meta_, GenerationKey(name, gen), &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading projection checkpoint");
  auto record = DecodeGeneration(v);
  if (!record) return absl::DataLossError("projection checkpoint is damaged");
  return record;
}

absl::StatusOr<std::vector<uint32_t>> LogStore::Generations(std::string_view name) const {
  std::vector<uint32_t> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  const std::string prefix = GenerationKeyPrefix(name);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    if (auto g = DecodeGenerationKey(std::string_view(it->key().data(), it->key().size()), name))
      out.push_back(*g);
  if (!it->status().ok()) return FromRocks(it->status(), "reading projection records");
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LogStore::Definitions() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  const std::string prefix = kMetaDefinition;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    out.emplace_back(*DecodeDefinitionKey(std::string_view(it->key().data(), it->key().size())),
                     it->value().ToString());
  if (!it->status().ok()) return FromRocks(it->status(), "reading definitions");
  return out;
}

absl::Status LogStore::PutDefinition(const ProjectionDefinition& def) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, meta_, DefinitionKey(def.name), EncodeDefinition(def)),
                   "storing the definition");
}

absl::StatusOr<std::optional<std::string>> LogStore::GetData(std::string_view key,
                                                             const StoreSnapshot* at) const {
  if (proj_ == nullptr) return absl::UnavailableError("this store has no projection data");
  std::string value;
  rocksdb::Status s = db_->Get(ReadAt(at), proj_, S(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading projection data");
  return value;
}

std::unique_ptr<rocksdb::Iterator> LogStore::NewDataIterator(const StoreSnapshot& at) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(at.options(), proj_));
}

absl::Status LogStore::Commit(ProjectionBatch& batch, bool sync, std::string_view what) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Write(wo, &batch.batch_), what);
}

absl::Status LogStore::DropGeneration(std::string_view name, uint32_t gen) {
  const std::string begin = ProjectionPrefix(name, gen);
  const std::string end = ProjectionPrefix(name, gen + 1);
  ProjectionBatch batch = NewBatch();
  batch.DeleteRange(begin, end);
  batch.DeleteGeneration(name, gen);
  if (auto st = Commit(batch, false, "dropping projection data"); !st.ok()) return st;
  // The range tombstone hides the data, but the files holding it (a bulk
  // rebuild ingests them at the bottom levels, where nothing else would
  // compact them soon) would keep their space: compact the range now.
  if (proj_ != nullptr) {
    rocksdb::Slice b(begin), e(end);
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    (void)db_->CompactRange(co, proj_, &b, &e);
  }
  return absl::OkStatus();
}

}  // namespace annals::internal
