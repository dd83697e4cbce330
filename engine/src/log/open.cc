// Opening a store: create or find the column families, then recover the log
// state (head, last recordedAt, occurred range) from `meta`.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "model/sv.h"
#include "absl/strings/str_cat.h"
#include "log/db_engine.h"
#include "log/keys.h"
#include "log/records.h"
#include "log/owner.h"
#include "log/reader_engine.h"
#include "log/secondary.h"
#include "model/error_kinds.h"
#include "model/names.h"
#include "projection/add_operator.h"
#include "projection/bulk_ingest.h"
#include "projection/runner.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace annals {
using internal::AV;
using internal::SV;
namespace internal {

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(AV(what), ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain())
    return absl::UnavailableError(msg);
  if (s.IsNotSupported()) return absl::UnimplementedError(msg);
  return absl::InternalError(msg);
}

namespace {

namespace fs = std::filesystem;

rocksdb::ColumnFamilyOptions FamilyOptions(
    std::string_view name, const Options& options,
    const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options.write_buffer_bytes;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = 16 * 1024;
  if (name == kLogFamily) {
    // Timeline pages read single events: small blocks with a hash index
    // make each point read cheap; forward scans use readahead.
    table.block_size = 4 * 1024;
    table.data_block_index_type =
        rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
    // A timeline page reads ~100 events from random blocks, most of them
    // not in the block cache. LZ4 decompresses a 4 KiB block several times
    // faster than ZSTD, which dominated page latency; ZSTD would save
    // about a fifth of the log's size.
    cf.bottommost_compression = rocksdb::kLZ4Compression;
  }
  if (name == kIdsFamily) {
    // Every append probes the id index for a duplicate; nearly all probes
    // miss, so bloom filters (on disk and in the memtable) make them cheap.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
    table.block_size = 4 * 1024;
    cf.memtable_prefix_bloom_size_ratio = 0.1;
    cf.memtable_whole_key_filtering = true;
    // The default skiplist memtable, not a hash table one: a hash memtable
    // made each insert one bucket lookup, but every flush then rebuilt it
    // as a skiplist, one random insert per id, which cost more CPU than it
    // saved (17% of all samples of an import without projections). With
    // the skiplist, 1M-row JSON Lines imports ran 20-27% faster with
    // projections on (interleaved runs; GDELT, bound by parsing, the same).
  }
  if (name == kProjFamily) {
    cf.merge_operator = NewAddOperator();
    // Timeline pages are prefix scans; bloom filters do not help them.
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

absl::Status LockError(const std::string& path) {
  return StoreInUseError(absl::StrCat(
      "store ", path, " is in use by another process: ", DescribeOwner(path),
      " (queries can read it meanwhile; writes must wait until it is closed)"));
}

}  // namespace

absl::StatusOr<LogState> Recover(rocksdb::DB* db,
                                 rocksdb::ColumnFamilyHandle* log,
                                 rocksdb::ColumnFamilyHandle* meta) {
  LogState state;
  rocksdb::ReadOptions ro;
  std::string v;
  rocksdb::Status s = db->Get(ro, meta, kMetaHead, &v);
  if (s.ok()) {
    auto head = DecodeU64(v);
    if (!head) return absl::DataLossError("metadata 'head' is damaged");
    state.head = *head;
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading metadata");
  }
  s = db->Get(ro, meta, kMetaRecordedAt, &v);
  if (s.ok()) {
    auto at = DecodeU64(v);
    if (!at) return absl::DataLossError("metadata 'recorded_at' is damaged");
    state.last_recorded_at = static_cast<int64_t>(*at);
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading metadata");
  }
  for (auto [key, out] : {std::pair{kMetaOccurredMin, &state.occurred_min},
                          std::pair{kMetaOccurredMax, &state.occurred_max}}) {
    s = db->Get(ro, meta, key, &v);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "reading metadata");
    auto t = DecodeTimestamp(v);
    if (!t) return absl::DataLossError(absl::StrCat("metadata '", key, "' is damaged"));
    *out = *t;
  }

  // The head marker and the log's last key are written in one batch, so
  // they agree unless the store was damaged outside annals.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, log));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    auto k = DecodeU64(std::string_view(it->key().data(), it->key().size()));
    if (!k) return absl::DataLossError("log holds a malformed key");
    last = *k;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning the log");
  if (last != state.head)
    return absl::DataLossError(absl::StrCat(
        "the log ends at seq ", last, " but its head marker says ", state.head));
  return state;
}

absl::StatusOr<std::vector<AliasRecord>> LoadAliases(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
  std::vector<AliasRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), meta));
  const std::string prefix = kMetaAlias;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto seq = DecodeAliasKey(std::string_view(it->key().data(), it->key().size()));
    auto v = DecodeAliasRecord(std::string_view(it->value().data(), it->value().size()));
    if (!seq || !v) return absl::DataLossError("an alias record in the metadata is damaged");
    out.push_back({*seq, NormalizeName(v->alias), NormalizeName(v->canonical),
                   std::string(v->canonical)});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading aliases");
  return out;
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& path,
                                                     const Options& options) {
  return internal::OpenEngine(path, options, nullptr);
}

namespace internal {

namespace {

absl::StatusOr<std::unique_ptr<Engine>> OpenOnce(const std::string& path,
                                                 const Options& options,
                                                 std::shared_ptr<rocksdb::Cache> cache) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (exists && !fs::is_directory(path, ec))
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists and is not a directory"));
  bool has_db = exists && fs::exists(fs::path(path) / "CURRENT", ec);
  if (!has_db) {
    if (exists && !fs::is_empty(path, ec))
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a non-empty directory that holds no annals store"));
    if (!options.create_if_missing || options.read_only)
      return NoStoreError(absl::StrCat("no store at ", path));
    // Like `mkdir -p`: a store may be created under directories not made yet.
    fs::create_directories(path, ec);
    if (ec)
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", path, ": ", ec.message()));
  }

  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  // Never for a foreign database (checked below before opening); an annals
  // store from an older version gains the families it lacks.
  dbo.create_missing_column_families = true;
  dbo.max_background_jobs = 2;
  dbo.bytes_per_sync = 1 << 20;
  dbo.keep_log_file_num = 3;
  // Bounds the write-ahead log kept on disk (and replayed at open) by
  // flushing column families whose data pins old WAL files.
  dbo.max_total_wal_size = 256ull << 20;
  // A write group of several writers (the appender, projection workers) is
  // inserted by its leader in turn. Chosen when the id index had a hash
  // memtable, which takes one writer at a time; with the skiplist,
  // concurrent inserts measured the same (1M-row JSON Lines imports,
  // interleaved: 88-94k rows/s against 85-96k).
  dbo.allow_concurrent_memtable_write = false;

  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                    kLogFamily, kIdsFamily, kMetaFamily,
                                    kProjFamily};
  if (has_db) {
    std::vector<std::string> existing;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, path, &existing);
    if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", path));
    // Refuse a foreign database before touching it: opening it with our
    // families would add them and change someone else's data.
    for (const char* required : {kLogFamily, kIdsFamily, kMetaFamily})
      if (std::find(existing.begin(), existing.end(), required) == existing.end())
        return absl::FailedPreconditionError(absl::StrCat(
            path, " is a RocksDB database but not an annals store (no '",
            required, "' column family)"));
    for (const auto& n : existing)
      if (std::find(names.begin(), names.end(), n) == names.end())
        names.push_back(n);
    // Read-only opens cannot create a family an older store lacks.
    if (options.read_only &&
        std::find(existing.begin(), existing.end(), kProjFamily) == existing.end())
      names.erase(std::find(names.begin(), names.end(), kProjFamily));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names)
    families.emplace_back(n, FamilyOptions(n, options, cache));

  std::vector<rocksdb::ColumnFamilyHandle*> raw;
  rocksdb::DB* raw_db = nullptr;
  std::string secondary_dir;
  rocksdb::Status s;
  if (options.read_only) {
    // A secondary instance takes no lock, so it opens beside a writer.
    auto dir = MakeSecondaryDir();
    if (!dir.ok()) return dir.status();
    secondary_dir = *dir;
    s = OpenSecondary(dbo, path, secondary_dir, families, &raw, &raw_db);
  } else {
    s = rocksdb::DB::Open(dbo, path, families, &raw, &raw_db);
  }
  if (!s.ok()) {
    if (!secondary_dir.empty()) RemoveSecondaryDir(secondary_dir);
    // RocksDB reports a held lock as a plain IOError: look at the lock.
    if (s.IsIOError() && !options.read_only && StoreLockHeld(path)) return LockError(path);
    if (options.read_only && s.IsInvalidArgument())
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is not an annals store (", s.ToString(), ")"));
    return FromRocks(s, absl::StrCat("opening ", path));
  }
  // Owns the secondary's directory until the engine does.
  std::unique_ptr<std::string, void (*)(std::string*)> secondary_guard(
      secondary_dir.empty() ? nullptr : &secondary_dir,
      [](std::string* d) { RemoveSecondaryDir(*d); });
  DbEngine::Parts parts;
  parts.db.reset(raw_db);
  for (size_t i = 0; i < raw.size(); ++i) {
    parts.handles.emplace_back(raw[i], HandleDeleter{raw_db});
    if (names[i] == kLogFamily) parts.log = raw[i];
    if (names[i] == kIdsFamily) parts.ids = raw[i];
    if (names[i] == kMetaFamily) parts.meta = raw[i];
    if (names[i] == kProjFamily) parts.proj = raw[i];
  }

  std::string format;
  s = raw_db->Get(rocksdb::ReadOptions(), parts.meta, kMetaFormat, &format);
  if (s.IsNotFound()) {
    // A secondary that read the MANIFEST just before the writer flushed
    // (at its open, say) can miss a deleted write-ahead log: open again.
    if (options.read_only)
      return absl::AbortedError("the store's format record is not in view");
    if (has_db)
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a RocksDB database but not an annals store"));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = raw_db->Put(wo, parts.meta, kMetaFormat, kFormatVersion);
    if (!s.ok()) return FromRocks(s, "initialising the store");
  } else if (!s.ok()) {
    return FromRocks(s, "reading metadata");
  } else if (format != kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has store format ", format, "; this version reads format ",
        kFormatVersion));
  }

  if (options.read_only) {
    auto recovered = RecoverSecondary(raw_db, parts.log, parts.meta);
    if (!recovered.ok()) return recovered.status();
    parts.state = recovered->state;
    parts.aliases = std::move(recovered->aliases);
  } else {
    auto state = Recover(raw_db, parts.log, parts.meta);
    if (!state.ok()) return state.status();
    parts.state = *state;
    auto aliases = LoadAliases(raw_db, parts.meta);
    if (!aliases.ok()) return aliases.status();
    parts.aliases = *std::move(aliases);
  }
  // A crash during a bulk rebuild batch leaves files never ingested.
  if (!options.read_only) RemoveBulkLeftovers(path);
  auto engine = std::make_unique<DbEngine>(path, options, std::move(parts));
  if (absl::Status st = engine->StartProjections(); !st.ok()) return st;
  if (options.read_only) {
    secondary_guard.release();
    return std::unique_ptr<Engine>(std::make_unique<ReaderEngine>(
        std::move(engine), std::move(secondary_dir), std::move(cache)));
  }
  WriteOwnerRecord(path);
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> OpenEngine(const std::string& path,
                                                   const Options& options,
                                                   std::shared_ptr<rocksdb::Cache> cache) {
  if (cache == nullptr) cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  if (!options.read_only) return OpenOnce(path, options, cache);
  // A secondary whose view was torn by a flush in the writer (kAborted) is
  // opened again; catching it up instead could keep stale values.
  absl::Status last;
  for (int attempt = 0; attempt < kSecondaryAttempts; ++attempt) {
    if (attempt > 0) SecondaryPause(attempt);
    auto engine = OpenOnce(path, options, cache);
    if (engine.ok() || !absl::IsAborted(engine.status())) return engine;
    last = engine.status();
  }
  return absl::UnavailableError(absl::StrCat(
      "the store kept changing while reading it; try again (", last.message(), ")"));
}

DbEngine::DbEngine(std::string path, const Options& options, Parts parts)
    : path_(std::move(path)),
      options_(options),
      db_(std::move(parts.db)),
      handles_(std::move(parts.handles)),
      log_(parts.log),
      ids_(parts.ids),
      meta_(parts.meta),
      proj_(parts.proj),
      state_(parts.state),
      head_(parts.state.head),
      aliases_(std::move(parts.aliases)),
      helpers_(std::make_unique<HelperPool>(options.helper_threads)) {}

DbEngine::~DbEngine() {
  StopAll();
  if (!options_.read_only) {
    // Make bulk appends that were never followed by Sync() durable.
    (void)db_->SyncWAL();
    RemoveOwnerRecord(path_);
  }
  handles_.clear();
  (void)db_->Close();
}

}  // namespace internal
}  // namespace annals
