// Opening a store: check the directory, open RocksDB with every column
// family, check the format record, then recover the log state (head, last
// recordedAt, occurred range) and the aliases from `meta`.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "log/add_operator.h"
#include "log/bulk_ingest.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/owner.h"
#include "log/records.h"
#include "log/recovery.h"
#include "log/rocks_status.h"
#include "log/secondary.h"
#include "log/store_files.h"
#include "log/wal_recovery.h"
#include "model/error_kinds.h"
#include "model/names.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace annals::internal {
namespace {

namespace fs = std::filesystem;

// Present while a new store is being created (until its format record is
// written): a store that still has it was cut short and is finished by the
// next writable open, not refused as foreign.
constexpr char kCreatingMarker[] = "ANNALS-CREATING";

rocksdb::ColumnFamilyOptions FamilyOptions(std::string_view name, const Options& options,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options.write_buffer_bytes;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = 16 * 1024;
  // Index keys share long prefixes (a group's name, a seq's high bytes):
  // delta-encoding them between restarts roughly halves each table's index,
  // which a writable open holds in memory for every table (issue 19: RSS
  // grows ~20 MiB per million statements with the default of 1). A seek
  // then scans up to 16 index entries after its binary search.
  table.index_block_restart_interval = 16;
  if (name == kLogFamily) {
    // Timeline pages read single events: small blocks with a hash index
    // make each point read cheap; forward scans use readahead. LZ4 at the
    // bottom too: pages decompress random blocks (docs/TUNING.md).
    table.block_size = 4 * 1024;
    table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
    cf.bottommost_compression = rocksdb::kLZ4Compression;
  }
  if (name == kIdsFamily) {
    // Every append probes the id index for a duplicate; nearly all probes
    // miss, so bloom filters (on disk and in the memtable) make them cheap.
    // The default skiplist memtable (docs/TUNING.md says why not a hash one).
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
    table.block_size = 4 * 1024;
    cf.memtable_prefix_bloom_size_ratio = 0.1;
    cf.memtable_whole_key_filtering = true;
  }
  if (name == kProjFamily) {
    cf.merge_operator = NewAddOperator();
    // Timeline pages are prefix scans; bloom filters do not help them.
  }
  if (options.read_only) {
    // A read-only open (a secondary) opens every table file at once: with
    // the index and filter blocks in the block cache, each costs only its
    // footer and properties (RocksDB reads a 4 KiB tail instead of 512 KiB
    // and preloads no index or filter), and a query loads the few blocks it
    // touches (issue 19: a one-shot query's open).
    table.cache_index_and_filter_blocks = true;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::DBOptions DbOptions() {
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  // Never for a foreign database (checked before opening); an annals store
  // from an older version gains the families it lacks.
  dbo.create_missing_column_families = true;
  dbo.max_background_jobs = 2;
  dbo.bytes_per_sync = 1 << 20;
  dbo.keep_log_file_num = 3;
  // Bounds the write-ahead log kept on disk (and replayed at open) by
  // flushing column families whose data pins old WAL files.
  dbo.max_total_wal_size = 256ull << 20;
  // The leader of a write group inserts its members' writes in turn
  // (docs/TUNING.md: concurrent inserts measured no faster).
  dbo.allow_concurrent_memtable_write = false;
  return dbo;
}

// Whether `path` holds a RocksDB; creates the directory when it may.
absl::StatusOr<bool> CheckDirectory(const std::string& path, const Options& options) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (exists && !fs::is_directory(path, ec))
    return absl::FailedPreconditionError(absl::StrCat(path, " exists and is not a directory"));
  if (exists && fs::exists(fs::path(path) / "CURRENT", ec)) return true;
  // A creation cut short before RocksDB wrote CURRENT starts again.
  const bool interrupted = exists && fs::exists(fs::path(path) / kCreatingMarker, ec);
  if (exists && !interrupted && !fs::is_empty(path, ec))
    return NoCurrentError(path, absl::FailedPreconditionError(absl::StrCat(
                                    path, " is a non-empty directory that holds no annals store")));
  if (!options.create_if_missing || options.read_only)
    return NoStoreError(absl::StrCat("no store at ", path));
  // Like `mkdir -p`: a store may be created under directories not made yet.
  fs::create_directories(path, ec);
  if (ec)
    return absl::FailedPreconditionError(absl::StrCat("cannot create ", path, ": ", ec.message()));
  return false;
}

// kPermissionDenied (IsStoreNotWritable) when the existing store at `path`
// may not be written (by errno: a read-only filesystem, no permission).
absl::Status CheckWritable(const std::string& path) {
  for (const fs::path& p : {fs::path(path), fs::path(path) / "LOCK"}) {
    std::error_code ec;
    if (p != fs::path(path) && !fs::exists(p, ec)) continue;
    if (::access(p.c_str(), W_OK) == 0) continue;
    const int err = errno;
    if (err == EROFS || err == EACCES || err == EPERM)
      return StoreNotWritableError(absl::StrCat(
          "store ", path, " cannot be opened for writing (", p.string(), ": ",
          std::strerror(err), "); it can be read (queries fall back to a read-only open)"));
  }
  return absl::OkStatus();
}

// The column families to open: ours, and any other the store has.
absl::StatusOr<std::vector<std::string>> FamilyNames(const std::string& path, bool has_db,
                                                     const Options& options) {
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, kLogFamily, kIdsFamily,
                                    kMetaFamily, kProjFamily};
  if (!has_db) return names;
  std::vector<std::string> existing;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(DbOptions(), path, &existing);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", path));
  auto has = [&](std::string_view n) {
    return std::find(existing.begin(), existing.end(), n) != existing.end();
  };
  // Refuse a foreign database before touching it: opening it with our
  // families would add them and change someone else's data.
  for (const char* required : {kLogFamily, kIdsFamily, kMetaFamily})
    if (!has(required))
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a RocksDB database but not an annals store (no '", required,
          "' column family)"));
  for (const auto& n : existing)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  // Read-only opens cannot create a family an older store lacks.
  if (options.read_only && !has(kProjFamily))
    names.erase(std::find(names.begin(), names.end(), kProjFamily));
  return names;
}

// Opens RocksDB with `names` into `parts` (a secondary for read-only).
absl::Status OpenRocks(const std::string& path, const Options& options,
                       const std::shared_ptr<rocksdb::Cache>& cache,
                       const std::vector<std::string>& names, StoreParts& parts) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) families.emplace_back(n, FamilyOptions(n, options, cache));
  std::vector<rocksdb::ColumnFamilyHandle*> raw;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s;
  rocksdb::DBOptions dbo = DbOptions();
  // annals's own info log (no LOG file) and a torn tail tolerated, damage
  // elsewhere in the write-ahead log refused (log/wal_recovery.h).
  std::shared_ptr<InfoLogger> logger = SetRecovery(dbo);
  parts.write_errors = std::make_shared<WriteErrorListener>();
  dbo.listeners.push_back(parts.write_errors);
  parts.background = std::make_shared<BackgroundWorkListener>();
  dbo.listeners.push_back(parts.background);
  if (options.read_only) {
    // A secondary instance takes no lock, so it opens beside a writer.
    auto dir = MakeSecondaryDir();
    if (!dir.ok()) return dir.status();
    parts.secondary_dir = *dir;
    s = OpenSecondary(dbo, path, parts.secondary_dir, families, &raw, &raw_db);
  } else {
    s = rocksdb::DB::Open(dbo, path, families, &raw, &raw_db);
  }
  if (!s.ok()) {
    // RocksDB reports a held lock as a plain IOError: look at the lock.
    if (s.IsIOError() && !options.read_only && StoreLockHeld(path))
      return StoreInUseError(absl::StrCat(
          "store ", path, " is in use by another process: ", DescribeOwner(path),
          " (queries can read it meanwhile; writes must wait until it is closed)"));
    if (options.read_only && s.IsInvalidArgument())
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is not an annals store (", s.ToString(), ")"));
    return OpenFailure(s, path, families, *logger);
  }
  parts.db.reset(raw_db);
  for (size_t i = 0; i < raw.size(); ++i) {
    parts.handles.emplace_back(raw[i], HandleDeleter{raw_db});
    if (names[i] == kLogFamily) parts.log = raw[i];
    if (names[i] == kIdsFamily) parts.ids = raw[i];
    if (names[i] == kMetaFamily) parts.meta = raw[i];
    if (names[i] == kProjFamily) parts.proj = raw[i];
  }
  return absl::OkStatus();
}

// Checks the format record, writing it into a new store.
absl::Status CheckFormat(const std::string& path, bool has_db, const Options& options,
                         const StoreParts& parts) {
  std::string format;
  rocksdb::Status s = parts.db->Get(rocksdb::ReadOptions(), parts.meta, kMetaFormat, &format);
  if (s.IsNotFound()) {
    // A secondary that read the MANIFEST just before the writer flushed
    // (at its open, say) can miss a deleted write-ahead log: open again.
    if (options.read_only) return absl::AbortedError("the store's format record is not in view");
    if (has_db)
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is a RocksDB database but not an annals store"));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(parts.db->Put(wo, parts.meta, kMetaFormat, kFormatVersion),
                     "initialising the store");
  }
  if (!s.ok()) return FromRocks(s, "reading metadata");
  if (format != kFormatVersion)
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has store format ", format, "; this version reads format ", kFormatVersion));
  return absl::OkStatus();
}

absl::Status RecoverInto(const Options& options, StoreParts& parts) {
  rocksdb::DB* db = parts.db.get();
  if (options.read_only) {
    auto recovered = RecoverSecondary(db, parts.log, parts.meta);
    if (!recovered.ok()) return recovered.status();
    parts.state = recovered->state;
    parts.aliases = std::move(recovered->aliases);
    return absl::OkStatus();
  }
  auto state = Recover(db, parts.log, parts.meta);
  if (!state.ok()) return state.status();
  parts.state = *state;
  auto aliases = LoadAliases(db, parts.meta);
  if (!aliases.ok()) return aliases.status();
  parts.aliases = *std::move(aliases);
  return absl::OkStatus();
}

// One attempt at opening; kAborted when a secondary's view was torn.
absl::StatusOr<StoreParts> OpenParts(const std::string& path, const Options& options,
                                     const std::shared_ptr<rocksdb::Cache>& cache) {
  auto has_db = CheckDirectory(path, options);
  if (!has_db.ok()) return has_db.status();
  // A store whose creation was cut short (a kill between RocksDB's first
  // write and the format record) is finished by the next writable open.
  const fs::path creating = fs::path(path) / kCreatingMarker;
  std::error_code ec;
  const bool interrupted = *has_db && fs::exists(creating, ec);
  if (interrupted && options.read_only)
    return NoStoreError(absl::StrCat("no store at ", path,
                                     " (its creation was interrupted; a writing command "
                                     "finishes it)"));
  const bool fresh = !*has_db || interrupted;
  if (*has_db && !options.read_only)
    if (absl::Status st = CheckWritable(path); !st.ok()) return st;
  if (!*has_db) {
    std::ofstream marker(creating);
    if (!marker) return absl::InternalError(absl::StrCat("cannot write ", creating.string()));
  }
  auto names = FamilyNames(path, !fresh, options);
  if (!names.ok()) return names.status();
  StoreParts parts;
  absl::Status st = OpenRocks(path, options, cache, *names, parts);
  if (st.ok()) st = CheckFormat(path, !fresh, options, parts);
  if (st.ok() && fresh) fs::remove(creating, ec);
  if (st.ok()) st = RecoverInto(options, parts);
  if (st.ok()) return parts;
  parts.handles.clear();
  if (parts.db != nullptr) (void)parts.db->Close();
  parts.db.reset();
  if (!parts.secondary_dir.empty()) RemoveSecondaryDir(parts.secondary_dir);
  return st;
}

}  // namespace

absl::StatusOr<LogState> Recover(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log,
                                 rocksdb::ColumnFamilyHandle* meta) {
  LogState state;
  rocksdb::ReadOptions ro;
  std::string v;
  rocksdb::Status s = db->Get(ro, meta, kMetaHead, &v);
  if (s.ok()) {
    auto head = DecodeSeq(v);
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
    auto k = DecodeSeq(std::string_view(it->key().data(), it->key().size()));
    if (!k) return absl::DataLossError("log holds a malformed key");
    last = *k;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning the log");
  if (last != state.head)
    return StoreDamagedError(absl::StrCat("the log ends at seq ", last,
                                          " but its head marker says ", state.head));
  auto lost = ReadLostRanges(db, meta);
  if (!lost.ok()) return lost.status();
  uint64_t first_kept = 1;  // the first seq not recorded lost
  std::sort(lost->begin(), lost->end());
  for (const auto& [first, through] : *lost) {
    state.lost_through = std::max(state.lost_through, through);
    state.lost_count += through - first + 1;
    if (first <= first_kept && first_kept <= through) first_kept = through + 1;
  }
  // And it starts where it should: a table file gone from under the
  // oldest events leaves the ends agreeing (a scan finds the gap).
  if (first_kept <= state.head) {
    it->SeekToFirst();
    uint64_t start = 0;
    if (it->Valid())
      start = DecodeSeq(std::string_view(it->key().data(), it->key().size())).value_or(0);
    if (!it->status().ok()) return FromRocks(it->status(), "scanning the log");
    if (start != first_kept)
      return StoreDamagedError(absl::StrCat("the log starts at seq ", start, ", not ",
                                            first_kept, " (its head is ", state.head, ")"));
  }
  return state;
}

absl::StatusOr<std::vector<AliasRecord>> LoadAliases(rocksdb::DB* db,
                                                     rocksdb::ColumnFamilyHandle* meta) {
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

absl::StatusOr<std::unique_ptr<LogStore>> LogStore::Open(const std::string& path,
                                                         const Options& options,
                                                         std::shared_ptr<rocksdb::Cache> cache) {
  if (cache == nullptr) cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  absl::StatusOr<StoreParts> parts = OpenParts(path, options, cache);
  // A secondary whose view was torn by a flush in the writer (kAborted) is
  // opened again; catching it up instead could keep stale values.
  absl::Status last;
  bool unlocked = false;  // no writer held the store at the last attempt
  for (int attempt = 1; options.read_only && !parts.ok() && absl::IsAborted(parts.status());
       ++attempt) {
    last = parts.status();
    // Twice torn with no writer to change the store between: not a
    // writer's flush but damage (a table file gone, say).
    if (unlocked && !StoreLockHeld(path))
      return StoreDamagedError(absl::StrCat("the store is damaged: ", last.message()));
    unlocked = !StoreLockHeld(path);
    if (attempt == kSecondaryAttempts)
      return absl::UnavailableError(absl::StrCat(
          "the store kept changing while reading it; try again (", last.message(), ")"));
    SecondaryPause(attempt);
    parts = OpenParts(path, options, cache);
  }
  if (!parts.ok()) return parts.status();
  if (!options.read_only) {
    // A crash during a bulk batch leaves files never ingested.
    RemoveBulkLeftovers(path);
    RemoveEmptyOldWals(parts->db.get(), path);
    WriteOwnerRecord(path);
  }
  return std::unique_ptr<LogStore>(
      new LogStore(path, options, std::move(cache), *std::move(parts)));
}

LogStore::LogStore(std::string path, const Options& options,
                   std::shared_ptr<rocksdb::Cache> cache, StoreParts parts)
    : path_(std::move(path)),
      options_(options),
      cache_(std::move(cache)),
      secondary_dir_(std::move(parts.secondary_dir)),
      write_errors_(std::move(parts.write_errors)),
      background_(std::move(parts.background)),
      db_(std::move(parts.db)),
      handles_(std::move(parts.handles)),
      log_(parts.log),
      ids_(parts.ids),
      meta_(parts.meta),
      proj_(parts.proj),
      state_(parts.state),
      lost_count_(parts.state.lost_count),
      head_(parts.state.head),
      last_append_ns_(absl::ToUnixNanos(absl::InfinitePast())),
      aliases_(std::move(parts.aliases)),
      helpers_(std::make_unique<HelperPool>(options.helper_threads)) {
  absl::MutexLock lock(&aliases_mu_);
  for (const AliasRecord& r : aliases_) alias_links_[r.alias] = r.canonical;
}

LogStore::~LogStore() {
  {
    absl::MutexLock lock(&head_mu_);
    closing_ = true;  // ends every WaitForHead
  }
  if (!options_.read_only && !write_errors_->failed()) {
    // Make bulk appends that were never followed by Sync() durable.
    (void)db_->SyncWAL();
    // Much left only in the write-ahead log (an import's end, say) is
    // flushed, so it does not live in the WAL alone for days and the next
    // open need not replay it; small appends are not (tiny level-0 files).
    (void)FlushIfLarge(kFlushAtCloseBytes);
  }
  if (!options_.read_only) RemoveOwnerRecord(path_);
  handles_.clear();
  (void)db_->Close();
  db_.reset();
  if (!secondary_dir_.empty()) RemoveSecondaryDir(secondary_dir_);
}

absl::Status LogStore::FlushIfLarge(uint64_t threshold) {
  if (write_errors_->failed()) return write_errors_->error();
  // The live write-ahead log measures what is not flushed (the memtables'
  // own size counts preallocated arenas and bloom filters).
  rocksdb::VectorLogPtr wals;
  if (rocksdb::Status s = db_->GetSortedWalFiles(wals); !s.ok())
    return FromRocks(s, "listing the write-ahead log");
  uint64_t bytes = 0;
  for (const auto& w : wals)
    if (w->Type() == rocksdb::kAliveLogFile) bytes += w->SizeFileBytes();
  if (bytes <= threshold) return absl::OkStatus();
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (const auto& h : handles_) all.push_back(h.get());
  return FromRocks(db_->Flush(rocksdb::FlushOptions(), all), "flushing the memtables");
}

}  // namespace annals::internal
