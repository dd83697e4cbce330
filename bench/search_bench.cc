// Full-text search benchmark (issue 21): annals search (annals/search.h, a
// Xapian index) against SQLite FTS5 on the same text, both in this process.
//
// On N generated statements (bench/corpus.h; default 1,000,000):
//   1. annals: Engine::Append in batches of 1,000 (durability kBulk, no
//      built-in projections: only the search index is measured), then the
//      first Search, which builds the index from the log: statements/s;
//   2. SQLite: an FTS5 table (content, quote; the porter stemmer over
//      unicode61, as annals stems English) filled in transactions of 1,000
//      rows: statements/s;
//   3. the same queries on both, Q of each kind (one common word, two
//      words, a phrase, an OR, a rare word: an actor's family name), top
//      20 by BM25: p50 / p99 / max latency of a whole Search call (annals;
//      it opens the index and checks it is caught up each time) and of a
//      prepared `SELECT rowid, bm25(fts) ... MATCH ? ORDER BY bm25(fts)
//      LIMIT 20` (SQLite).
// Prints a Markdown section; with --report PATH appends it there.
//
// Usage: annals_search_bench [--events N] [--queries Q] [--dir PATH]
//                            [--report PATH]
#include <sqlite3.h>
#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "annals/engine.h"
#include "annals/options.h"
#include "annals/search.h"
#include "corpus.h"

namespace fs = std::filesystem;
using annals_bench::CorpusGenerator;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "search_bench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

struct Latency {
  double p50 = 0, p99 = 0, max = 0;
  double hits = 0;  // mean rows returned
};

Latency Summarise(std::vector<double> us, double rows) {
  std::sort(us.begin(), us.end());
  auto at = [&](double p) { return us[static_cast<size_t>(p * double(us.size() - 1))]; };
  return {at(0.5), at(0.99), us.back(), rows / double(us.size())};
}

struct QueryKind {
  std::string name;
  std::vector<std::string> xapian, fts;  // the same queries in each syntax
};

// Q queries of each kind, from the corpus's vocabulary and family names.
std::vector<QueryKind> MakeQueries(size_t q, const std::vector<std::string>& actors) {
  annals_bench::Rng rng(20261206);
  const auto& words = annals_bench::kWords;
  auto word = [&] {
    for (;;) {
      std::string w = rng.Pick(words);
      if (w.size() > 3 && w.find('-') == std::string::npos) return w;
    }
  };
  std::vector<QueryKind> kinds = {{"one word", {}, {}},  {"two words (AND)", {}, {}},
                                  {"phrase", {}, {}},    {"two words (OR)", {}, {}},
                                  {"rare word (a family name)", {}, {}}};
  for (size_t i = 0; i < q; ++i) {
    const std::string a = word(), b = word();
    kinds[0].xapian.push_back(a), kinds[0].fts.push_back(a);
    kinds[1].xapian.push_back(a + " " + b), kinds[1].fts.push_back(a + " " + b);
    kinds[2].xapian.push_back("\"" + a + " " + b + "\"");
    kinds[2].fts.push_back("\"" + a + " " + b + "\"");
    kinds[3].xapian.push_back(a + " OR " + b), kinds[3].fts.push_back(a + " OR " + b);
    std::string name = actors[rng.Below(actors.size())];
    name = name.substr(name.rfind(' ') + 1);
    std::string ascii;
    for (char c : name) ascii += (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ? c : ' ';
    if (ascii.find(' ') != std::string::npos) ascii = "Smith";
    kinds[4].xapian.push_back(ascii), kinds[4].fts.push_back(ascii);
  }
  return kinds;
}

struct Annals {
  double import_s = 0, build_s = 0;
  std::vector<Latency> latency;
  uint64_t index_bytes = 0;
};

uint64_t DirBytes(const fs::path& p) {
  uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(p))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

Annals RunAnnals(size_t n, const fs::path& dir, const std::vector<QueryKind>& kinds) {
  annals::Options o;
  o.builtin_projections = false;
  auto engine = annals::Engine::Open((dir / "annals").string(), o);
  if (!engine.ok()) Die(engine.status().ToString());
  Annals r;
  CorpusGenerator gen(n, 107126926175347ull);
  annals::AppendOptions ao;
  ao.durability = annals::AppendOptions::Durability::kBulk;
  auto t0 = Clock::now();
  std::vector<annals::Statement> batch;
  while (gen.generated() < n) {
    batch.push_back(gen.Next());
    if (batch.size() < 1000 && gen.generated() < n) continue;
    auto a = (*engine)->Append(batch, ao);
    if (!a.ok()) Die(a.status().ToString());
    batch.clear();
  }
  if (auto s = (*engine)->Sync(); !s.ok()) Die(s.ToString());
  r.import_s = Seconds(t0);
  const std::string root = (dir / "annals" / "search").string();
  annals::SearchQuery q;
  q.text = "summit";
  t0 = Clock::now();
  auto built = annals::Search(**engine, root, q);
  if (!built.ok()) Die(built.status().ToString());
  r.build_s = Seconds(t0);
  r.index_bytes = DirBytes(root);
  for (const QueryKind& k : kinds) {
    std::vector<double> us;
    double rows = 0;
    for (const std::string& text : k.xapian) {
      q.text = text;
      auto t = Clock::now();
      auto res = annals::Search(**engine, root, q);
      us.push_back(Seconds(t) * 1e6);
      if (!res.ok()) Die(text + ": " + res.status().ToString());
      rows += double(res->hits.size());
    }
    r.latency.push_back(Summarise(us, rows));
  }
  return r;
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK)
    Die(std::string(sql) + ": " + (err ? err : "?"));
}

struct Sqlite {
  double build_s = 0;
  std::vector<Latency> latency;
  uint64_t bytes = 0;
};

Sqlite RunSqlite(size_t n, const fs::path& dir, const std::vector<QueryKind>& kinds) {
  sqlite3* db = nullptr;
  const std::string path = (dir / "fts.db").string();
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("sqlite3_open");
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;");
  Exec(db, "CREATE VIRTUAL TABLE fts USING fts5(content, quote, tokenize='porter unicode61')");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, content, quote) VALUES (?, ?, ?)", -1, &ins,
                     nullptr);
  CorpusGenerator gen(n, 107126926175347ull);
  Sqlite r;
  auto t0 = Clock::now();
  Exec(db, "BEGIN");
  for (size_t i = 1; i <= n; ++i) {
    const annals::Statement s = gen.Next();
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(i));
    sqlite3_bind_text(ins, 2, s.content.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, s.quote.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(ins) != SQLITE_DONE) Die(sqlite3_errmsg(db));
    sqlite3_reset(ins);
    if (i % 1000 == 0) Exec(db, "COMMIT; BEGIN");
  }
  Exec(db, "COMMIT");
  sqlite3_finalize(ins);
  r.build_s = Seconds(t0);
  sqlite3_stmt* sel = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT rowid, bm25(fts) FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) "
                     "LIMIT 20",
                     -1, &sel, nullptr);
  for (const QueryKind& k : kinds) {
    std::vector<double> us;
    double rows = 0;
    for (const std::string& text : k.fts) {
      auto t = Clock::now();
      sqlite3_bind_text(sel, 1, text.c_str(), -1, SQLITE_TRANSIENT);
      int rc;
      while ((rc = sqlite3_step(sel)) == SQLITE_ROW) rows += 1;
      if (rc != SQLITE_DONE) Die(text + ": " + sqlite3_errmsg(db));
      sqlite3_reset(sel);
      us.push_back(Seconds(t) * 1e6);
    }
    r.latency.push_back(Summarise(us, rows));
  }
  sqlite3_finalize(sel);
  sqlite3_close(db);
  for (const char* f : {"fts.db", "fts.db-wal"})
    if (fs::exists(dir / f)) r.bytes += fs::file_size(dir / f);
  return r;
}

std::string Rate(size_t n, double s) {
  char b[64];
  std::snprintf(b, sizeof b, "%.0f", double(n) / s);
  return b;
}

std::string Report(size_t n, size_t q, const std::vector<QueryKind>& kinds, const Annals& a,
                   const Sqlite& s, const std::string& load) {
  std::ostringstream md;
  char buf[512];
  md << "\n## Run of N = " << n << " statements, " << q << " queries per kind\n\n";
  md << "- " << load << "\n";
  md << "- annals: appended in " << a.import_s << " s (no projections); index "
     << a.index_bytes / (1 << 20) << " MiB. SQLite FTS5: " << s.bytes / (1 << 20)
     << " MiB.\n\n";
  md << "| Measure | annals (Xapian) | SQLite FTS5 | annals/SQLite |\n|---|---:|---:|---:|\n";
  std::snprintf(buf, sizeof buf, "| Index build (statements/s) | %s | %s | %.2fx |\n",
                Rate(n, a.build_s).c_str(), Rate(n, s.build_s).c_str(),
                s.build_s / a.build_s);
  md << buf;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const Latency &x = a.latency[i], &y = s.latency[i];
    std::snprintf(buf, sizeof buf,
                  "| %s: p50 / p99 / max (µs), rows | %.0f / %.0f / %.0f, %.1f | %.0f / %.0f / "
                  "%.0f, %.1f | %.2fx / %.2fx |\n",
                  kinds[i].name.c_str(), x.p50, x.p99, x.max, x.hits, y.p50, y.p99, y.max,
                  y.hits, x.p50 / y.p50, x.p99 / y.p99);
    md << buf;
  }
  return md.str();
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 1000000, q = 200;
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = tmp ? tmp : "/tmp";
  std::string report;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--events") n = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--queries") q = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--dir") base = next();
    else if (a == "--report") report = next();
    else Die("usage: annals_search_bench [--events N] [--queries Q] [--dir PATH] [--report P]");
  }
  if (n < 1000 || q < 10) Die("--events >= 1000 and --queries >= 10 please");
  const fs::path dir = base / ("annals-search-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) < 0) load[0] = -1;
  const std::string load_text = "Load average at start: " + std::to_string(load[0]) + " " +
                                std::to_string(load[1]) + " " + std::to_string(load[2]);
  CorpusGenerator names(n, 107126926175347ull);
  const std::vector<QueryKind> kinds = MakeQueries(q, names.actors());
  const Annals a = RunAnnals(n, dir, kinds);
  const Sqlite s = RunSqlite(n, dir, kinds);
  const std::string md = Report(n, q, kinds, a, s, load_text);
  std::fputs(md.c_str(), stdout);
  if (!report.empty()) std::ofstream(report, std::ios::app) << md;
  fs::remove_all(dir);
  return 0;
}
