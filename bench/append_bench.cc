// Append and scan throughput of the annals engine, beside a baseline that
// writes the very same serialized bytes straight to RocksDB.
//
//   BM_EngineAppendBatched/0  Engine::Append(span of 1000), durability kBulk,
//                             bare log (Options::builtin_projections = false)
//   BM_EngineAppendBatched/1  the same with the built-in timelines live, timed
//                             until they have caught up
//   BM_RawRocksDbPutBatched   WriteBatch of 1000 pre-encoded log entries into
//                             one "log" column family with the engine's options
//   BM_RawRocksDbPutBatchedIdIndex  the same plus the engine's id index
//                             (Get miss + second Put per entry), for analysis
//   BM_EngineScan             Engine::NewIterator(1) over a 200k-event store,
//                             decoding every event
//   BM_RawRocksDbScan         rocksdb::Iterator over the same bytes, touching
//                             key and value only
//   BM_RawRocksDbScanDecode   rocksdb::Iterator + internal DecodeEvent
//   BM_Component_*            the CPU steps of one append, per statement
//
// Environment:
//   ANNALS_BENCH_DIR     where stores are created (default: $TMPDIR or /tmp);
//                        put it on the disk you care about, not on tmpfs.
//   ANNALS_BENCH_CORPUS  statements in the corpus (default 200000; a multiple
//                        of 1000). Also the size of the stores scanned.
//   ANNALS_BENCH_CONTENT mean content bytes per statement (default 255, which
//                        makes the mean statement text about 400 bytes).
//
// The default --benchmark_min_time is 5 s; pass the flag to override it.
// See bench/README.md for how to run it and the figures on the reference box.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unistd.h>
#include <unordered_set>
#include <vector>

#include "annals/engine.h"
#include "annals/event.h"
#include "annals/options.h"
#include "annals/projection.h"
#include "annals/statement.h"
#include "codec/event_codec.h"
#include "corpus.h"  // kOutlets, shared with the other benchmarks
#include "facade/services.h"
#include "log/log_store.h"
#include "log/keys.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/options_util.h"
#include "rocksdb/write_batch.h"

namespace {

namespace fs = std::filesystem;
using annals::Event;
using annals::Statement;

constexpr size_t kBatch = 1000;
constexpr uint64_t kSeed = 0x616e6e616c73ull;  // "annals"

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "append_bench: %s\n", what.c_str());
  std::exit(2);
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + std::string(s.ToString()));
}

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

// ---------------------------------------------------------------------------
// Deterministic corpus.
// ---------------------------------------------------------------------------

// SplitMix64: tiny, and its output is the same on every platform (unlike the
// <random> distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : x_(seed) {}
  uint64_t Next() {
    uint64_t z = (x_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(unsigned percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) { return a[Below(N)]; }

 private:
  uint64_t x_;
};

// Names in Latin script without diacritics; the non-ASCII pools below are
// drawn for about one person in ten, and a place name with diacritics turns
// up in about one content in twenty, so roughly one statement in five takes
// ContentId's NFC-normalisation path (as with real multilingual news data).
const char* const kGiven[] = {
    "Sergei", "Antony", "Wang", "Annalena", "Catherine", "Josep", "Hakan",
    "Subrahmanyam", "Penny", "Melanie", "Yoko", "Ebrahim", "Naledi",
    "Mauro", "Dmytro", "Radoslaw", "Retno", "Ali", "Faisal", "Marcelo",
    "Marco", "Jean-Noel", "Jose", "Olaf", "Giorgia", "Pedro", "Luiz",
    "Ursula", "Kaja", "Tobias", "Ngozi", "Hassan", "Ayman", "Nasser",
    "Abdullah", "Fumio", "Yoon", "Park", "Li", "Xi", "Ramtane", "Sameh",
    "Kristjan", "Vivian", "Antonio", "Hossein", "Mohammed", "Simon",
    "David", "James", "Emmanuel", "Rishi", "Kamala", "Narendra", "Shehbaz",
    "Cyril", "William", "Justin", "Anthony", "Mark"};
const char* const kFamily[] = {
    "Lavrov", "Blinken", "Yi", "Baerbock", "Colonna", "Borrell", "Fidan",
    "Jaishankar", "Wong", "Joly", "Kamikawa", "Raisi", "Pandor", "Vieira",
    "Kuleba", "Sikorski", "Marsudi", "Sabry", "bin Farhan", "Ebrard",
    "Sejourne", "Barrot", "Albares", "Scholz", "Meloni", "Sanchez",
    "da Silva", "von der Leyen", "Kallas", "Lindner", "Okonjo-Iweala",
    "Shoukry", "Safadi", "Bourita", "Aboul Gheit", "Kishida", "Cho",
    "Hayashi", "Qiang", "Jinping", "Lamamra", "Brende", "Tajani",
    "Crosetto", "Dubois", "Tsahkna", "Balakrishnan", "Guterres",
    "Amir-Abdollahian", "Al Thani", "Cameron", "Lammy", "Macron", "Sunak",
    "Harris", "Modi", "Sharif", "Ramaphosa", "Ruto", "Albanese"};
const char* const kGivenNonAscii[] = {
    "Mélanie", "Jean-Noël", "José", "Radosław", "Børge", "Søren", "Björn",
    "Łukasz", "Zoë", "Çağla", "Сергей", "Мария", "Дмитрий", "Jürgen",
    "Mevlüt", "François", "王", "Hồ", "Nguyễn", "Ólafur"};
const char* const kFamilyNonAscii[] = {
    "Séjourné", "Sánchez", "Çavuşoğlu", "Løkke", "Müller", "Öztürk",
    "Wałęsa", "Núñez", "Захарова", "Песков", "Медведев", "Небензя",
    "Schäfer", "Erdoğan", "Grünewald", "毅", "Đức", "Lê", "Árnason",
    "Dvořák"};
const char* const kCountries[] = {
    "Russia", "United States", "China", "Germany", "France", "Turkey",
    "India", "Australia", "Canada", "Japan", "Iran", "South Africa",
    "Brazil", "Ukraine", "Poland", "Indonesia", "Egypt", "Saudi Arabia",
    "Mexico", "Spain", "Italy", "United Kingdom", "Nigeria", "Jordan",
    "Morocco", "Algeria", "Norway", "Denmark", "Estonia", "Singapore",
    "Israel", "Qatar", "Pakistan", "Argentina", "Kenya", "Ethiopia",
    "Vietnam", "Philippines", "South Korea", "North Korea", "Belarus",
    "Kazakhstan", "Armenia", "Azerbaijan", "Georgia", "Serbia", "Hungary",
    "Greece", "Cyprus", "Venezuela", "Colombia", "Chile", "Peru", "Cuba",
    "Syria", "Lebanon", "Iraq", "Libya", "Sudan", "Mali"};
const char* const kRoles[] = {
    "Ministry of Foreign Affairs of ", "President of ", "Prime Minister of ",
    "Foreign Minister of ", "Ambassador of ", "Permanent Representative of ",
    "Government of ", "Defence Minister of ", "Embassy of ",
    "Spokesperson of the Foreign Ministry of "};
const char* const kVerbs[] = {
    "said", "accused", "threatened", "urged", "condemned", "praised",
    "denied", "warned", "called on", "rejected", "welcomed", "demanded",
    "proposed", "promised", "criticised", "expressed concern to",
    "appealed to", "reaffirmed support for", "announced", "signalled"};
const char* const kCodes[] = {
    "010", "012", "013", "014", "015", "016", "017", "018", "019", "020",
    "021", "0211", "0212", "0213", "0214", "022", "023", "0231", "024",
    "025", "026", "027", "028", "030", "031", "0311", "032", "033", "036",
    "040", "041", "042", "043", "046", "050", "051", "057", "060", "061",
    "070", "080", "090", "100", "110", "111", "112", "1121", "1122", "114",
    "115", "120", "121", "125", "130", "131", "138", "140", "160", "161",
    "170", "172", "180", "190"};
const char* const kEventTypes[] = {
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "YIELD", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
    "COERCE"};
const char* const kTopics[] = {
    "nuclear non-proliferation", "grain exports", "sanctions", "arms control",
    "ceasefire", "humanitarian corridors", "energy security", "gas transit",
    "maritime security", "Black Sea", "South China Sea", "Taiwan Strait",
    "NATO enlargement", "EU accession", "climate finance", "debt relief",
    "refugees", "prisoner exchange", "peace talks", "UN Security Council",
    "WTO reform", "trade tariffs", "critical minerals", "cyber attacks",
    "election interference", "territorial integrity", "border dispute",
    "military exercises", "missile tests", "diplomatic expulsions",
    "visa regime", "airspace violation", "food security", "IAEA inspections",
    "oil price cap", "frozen assets", "war crimes", "ICC", "Arctic",
    "water rights"};
const char* const kWords[] = {
    "the", "of", "and", "to", "in", "on", "for", "with", "that", "a",
    "government", "minister", "talks", "agreement", "security", "council",
    "resolution", "sanctions", "border", "troops", "forces", "region",
    "meeting", "summit", "delegation", "statement", "spokesperson",
    "negotiations", "ceasefire", "violation", "sovereignty", "territory",
    "cooperation", "partners", "allies", "escalation", "de-escalation",
    "dialogue", "framework", "commitment", "obligations", "treaty",
    "bilateral", "multilateral", "humanitarian", "assistance", "supplies",
    "pipeline", "exports", "imports", "tariffs", "investment", "economic",
    "military", "nuclear", "programme", "inspectors", "verification",
    "missile", "launch", "exercise", "drills", "airspace", "maritime",
    "vessels", "port", "blockade", "corridor", "refugees", "civilians",
    "casualties", "investigation", "accountability", "court", "tribunal",
    "embassy", "ambassador", "consulate", "visa", "expelled", "recalled",
    "protest", "note", "demarche", "warning", "threat", "response",
    "retaliation", "measures", "unacceptable", "provocation", "interference",
    "internal", "affairs", "stability", "peace", "process", "roadmap",
    "deadline", "proposal", "initiative", "plan", "support", "condemnation",
    "concern", "deeply", "firmly", "strongly", "immediately", "urgently",
    "unilateral", "illegal", "legitimate", "international", "law", "charter",
    "United", "Nations", "European", "Union", "African", "ASEAN", "G20",
    "Brussels", "Geneva", "Vienna", "Doha", "Ankara", "Beijing", "Moscow",
    "Washington", "Kyiv", "Warsaw", "Berlin", "Paris", "Tokyo", "Delhi",
    "Ljubljana", "Nairobi", "Riyadh", "Tehran", "Islamabad", "Canberra"};
const char* const kPlacesNonAscii[] = {
    "Brasília", "Bogotá", "Zürich", "São Paulo", "Kraków", "Göteborg",
    "Malmö", "İzmir", "Québec", "Reykjavík", "Düsseldorf", "Asunción"};

// Content length is uniform in mean +- 30 bytes. The default mean makes the
// mean stored event (8-byte checksum + Cap'n Proto envelope) about 400 bytes;
// ANNALS_BENCH_CONTENT=<mean bytes> changes it.
size_t ContentMean() {
  static const size_t mean = [] {
    const char* e = std::getenv("ANNALS_BENCH_CONTENT");
    size_t m = e ? std::strtoull(e, nullptr, 10) : 255;
    return std::max<size_t>(m, 40);
  }();
  return mean;
}

std::vector<std::string> MakeNamePool(Rng& rng) {
  std::vector<std::string> pool;
  std::unordered_set<std::string> seen;
  // 2400 people, 600 institutions: 3000 distinct actors.
  while (pool.size() < 2400) {
    bool non_ascii = rng.Chance(10);
    std::string n = non_ascii ? std::string(rng.Pick(kGivenNonAscii)) + " " +
                                    rng.Pick(kFamilyNonAscii)
                              : std::string(rng.Pick(kGiven)) + " " + rng.Pick(kFamily);
    if (seen.insert(n).second) pool.push_back(std::move(n));
  }
  for (const char* role : kRoles)
    for (const char* country : kCountries)
      pool.push_back(std::string(role) + country);
  return pool;
}

std::string Slug(const std::string& text) {
  std::string s;
  for (char c : text) {
    if (s.size() >= 28) break;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) s.push_back(c);
    else if (c >= 'A' && c <= 'Z') s.push_back(static_cast<char>(c - 'A' + 'a'));
    else if (!s.empty() && s.back() != '-') s.push_back('-');
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

Statement MakeStatement(Rng& rng, const std::vector<std::string>& names,
                        uint64_t index) {
  Statement s;
  s.speaker = names[rng.Below(names.size())];
  size_t n_targets = 1 + (rng.Chance(25) ? 1 : 0);
  for (size_t i = 0; i < n_targets; ++i) {
    std::string t = names[rng.Below(names.size())];
    if (t != s.speaker) s.targets.push_back(std::move(t));
  }
  s.verb = rng.Pick(kVerbs);
  s.code = rng.Pick(kCodes);
  if (rng.Chance(50)) s.event_type = rng.Pick(kEventTypes);
  size_t n_topics = 1 + rng.Below(3);
  for (size_t i = 0; i < n_topics; ++i) {
    std::string t = rng.Pick(kTopics);
    if (std::find(s.topics.begin(), s.topics.end(), t) == s.topics.end())
      s.topics.push_back(std::move(t));
  }
  // Content: a lead naming the parties, then varied prose.
  size_t want = ContentMean() - 30 + rng.Below(61);
  std::string c = s.speaker + " " + s.verb + " " +
                  (s.targets.empty() ? std::string("its partners") : s.targets[0]) +
                  " on " + s.topics[0] + ",";
  bool place = rng.Chance(5);
  while (c.size() < want) {
    c += ' ';
    if (place) {
      c += rng.Pick(kPlacesNonAscii);
      place = false;
    } else {
      c += rng.Pick(kWords);
    }
    if (rng.Chance(8)) c += rng.Chance(50) ? "," : ".";
  }
  c += '.';
  s.content = std::move(c);
  // Day precision over 2015-01-01 .. 2024-12-29 (3650 days).
  constexpr int64_t kDay = 86400LL * 1000000;
  constexpr int64_t k2015 = 16436;  // days from 1970-01-01 to 2015-01-01
  int64_t day = k2015 + static_cast<int64_t>(rng.Below(3650));
  s.occurred_at = {day * kDay, annals::Precision::kDay};
  s.source.outlet = rng.Pick(annals_bench::kOutlets);
  char tail[24];
  std::snprintf(tail, sizeof tail, "-%llx", static_cast<unsigned long long>(index));
  s.source.url = "https://news.example/" + Slug(s.content.substr(s.speaker.size())) + tail;
  return s;
}

struct Corpus {
  std::vector<Statement> statements;
  // Stored form of statements[i] as the engine writes it into a fresh store
  // at seq i+1 (recorded_at fixed; it has a fixed-width field).
  std::vector<std::string> encoded;
  std::vector<std::string> ids;  // EffectiveId(statements[i])
  std::vector<uint64_t> batch_bytes;  // sum of encoded sizes, per batch
  uint64_t total_bytes = 0;
  uint64_t text_bytes = 0;  // UTF-8 bytes of all the statements' fields
  size_t non_ascii = 0;  // statements taking the NFC path in ContentId

  size_t batches() const { return statements.size() / kBatch; }
  std::span<const Statement> Batch(size_t b) const {
    return {statements.data() + b * kBatch, kBatch};
  }
};

size_t CorpusSize() {
  size_t n = 200000;
  if (const char* e = std::getenv("ANNALS_BENCH_CORPUS")) n = std::strtoull(e, nullptr, 10);
  n = std::max<size_t>(kBatch, n / kBatch * kBatch);
  return n;
}

size_t TextBytes(const Statement& s) {
  size_t n = s.speaker.size() + s.verb.size() + s.code.size() +
             s.event_type.size() + s.content.size() + s.quote.size() +
             s.source.outlet.size() + s.source.url.size() + s.source.via.size();
  for (const auto& t : s.targets) n += t.size();
  for (const auto& t : s.topics) n += t.size();
  return n;
}

bool IsAscii(const Statement& s) {
  auto ascii = [](const std::string& t) {
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  };
  if (!ascii(s.speaker) || !ascii(s.content)) return false;
  return std::all_of(s.targets.begin(), s.targets.end(), ascii);
}

const Corpus& GetCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    Rng rng(kSeed);
    auto names = MakeNamePool(rng);
    size_t n = CorpusSize();
    c->statements.reserve(n);
    c->encoded.reserve(n);
    c->ids.reserve(n);
    std::unordered_set<std::string> ids;
    for (uint64_t i = 0; i < n; ++i) {
      Statement s = MakeStatement(rng, names, i);
      Check(annals::Validate(s), "corpus statement fails Validate");
      Event e;
      e.seq = i + 1;
      e.recorded_at = 1735689600000000;  // 2025-01-01T00:00:00Z
      e.id = annals::EffectiveId(s);
      e.schema_version = annals::internal::kSchemaVersion;
      e.statement = s;
      if (!ids.insert(e.id).second) Die("corpus holds a duplicate statement");
      std::string v;
      annals::internal::EncodeEvent(e, &v);
      if (i % kBatch == 0) c->batch_bytes.push_back(0);
      c->batch_bytes.back() += v.size();
      c->total_bytes += v.size();
      c->text_bytes += TextBytes(s);
      if (!IsAscii(s)) ++c->non_ascii;
      c->statements.push_back(std::move(s));
      c->encoded.push_back(std::move(v));
      c->ids.push_back(e.id);
    }
    return c;
  }();
  return *corpus;
}

// ---------------------------------------------------------------------------
// Stores.
// ---------------------------------------------------------------------------

fs::path BaseDir() {
  static const fs::path dir = [] {
    fs::path base = std::getenv("ANNALS_BENCH_DIR")
                        ? fs::path(std::getenv("ANNALS_BENCH_DIR"))
                        : fs::temp_directory_path();
    fs::path d = base / ("annals-bench-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

fs::path FreshDir(const char* what) {
  static std::atomic<int> n{0};
  fs::path p = BaseDir() / (std::string(what) + "-" + std::to_string(n++));
  fs::remove_all(p);
  return p;
}

// The engine's RocksDB configuration: DBOptions and the options of its "log"
// and "ids" families, read back from the OPTIONS file RocksDB writes into a
// store the engine creates. Reading them (rather than copying FamilyOptions
// from engine/src/log/open.cc) keeps the baseline configured exactly as the
// engine, whatever that file comes to say.
struct RocksConfig {
  rocksdb::DBOptions db;
  rocksdb::ColumnFamilyOptions log;
  rocksdb::ColumnFamilyOptions ids;
};

const RocksConfig& EngineRocksConfig() {
  static const RocksConfig* config = [] {
    fs::path p = FreshDir("options-template");
    {
      auto e = annals::Engine::Open(p.string(), annals::Options{});
      Check(e.status(), "opening a template store");
    }
    rocksdb::ConfigOptions co;
    co.ignore_unknown_options = true;      // e.g. the engine's own merge
    co.ignore_unsupported_options = true;  // operators, which we don't need
    rocksdb::DBOptions dbo;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    Check(rocksdb::LoadLatestOptions(co, p.string(), &dbo, &families),
          "reading the engine's OPTIONS file");
    auto* c = new RocksConfig;
    c->db = dbo;
    c->db.create_if_missing = true;
    c->db.create_missing_column_families = true;
    bool log = false, ids = false;
    for (const auto& f : families) {
      if (f.name == annals::internal::kLogFamily) c->log = f.options, log = true;
      if (f.name == annals::internal::kIdsFamily) c->ids = f.options, ids = true;
    }
    if (!log || !ids) Die("the engine's store lacks a log or ids family");
    fs::remove_all(p);
    return c;
  }();
  return *config;
}

// `cf` with its block-based table reading through `cache` (each store gets
// its own cache, as each engine does).
rocksdb::ColumnFamilyOptions WithCache(rocksdb::ColumnFamilyOptions cf,
                                       const std::shared_ptr<rocksdb::Cache>& cache) {
  const auto* table = cf.table_factory
                          ? cf.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>()
                          : nullptr;
  if (table == nullptr) Die("the engine's families do not use block-based tables");
  rocksdb::BlockBasedTableOptions t = *table;
  t.block_cache = cache;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return cf;
}

// A plain RocksDB with the default family plus "log" (and, with id_index,
// "ids"), configured as the engine's: same DBOptions, same family options,
// own block cache of the engine's default size.
class RawDb {
 public:
  explicit RawDb(const fs::path& path, bool id_index = false) : path_(path) {
    annals::Options defaults;
    const RocksConfig& config = EngineRocksConfig();
    auto cache = rocksdb::NewLRUCache(defaults.block_cache_bytes);
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {annals::internal::kLogFamily, WithCache(config.log, cache)}};
    if (id_index)
      families.emplace_back(annals::internal::kIdsFamily, WithCache(config.ids, cache));
    rocksdb::DB* db = nullptr;
    Check(rocksdb::DB::Open(config.db, path.string(), families, &handles_, &db),
          "opening the raw RocksDB");
    db_.reset(db);
    bulk_sync_bytes_ = defaults.bulk_sync_bytes;
  }
  ~RawDb() {
    (void)db_->SyncWAL();  // as the engine does on close
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    (void)db_->Close();
    db_.reset();
    fs::remove_all(path_);
  }
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* log() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* ids() const { return handles_.at(2); }

  // The engine's kBulk rule: an unsynced write, unless it takes the bytes
  // written since the last sync to bulk_sync_bytes, then a synced one.
  void Write(rocksdb::WriteBatch* batch) {
    uint64_t unsynced = unsynced_ + batch->GetDataSize();
    rocksdb::WriteOptions wo;
    wo.sync = unsynced >= bulk_sync_bytes_;
    Check(db_->Write(wo, batch), "raw write");
    unsynced_ = wo.sync ? 0 : unsynced;
  }

 private:
  fs::path path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  uint64_t bulk_sync_bytes_ = 0;
  uint64_t unsynced_ = 0;
};

struct EngineStore {
  explicit EngineStore(const fs::path& p, bool projections = true) : path(p) {
    annals::Options options;
    options.builtin_projections = projections;
    if (const char* h = std::getenv("ANNALS_BENCH_HELPERS"))
      options.helper_threads = static_cast<uint32_t>(std::atoi(h));
    auto e = annals::Engine::Open(path.string(), options);
    Check(e.status(), "opening the engine store");
    engine = *std::move(e);
  }
  ~EngineStore() {
    engine.reset();
    fs::remove_all(path);
  }
  fs::path path;
  std::unique_ptr<annals::Engine> engine;
};

const annals::AppendOptions kBulk{annals::AppendOptions::Durability::kBulk};

void AppendRawBatch(RawDb& raw, const Corpus& corpus, size_t b) {
  rocksdb::WriteBatch batch;
  for (size_t i = b * kBatch; i < (b + 1) * kBatch; ++i)
    batch.Put(raw.log(), annals::internal::EncodeU64(i + 1), corpus.encoded[i]);
  raw.Write(&batch);
}

// ---------------------------------------------------------------------------
// Append.
// ---------------------------------------------------------------------------
//
// Each run starts from an empty store. Iteration k appends corpus batch
// k mod B (B = corpus / 1000); after the last batch the store is replaced by
// an empty one with the timer paused, so no iteration ever appends a
// duplicate and both sides see the same store sizes (0 .. corpus events).

// CPU seconds of the whole process (every thread: the appender, RocksDB's
// flushes and compactions, the engine's projection workers), summed over the
// timed parts of a run.
class ProcessCpu {
 public:
  void Start() { t0_ = Now(); }
  void Stop() { total_ += Now() - t0_; }
  double seconds() const { return total_; }

 private:
  static double Now() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
  }
  double t0_ = 0, total_ = 0;
};

void SetAppendCounters(benchmark::State& state, const Corpus& corpus,
                       uint64_t bytes, const ProcessCpu& cpu) {
  uint64_t items = state.iterations() * kBatch;
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["value_bytes_per_item"] =
      static_cast<double>(corpus.total_bytes) / corpus.statements.size();
  if (items > 0) state.counters["process_cpu_us_per_item"] = cpu.seconds() * 1e6 / items;
}

// The engine's live projections (the built-in "actors" and "topics"
// timelines, registered at Open) follow the log on worker threads. The timed
// region includes waiting for them to catch up before a store is replaced
// and at the end of the run, so the figure is sustained import throughput
// with every projection current, not just the rate at which Append returns.
void CatchUp(benchmark::State& state, annals::Engine& engine) {
  absl::Status st = engine.WaitFor(engine.Head(), absl::Minutes(5));
  if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
}

uint64_t MaxProjectionLag(const annals::Engine& engine) {
  uint64_t lag = 0;
  for (const auto& p : engine.Projections()) lag = std::max(lag, p.lag);
  return lag;
}

void BM_EngineAppendBatched(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  // Arg 0: the bare log (Options::builtin_projections = false), the append
  // path the raw baseline compares with. Arg 1: with the built-in timelines
  // live, timed until they have caught up (time until queryable).
  const bool projections = state.range(0) != 0;
  auto store = std::make_unique<EngineStore>(FreshDir("engine-append"), projections);
  size_t b = 0;
  uint64_t bytes = 0, max_lag = 0;
  int64_t done = 0;
  ProcessCpu cpu;
  cpu.Start();
  for (auto _ : state) {
    if (b == corpus.batches()) {
      CatchUp(state, *store->engine);
      cpu.Stop();
      state.PauseTiming();
      store.reset();
      store = std::make_unique<EngineStore>(FreshDir("engine-append"), projections);
      b = 0;
      state.ResumeTiming();
      cpu.Start();
    }
    auto results = store->engine->Append(corpus.Batch(b), kBulk);
    if (!results.ok()) {
      state.SkipWithError(std::string(results.status().message()).c_str());
      break;
    }
    if (results->back().duplicate) {
      state.SkipWithError("appended a duplicate");
      break;
    }
    max_lag = std::max(max_lag, MaxProjectionLag(*store->engine));
    bytes += corpus.batch_bytes[b];
    ++b;
    if (++done == static_cast<int64_t>(state.max_iterations)) CatchUp(state, *store->engine);
  }
  cpu.Stop();
  SetAppendCounters(state, corpus, bytes, cpu);
  state.counters["max_projection_lag"] = static_cast<double>(max_lag);
}
BENCHMARK(BM_EngineAppendBatched)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_RawRocksDbPutBatched(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  auto raw = std::make_unique<RawDb>(FreshDir("raw-append"));
  size_t b = 0;
  uint64_t bytes = 0;
  ProcessCpu cpu;
  cpu.Start();
  for (auto _ : state) {
    if (b == corpus.batches()) {
      cpu.Stop();
      state.PauseTiming();
      raw.reset();
      raw = std::make_unique<RawDb>(FreshDir("raw-append"));
      b = 0;
      state.ResumeTiming();
      cpu.Start();
    }
    AppendRawBatch(*raw, corpus, b);
    bytes += corpus.batch_bytes[b];
    ++b;
  }
  cpu.Stop();
  SetAppendCounters(state, corpus, bytes, cpu);
}
BENCHMARK(BM_RawRocksDbPutBatched)->UseRealTime()->Unit(benchmark::kMillisecond);

// The baseline plus the engine's id index, done the engine's way: per entry
// a Get on "ids" (a miss) and a second Put (id -> seq) in the same batch.
// Not the issue's baseline; it splits the engine/raw gap into "RocksDB work
// the data model adds" (this minus raw) and "the engine's own CPU work"
// (engine minus this).
void BM_RawRocksDbPutBatchedIdIndex(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  auto raw = std::make_unique<RawDb>(FreshDir("raw-ids-append"), true);
  size_t b = 0;
  uint64_t bytes = 0;
  rocksdb::ReadOptions ro;
  std::string found;
  ProcessCpu cpu;
  cpu.Start();
  for (auto _ : state) {
    if (b == corpus.batches()) {
      cpu.Stop();
      state.PauseTiming();
      raw.reset();
      raw = std::make_unique<RawDb>(FreshDir("raw-ids-append"), true);
      b = 0;
      state.ResumeTiming();
      cpu.Start();
    }
    rocksdb::WriteBatch batch;
    for (size_t i = b * kBatch; i < (b + 1) * kBatch; ++i) {
      if (!raw->db()->Get(ro, raw->ids(), corpus.ids[i], &found).IsNotFound())
        Die("raw id index: unexpected hit");
      std::string key = annals::internal::EncodeU64(i + 1);
      batch.Put(raw->log(), key, corpus.encoded[i]);
      batch.Put(raw->ids(), corpus.ids[i], key);
    }
    raw->Write(&batch);
    bytes += corpus.batch_bytes[b];
    ++b;
  }
  cpu.Stop();
  SetAppendCounters(state, corpus, bytes, cpu);
}
BENCHMARK(BM_RawRocksDbPutBatchedIdIndex)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// Scan. One iteration reads the whole pre-filled store (corpus events).
// Both stores are filled once, then flushed and fully compacted, so the scan
// reads a settled LSM tree (bottommost level: ZSTD) with no background work.
// ---------------------------------------------------------------------------

std::unique_ptr<EngineStore> g_scan_engine;
std::unique_ptr<RawDb> g_scan_raw;

// Flushes and fully compacts `cf`, then waits until the DB runs no flush or
// compaction (in any family) for half a second.
void Settle(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  Check(db->Flush(rocksdb::FlushOptions(), cf), "flush");
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  Check(db->CompactRange(co, cf, nullptr, nullptr), "compact");
  for (int quiet = 0; quiet < 5;) {
    uint64_t flushes = 0, compactions = 0;
    db->GetIntProperty("rocksdb.num-running-flushes", &flushes);
    db->GetIntProperty("rocksdb.num-running-compactions", &compactions);
    quiet = flushes + compactions == 0 ? quiet + 1 : 0;
    ::usleep(100 * 1000);
  }
}

// Settle for an engine's store, through its log store's white-box hooks.
void SettleEngine(annals::internal::LogStore& store) {
  Check(store.CompactLog(), "compact");
  for (int quiet = 0; quiet < 5;) {
    auto flushes = store.Property("log", "rocksdb.num-running-flushes");
    auto compactions = store.Property("log", "rocksdb.num-running-compactions");
    quiet = flushes == "0" && compactions == "0" ? quiet + 1 : 0;
    ::usleep(100 * 1000);
  }
}

annals::Engine& ScanEngine() {
  if (!g_scan_engine) {
    const Corpus& corpus = GetCorpus();
    // A bare log: the scan reads the log only, and no projection worker
    // (nor the allocations of one) shares the process with it.
    g_scan_engine = std::make_unique<EngineStore>(FreshDir("engine-scan"), /*projections=*/false);
    for (size_t b = 0; b < corpus.batches(); ++b)
      Check(g_scan_engine->engine->Append(corpus.Batch(b), kBulk).status(), "fill");
    Check(g_scan_engine->engine->Sync(), "sync");
    SettleEngine(*annals::internal::ServicesOf(*g_scan_engine->engine)->log_store());
  }
  return *g_scan_engine->engine;
}

RawDb& ScanRaw() {
  if (!g_scan_raw) {
    const Corpus& corpus = GetCorpus();
    g_scan_raw = std::make_unique<RawDb>(FreshDir("raw-scan"));
    for (size_t b = 0; b < corpus.batches(); ++b) AppendRawBatch(*g_scan_raw, corpus, b);
    Check(g_scan_raw->db()->SyncWAL(), "sync");
    Settle(g_scan_raw->db(), g_scan_raw->log());
  }
  return *g_scan_raw;
}

void SetScanCounters(benchmark::State& state, uint64_t items, uint64_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_EngineScan(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  annals::Engine& engine = ScanEngine();
  uint64_t items = 0;
  for (auto _ : state) {
    uint64_t n = 0;
    for (auto it = engine.NewIterator(1); it->Valid(); it->Next()) {
      benchmark::DoNotOptimize(it->event().statement.content.data());
      ++n;
    }
    if (n != corpus.statements.size()) {
      state.SkipWithError("engine scan saw the wrong number of events");
      break;
    }
    items += n;
  }
  SetScanCounters(state, items, state.iterations() * corpus.total_bytes);
}
BENCHMARK(BM_EngineScan)->UseRealTime()->Unit(benchmark::kMillisecond);

// ReadOptions as the engine's NewIterator sets them.
rocksdb::ReadOptions ScanReadOptions() {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  return ro;
}

void BM_RawRocksDbScan(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  RawDb& raw = ScanRaw();
  uint64_t items = 0;
  for (auto _ : state) {
    uint64_t n = 0, sum = 0;
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(ScanReadOptions(), raw.log()));
    for (it->Seek(annals::internal::EncodeU64(1)); it->Valid(); it->Next()) {
      rocksdb::Slice k = it->key(), v = it->value();
      sum += k.size() + v.size() + static_cast<unsigned char>(k[7]) +
             static_cast<unsigned char>(v[0]) + static_cast<unsigned char>(v[v.size() - 1]);
      ++n;
    }
    benchmark::DoNotOptimize(sum);
    if (!it->status().ok() || n != corpus.statements.size()) {
      state.SkipWithError("raw scan saw the wrong number of entries");
      break;
    }
    items += n;
  }
  SetScanCounters(state, items, state.iterations() * corpus.total_bytes);
}
BENCHMARK(BM_RawRocksDbScan)->UseRealTime()->Unit(benchmark::kMillisecond);

// The raw scan plus DecodeEvent: splits the engine's scan cost into RocksDB
// and decoding.
void BM_RawRocksDbScanDecode(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  RawDb& raw = ScanRaw();
  uint64_t items = 0;
  for (auto _ : state) {
    uint64_t n = 0;
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(ScanReadOptions(), raw.log()));
    for (it->Seek(annals::internal::EncodeU64(1)); it->Valid(); it->Next()) {
      auto e = annals::internal::DecodeEvent(
          std::string_view(it->value().data(), it->value().size()));
      if (!e.ok()) Die("raw scan: undecodable entry");
      benchmark::DoNotOptimize(e->statement.content.data());
      ++n;
    }
    if (n != corpus.statements.size()) {
      state.SkipWithError("raw scan saw the wrong number of entries");
      break;
    }
    items += n;
  }
  SetScanCounters(state, items, state.iterations() * corpus.total_bytes);
}
BENCHMARK(BM_RawRocksDbScanDecode)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// Components: the CPU work the engine does per appended statement, outside
// RocksDB. One iteration = one batch of 1000 statements.
// ---------------------------------------------------------------------------

template <typename Fn>
void RunComponent(benchmark::State& state, Fn fn) {
  const Corpus& corpus = GetCorpus();
  size_t b = 0;
  for (auto _ : state) {
    for (const Statement& s : corpus.Batch(b)) fn(s);
    if (++b == corpus.batches()) b = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
}

void BM_Component_Validate(benchmark::State& state) {
  RunComponent(state, [](const Statement& s) {
    auto st = annals::Validate(s);
    benchmark::DoNotOptimize(st);
  });
}
BENCHMARK(BM_Component_Validate)->Unit(benchmark::kMicrosecond);

void BM_Component_ContentId(benchmark::State& state) {
  RunComponent(state, [](const Statement& s) {
    std::string id = annals::EffectiveId(s);
    benchmark::DoNotOptimize(id.data());
  });
}
BENCHMARK(BM_Component_ContentId)->Unit(benchmark::kMicrosecond);

// What append.cc does per new event: encode the event header with the
// caller's statement (EncodeEvent(event, statement, out), no copy into the
// Event) into a reused value buffer.
void BM_Component_EncodeEvent(benchmark::State& state) {
  std::string value;
  Event e;
  e.recorded_at = 1735689600000000;
  e.id = "h:0123456789abcdef0123456789abcdef";
  e.schema_version = annals::internal::kSchemaVersion;
  RunComponent(state, [&](const Statement& s) {
    ++e.seq;
    value.clear();
    annals::internal::EncodeEvent(e, s, &value);
    benchmark::DoNotOptimize(value.data());
  });
}
BENCHMARK(BM_Component_EncodeEvent)->Unit(benchmark::kMicrosecond);

void BM_Component_DecodeEvent(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  size_t b = 0;
  for (auto _ : state) {
    for (size_t i = b * kBatch; i < (b + 1) * kBatch; ++i) {
      auto e = annals::internal::DecodeEvent(corpus.encoded[i]);
      benchmark::DoNotOptimize(e);
    }
    if (++b == corpus.batches()) b = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_Component_DecodeEvent)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  // A default minimum time long enough to cover memtable flushes on the
  // append runs; an explicit --benchmark_min_time (parsed later) wins.
  std::vector<char*> args(argv, argv + argc);
  static char kDefaultMinTime[] = "--benchmark_min_time=5";
  args.insert(args.begin() + 1, kDefaultMinTime);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;

  const Corpus& corpus = GetCorpus();
  benchmark::AddCustomContext("corpus_statements", std::to_string(corpus.statements.size()));
  benchmark::AddCustomContext(
      "corpus_mean_value_bytes",
      std::to_string(corpus.total_bytes / corpus.statements.size()));
  benchmark::AddCustomContext(
      "corpus_mean_text_bytes",
      std::to_string(corpus.text_bytes / corpus.statements.size()));
  benchmark::AddCustomContext("corpus_non_ascii_statements",
                              std::to_string(corpus.non_ascii));
  benchmark::AddCustomContext("store_dir", BaseDir().string());
  // The baselines use the engine's RocksDB configuration as read back from
  // its OPTIONS file; show the memtables that gave them, so a factory that
  // failed to load (and fell back to the default skiplist) would be seen.
  benchmark::AddCustomContext("baseline_log_memtable",
                              EngineRocksConfig().log.memtable_factory->Name());
  benchmark::AddCustomContext("baseline_ids_memtable",
                              EngineRocksConfig().ids.memtable_factory->Name());

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_scan_engine.reset();
  g_scan_raw.reset();
  std::error_code ec;
  fs::remove_all(BaseDir(), ec);
  return 0;
}
