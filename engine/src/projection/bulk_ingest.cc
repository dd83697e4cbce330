#include "projection/bulk_ingest.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "log/db_engine.h"
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

}  // namespace

std::string BulkDir(const std::string& store_path) {
  return (fs::path(store_path) / "bulk").string();
}

void RemoveBulkLeftovers(const std::string& store_path) {
  std::error_code ec;
  fs::remove_all(BulkDir(store_path), ec);
}

absl::Status IngestBatch(DbEngine* engine, BulkWriter& out,
                         const std::string& file_tag,
                         const std::string& checkpoint_key,
                         const std::string& checkpoint_value) {
  rocksdb::DB* db = engine->db();
  const std::string dir = BulkDir(engine->path());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  FileSweeper sweep;
  const std::string proj_path = absl::StrCat(dir, "/", file_tag, ".proj.sst");
  const std::string meta_path = absl::StrCat(dir, "/", file_tag, ".meta.sst");
  sweep.paths = {proj_path, meta_path};

  std::vector<rocksdb::IngestExternalFileArg> args;
  rocksdb::IngestExternalFileOptions io;
  io.move_files = true;
  io.write_global_seqno = false;  // no rewrite of the file after the move
  io.snapshot_consistency = true;

  rocksdb::SstFileWriter proj = NewWriter(db, engine->proj_family());
  rocksdb::Status s = proj.Open(proj_path);
  if (!s.ok()) return FromRocks(s, "opening a projection file");
  auto n = out.WriteTo(&proj);
  if (!n.ok()) return n.status();
  if (*n > 0) {
    s = proj.Finish();
    if (!s.ok()) return FromRocks(s, "finishing a projection file");
    rocksdb::IngestExternalFileArg a;
    a.column_family = engine->proj_family();
    a.external_files = {proj_path};
    a.options = io;
    args.push_back(std::move(a));
  }

  rocksdb::SstFileWriter meta = NewWriter(db, engine->meta_family());
  s = meta.Open(meta_path);
  if (s.ok()) s = meta.Put(checkpoint_key, checkpoint_value);
  if (s.ok()) s = meta.Finish();
  if (!s.ok()) return FromRocks(s, "writing a checkpoint file");
  rocksdb::IngestExternalFileArg m;
  m.column_family = engine->meta_family();
  m.external_files = {meta_path};
  m.options = io;
  args.push_back(std::move(m));

  return FromRocks(db->IngestExternalFiles(args), "ingesting a projection batch");
}

}  // namespace annals::internal
