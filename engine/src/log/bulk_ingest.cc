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
  // Never a flush inside the ingestion (see IngestFlushedFirst).
  a.options.allow_blocking_flush = false;
  return a;
}

// RocksDB 7.8's ingestion picks a file's level from the family's current
// version but checks overlaps in its super version. A flush whose manifest
// edit another thread's write applied has changed the first and not yet
// the second (its own thread installs it once it gets the DB mutex back).
// An ingestion that flushed a memtable itself woke up in just that moment
// and ran with the two out of step: an assertion aborted the process
// (Debian's build keeps them; without them, a file could land below newer
// data). So an ingestion never flushes: one whose files overlap a memtable
// is refused (kInvalidArgument), the families are flushed here, and it is
// tried once more, by which time its own preparation (hard links, fsyncs)
// has given the flush's thread the mutex. Only this batch's writer writes
// its generation's keys, so nothing overlaps them again. (A background job
// in the same state while an ingestion runs is RocksDB's own race, open
// upstream too, and much narrower: pausing background work around the
// ingestion would close it but can hang appends that fill their memtables
// meanwhile.)
absl::Status IngestFlushedFirst(rocksdb::DB* db,
                                std::vector<rocksdb::IngestExternalFileArg>& args,
                                const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  rocksdb::Status s = db->IngestExternalFiles(args);
  if (!s.IsInvalidArgument()) return FromRocks(s, "ingesting a projection batch");
  rocksdb::FlushOptions fo;
  fo.allow_write_stall = true;
  if (rocksdb::Status f = db->Flush(fo, families); !f.ok())
    return FromRocks(f, "flushing before an ingestion");
  return FromRocks(db->IngestExternalFiles(args), "ingesting a projection batch");
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
  return IngestFlushedFirst(db_.get(), args, {proj_, meta_});
}

}  // namespace annals::internal
