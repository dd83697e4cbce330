#include "log/bulk_ingest.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/sv.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

// Deletes the files it names when it goes out of scope (ingestion moves
// them away on success; on failure they must not linger).
struct FileSweeper {
  std::vector<std::string> paths;
  ~FileSweeper() {
    std::error_code ec;
    for (const auto& p : paths) fs::remove(p, ec);
  }
};

rocksdb::SstFileWriter NewWriter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  rocksdb::Options options(db->GetDBOptions(), db->GetOptions(cf));
  // SstFileWriter would use the bottommost level's compression (ZSTD for
  // some families), which costs more than the rest of the batch; later
  // compactions recompress.
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kDisableCompressionOption;
  // Keep the pages cached: the rebuilt projection is queried soon after.
  return rocksdb::SstFileWriter(rocksdb::EnvOptions(), options, cf,
                                /*invalidate_page_cache=*/false);
}

rocksdb::IngestExternalFileArg IngestArg(rocksdb::ColumnFamilyHandle* cf,
                                         const std::string& path) {
  rocksdb::IngestExternalFileArg a;
  a.column_family = cf;
  a.external_files = {path};
  a.options.move_files = true;
  a.options.write_global_seqno = false;  // no rewrite of the file after the move
  a.options.snapshot_consistency = true;
  // Ingestion runs with background work paused (IngestQuiesced), when no
  // flush could run: it refuses instead of waiting for one.
  a.options.allow_blocking_flush = false;
  return a;
}

// RocksDB 7.8's ingestion picks a file's level from the family's current
// version but checks overlaps in its super version. A background flush or
// compaction whose edit another thread's manifest write applied has
// changed the first and not yet the second; an ingestion in between
// aborts on an assertion (Debian's build keeps them) or places the file
// below newer data. Paused background work means every job has installed
// its super version and none starts until the ingestion is done. A file
// that overlaps a memtable is refused (nothing could flush it), so the
// families are flushed with background work running and the ingestion
// tried once more: only this batch's writer writes its generation's keys,
// so nothing can overlap them again.
absl::Status IngestQuiesced(rocksdb::DB* db, std::vector<rocksdb::IngestExternalFileArg>& args,
                            const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  for (int attempt = 0;; ++attempt) {
    rocksdb::Status s = db->PauseBackgroundWork();
    if (!s.ok()) return FromRocks(s, "pausing background work to ingest");
    s = db->IngestExternalFiles(args);
    const rocksdb::Status resumed = db->ContinueBackgroundWork();
    if (s.ok()) return FromRocks(resumed, "resuming background work after ingesting");
    if (!resumed.ok()) return FromRocks(resumed, "resuming background work after ingesting");
    if (!s.IsInvalidArgument() || attempt > 0)
      return FromRocks(s, "ingesting a projection batch");
    rocksdb::FlushOptions fo;
    fo.allow_write_stall = true;
    s = db->Flush(fo, families);
    if (!s.ok()) return FromRocks(s, "flushing before an ingestion");
  }
}

}  // namespace

std::string BulkDir(const std::string& store_path) {
  return (fs::path(store_path) / "bulk").string();
}

void RemoveBulkLeftovers(const std::string& store_path) {
  std::error_code ec;
  fs::remove_all(BulkDir(store_path), ec);
}

absl::Status ProjectionFile::Put(std::string_view key, std::string_view value) {
  return FromRocks(writer_->Put(rocksdb::Slice(key.data(), key.size()),
                                rocksdb::Slice(value.data(), value.size())),
                   "writing a projection file");
}
absl::Status ProjectionFile::Delete(std::string_view key) {
  return FromRocks(writer_->Delete(rocksdb::Slice(key.data(), key.size())),
                   "writing a projection file");
}
absl::Status ProjectionFile::Merge(std::string_view key, std::string_view delta) {
  return FromRocks(writer_->Merge(rocksdb::Slice(key.data(), key.size()),
                                  rocksdb::Slice(delta.data(), delta.size())),
                   "writing a projection file");
}

absl::Status LogStore::IngestBatch(std::string_view file_tag,
                                   absl::FunctionRef<absl::StatusOr<size_t>(ProjectionFile&)> write,
                                   std::string_view name, uint32_t gen,
                                   const GenerationRecord& checkpoint) {
  const std::string dir = BulkDir(path_);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  FileSweeper sweep;
  const std::string proj_path = absl::StrCat(dir, "/", AV(file_tag), ".proj.sst");
  const std::string meta_path = absl::StrCat(dir, "/", AV(file_tag), ".meta.sst");
  sweep.paths = {proj_path, meta_path};
  std::vector<rocksdb::IngestExternalFileArg> args;

  rocksdb::SstFileWriter proj = NewWriter(db_.get(), proj_);
  rocksdb::Status s = proj.Open(proj_path);
  if (!s.ok()) return FromRocks(s, "opening a projection file");
  ProjectionFile file(&proj);
  auto n = write(file);
  if (!n.ok()) return n.status();
  if (*n > 0) {  // an SST file needs at least one record
    s = proj.Finish();
    if (!s.ok()) return FromRocks(s, "finishing a projection file");
    args.push_back(IngestArg(proj_, proj_path));
  }

  rocksdb::SstFileWriter meta = NewWriter(db_.get(), meta_);
  s = meta.Open(meta_path);
  if (s.ok())
    s = meta.Put(GenerationKey(name, gen),
                 EncodeGeneration(checkpoint.version, checkpoint.checkpoint));
  if (s.ok()) s = meta.Finish();
  if (!s.ok()) return FromRocks(s, "writing a checkpoint file");
  args.push_back(IngestArg(meta_, meta_path));
  return IngestQuiesced(db_.get(), args, {proj_, meta_});
}

}  // namespace annals::internal
