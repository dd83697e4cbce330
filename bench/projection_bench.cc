// Projection and timeline-query benchmark of the annals engine.
//
// On one generated log of N statements (default 1,000,000) it measures:
//   1. live catch-up: a bulk import (Append of 1000 statements at a time,
//      durability kBulk) while the built-in "actors" and "topics"
//      projections follow it live: import throughput, the largest lag seen
//      (Projections() sampled every 50 ms) and how long after the last append
//      until every projection has applied the head (WaitFor(Head()));
//   2. timeline queries: the first page (limit 100) of a random actor's and
//      a random topic's timeline, at the head and as of Head()/2:
//      p50 / p99 / max latency;
//   3. rebuilds: Rebuild("actors") + WaitForRebuild, the same for "topics",
//      then both at once, in events per second; beside two single-thread
//      baselines: scanning the log, and scanning it through each built-in
//      projection's Apply with its writes only counted;
//   4. the queries again, on the rebuilt projections.
// It prints a table and writes the figures into a Markdown report
// (bench/PROJECTIONS.md by default) between the markers
// "<!-- BEGIN GENERATED -->" and "<!-- END GENERATED -->", keeping whatever
// the file holds outside them.
//
// Usage:
//   annals_projection_bench [--events N] [--dir PATH] [--queries Q] [--seed S]
//                           [--report PATH | --report ''] [--keep]
//                           [--store PATH] [--phases LIST] [--block-cache-mb M]
//                           [--helper-threads T] [--max-live-lag N]
//                           [--live-batch N]
//     --events N   statements in the log (default 1000000)
//     --dir PATH   where the store is created (default: $TMPDIR or /tmp); the
//                  store is a fresh subdirectory, deleted at the end unless
//                  --keep is given. Use a real disk, not tmpfs.
//     --queries Q  timed queries per query kind (default 2000)
//     --report P   Markdown report to write ('' = none; default
//                  <source tree>/bench/PROJECTIONS.md). Written only when
//                  every phase ran.
//   For profiling one phase:
//     --store PATH     use this store directory and keep it; if it already
//                      holds the N-event log, the import is skipped
//     --phases LIST    of "query" and "rebuild" (default both; "none" runs
//                      only the import)
//     --block-cache-mb M  Options::block_cache_bytes (default: the engine's)
//     --helper-threads T  Options::helper_threads (default: the engine's)
//     --max-live-lag N    Options::max_live_lag (default: the engine's)
//     --live-batch N      Options::live_bulk_min_lag and live_bulk_batch_events
//
// Plain main() rather than Google Benchmark: the phases depend on each other
// (the queries and rebuilds need the imported log) and each runs once.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/options.h"
#include "annals/projection.h"
#include "annals/statement.h"
#include "annals/timeline.h"
#include "facade/services.h"
#include "log/log_store.h"
#include "rocksdb/version.h"
#include "projection/grouped_timeline.h"
#include "corpus.h"

#ifndef ANNALS_SOURCE_DIR
#define ANNALS_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using annals::Statement;
using Clock = std::chrono::steady_clock;
using namespace annals_bench;  // corpus.h

constexpr size_t kBatch = 1000;
constexpr size_t kPageLimit = 100;

// Targets from the issue.
constexpr double kTargetRebuildEps = 500000;  // events/s, each built-in
constexpr double kTargetCatchUpS = 1.0;       // lag back to 0 after import
constexpr double kTargetP50Us = 200;          // first page, p50

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "projection_bench: %s\n", what.c_str());
  std::exit(2);
}

void Check(const absl::Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}


// ---------------------------------------------------------------------------
// Measurements.
// ---------------------------------------------------------------------------

struct Latency {
  std::string label;
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;  // microseconds
  double mean_rows = 0;
};

Latency Summarise(std::string label, std::vector<double> us, double rows) {
  Latency l;
  l.label = std::move(label);
  l.count = us.size();
  if (us.empty()) return l;
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) {
    size_t i = static_cast<size_t>(std::ceil(p * us.size())) - 1;
    return us[std::min(i, us.size() - 1)];
  };
  l.p50 = pct(0.50);
  l.p90 = pct(0.90);
  l.p99 = pct(0.99);
  l.max = us.back();
  l.mean = std::accumulate(us.begin(), us.end(), 0.0) / us.size();
  l.mean_rows = rows / us.size();
  return l;
}

struct QueryPlan {
  std::vector<std::string> names;  // the query sequence
  size_t head_from = 0;            // names[head_from..] come from the Zipf head
};

// `q` names: 90% uniform over the names that occur in the log, 10% drawn
// with the log's own Zipf weights (so mostly the busiest few).
QueryPlan PlanQueries(const std::vector<std::string>& pool,
                      const std::vector<uint32_t>& uses, size_t q, Rng& rng) {
  std::vector<size_t> present;
  for (size_t i = 0; i < pool.size(); ++i)
    if (uses[i] > 0) present.push_back(i);
  if (present.empty()) Die("no names in the log");
  Zipf zipf(pool.size(), kZipfS);
  QueryPlan p;
  size_t head = q / 10;
  for (size_t i = 0; i + head < q; ++i) p.names.push_back(pool[present[rng.Below(present.size())]]);
  p.head_from = p.names.size();
  for (size_t i = 0; i < head; ++i) {
    size_t k;
    do k = zipf.Draw(rng); while (uses[k] == 0);
    p.names.push_back(pool[k]);
  }
  return p;
}

struct QueryResult {
  Latency all, uniform, head;
};

QueryResult RunQueries(annals::Engine& engine, annals::TimelineKind kind,
                       const QueryPlan& plan, std::optional<uint64_t> as_of,
                       const std::string& label, size_t warmup) {
  std::vector<double> all, uni, hd;
  double rows_all = 0, rows_uni = 0, rows_hd = 0;
  // Run in a shuffled order so head and uniform queries interleave.
  std::vector<size_t> order(plan.names.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng(0x5eed ^ plan.names.size() ^ (as_of ? *as_of : 0) ^ static_cast<int>(kind));
  Shuffle(order, rng);
  auto one = [&](const std::string& name) -> std::pair<double, size_t> {
    annals::TimelineQuery q;
    q.kind = kind;
    q.name = name;
    q.limit = kPageLimit;
    q.wait = true;
    q.as_of = as_of;
    auto t0 = Clock::now();
    auto page = engine.Timeline(q);
    double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (!page.ok()) Die("Timeline(" + name + "): " + page.status().ToString());
    // Every queried name occurs in the log, but maybe only after as_of.
    if (page->entries.empty() && !as_of) Die("Timeline(" + name + ") returned no rows");
    return {us, page->entries.size()};
  };
  for (size_t i = 0; i < warmup && i < order.size(); ++i)
    one(plan.names[order[order.size() - 1 - i]]);
  for (size_t i : order) {
    auto [us, rows] = one(plan.names[i]);
    all.push_back(us);
    rows_all += rows;
    if (i >= plan.head_from) {
      hd.push_back(us);
      rows_hd += rows;
    } else {
      uni.push_back(us);
      rows_uni += rows;
    }
  }
  return {Summarise(label, all, rows_all), Summarise(label + " (uniform)", uni, rows_uni),
          Summarise(label + " (Zipf head)", hd, rows_hd)};
}

struct LagSample {
  double t;  // seconds since the import started
  uint64_t head, lag_actors, lag_topics;
};

struct LiveResult {
  double import_s = 0, import_eps = 0, import_cpu = 0;
  double catchup_s = 0;   // last append -> WaitFor(Head()) returned
  double sync_s = 0;
  uint64_t max_lag = 0;   // over both projections, while importing
  uint64_t lag_at_end = 0;  // when the last append returned
  double max_lag_t = 0;
  double applied_eps = 0;  // N / (import + catch-up)
  std::vector<LagSample> samples;
};

struct RebuildResult {
  std::string what;
  double seconds = 0, eps = 0, cpu = 0;
};

// Baselines for the rebuild: how fast the log can be scanned, and what the
// built-in projection's Apply costs when its writes go nowhere.
class CountingWriter final : public annals::ProjectionWriter {
 public:
  explicit CountingWriter(annals::Engine& engine) : engine_(engine) {}
  void Put(std::string_view key, std::string_view value) override {
    ++puts;
    bytes += key.size() + value.size();
  }
  void Delete(std::string_view key) override {
    ++deletes;
    bytes += key.size();
  }
  void Add(std::string_view key, int64_t) override {
    ++adds;
    bytes += key.size() + 8;
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view) override {
    ++gets;
    return std::nullopt;
  }
  absl::StatusOr<annals::Event> GetEvent(uint64_t seq) override { return engine_.Get(seq); }
  uint64_t puts = 0, deletes = 0, adds = 0, gets = 0, bytes = 0;

 private:
  annals::Engine& engine_;
};

struct Baseline {
  std::string what;
  double seconds = 0, eps = 0;
  double writes_per_event = 0, bytes_per_event = 0;
};

Baseline ScanBaseline(annals::Engine& engine, const annals::Projection* p, uint64_t n) {
  Baseline b;
  b.what = p == nullptr ? "log scan (NewIterator + decode)"
                        : "log scan + " + p->name() + " Apply, writes discarded";
  CountingWriter w(engine);
  uint64_t events = 0, check = 0;
  auto t = Clock::now();
  for (auto it = engine.NewIterator(1); it->Valid(); it->Next()) {
    const annals::Event& e = it->event();
    check += e.statement.content.size();
    if (p != nullptr) Check(p->Apply(e, w), "Apply");
    ++events;
  }
  b.seconds = Seconds(Clock::now() - t);
  if (events != n || check == 0) Die("scan saw " + std::to_string(events) + " events");
  b.eps = events / b.seconds;
  b.writes_per_event = double(w.puts + w.deletes + w.adds) / events;
  b.bytes_per_event = double(w.bytes) / events;
  return b;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  size_t i = s.find_first_not_of(" \t");
  return i == std::string::npos ? "" : s.substr(i);
}

std::string CpuModel() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return Trim(line.substr(line.find(':') + 1));
  return "unknown";
}

std::string MemTotal() {
  std::ifstream f("/proc/meminfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("MemTotal:", 0) == 0) {
      double kb = std::strtod(line.c_str() + 9, nullptr);
      char b[32];
      std::snprintf(b, sizeof b, "%.0f GiB", kb / 1048576.0);
      return b;
    }
  return "unknown";
}

std::string Fmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Fmt(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string Thousands(double v) {
  std::string s = Fmt("%.0f", v);
  std::string out;
  int n = 0;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    if (n && n % 3 == 0 && *it != '-') out.push_back(',');
    out.push_back(*it);
    ++n;
  }
  return std::string(out.rbegin(), out.rend());
}

std::string RocksProp(annals::Engine& engine, const char* prop) {
  annals::internal::EngineServices* services = annals::internal::ServicesOf(engine);
  annals::internal::LogStore* store = services != nullptr ? services->log_store() : nullptr;
  if (store == nullptr) return "?";
  return store->Property("proj", prop).value_or("?");
}

uint64_t DirBytes(const fs::path& p) {
  uint64_t n = 0;
  std::error_code ec;
  for (auto& e : fs::recursive_directory_iterator(p, ec))
    if (e.is_regular_file(ec)) n += e.file_size(ec);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n_events = 1000000;
  size_t n_queries = 2000;
  uint64_t seed = 0x616e6e616c73ull;  // "annals"
  std::string base_dir = fs::temp_directory_path().string();
  std::string report = std::string(ANNALS_SOURCE_DIR) + "/bench/PROJECTIONS.md";
  bool keep = false;
  std::string store_arg;
  std::string phases = "query,rebuild";
  uint64_t block_cache_mb = 0;  // 0: the engine's default
  int helper_threads = -1;      // -1: the engine's default
  std::optional<uint64_t> max_live_lag, live_batch;  // unset: the engine's
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> std::optional<std::string> {
      std::string f = flag;
      if (a == f) {
        if (i + 1 >= argc) Die(f + " needs a value");
        return std::string(argv[++i]);
      }
      if (a.rfind(f + "=", 0) == 0) return a.substr(f.size() + 1);
      return std::nullopt;
    };
    if (auto v = value("--events")) n_events = std::strtoull(v->c_str(), nullptr, 10);
    else if (auto v2 = value("--dir")) base_dir = *v2;
    else if (auto v3 = value("--queries")) n_queries = std::strtoull(v3->c_str(), nullptr, 10);
    else if (auto v4 = value("--seed")) seed = std::strtoull(v4->c_str(), nullptr, 0);
    else if (auto v5 = value("--report")) report = *v5;
    else if (auto v6 = value("--store")) store_arg = *v6;
    else if (auto v7 = value("--phases")) phases = *v7;
    else if (auto v8 = value("--block-cache-mb")) block_cache_mb = std::strtoull(v8->c_str(), nullptr, 10);
    else if (auto v9 = value("--helper-threads")) helper_threads = std::atoi(v9->c_str());
    else if (auto v10 = value("--max-live-lag")) max_live_lag = std::strtoull(v10->c_str(), nullptr, 10);
    else if (auto v11 = value("--live-batch")) live_batch = std::strtoull(v11->c_str(), nullptr, 10);
    else if (a == "--keep") keep = true;
    else if (a == "--help" || a == "-h") {
      std::printf("usage: %s [--events N] [--dir PATH] [--queries Q] [--seed S] "
                  "[--report PATH|''] [--keep] [--store PATH] [--phases LIST] "
                  "[--block-cache-mb M] [--helper-threads T] [--max-live-lag N] "
                  "[--live-batch N]\n", argv[0]);
      return 0;
    } else {
      Die("unknown argument " + a);
    }
  }
  if (n_events < kBatch) Die("--events must be at least 1000");
  n_queries = std::max<size_t>(n_queries, 10);

  const bool do_query = phases.find("query") != std::string::npos;
  const bool do_rebuild = phases.find("rebuild") != std::string::npos;
  // --store: a store of its own path, kept, and reused when it already holds
  // the log (then the import is skipped): for profiling one phase.
  const fs::path store = !store_arg.empty()
                             ? fs::path(store_arg)
                             : fs::path(base_dir) / ("annals-projection-bench-" +
                                                     std::to_string(::getpid()));
  if (store_arg.empty()) fs::remove_all(store);
  else keep = true;
  std::printf("annals projection bench: %zu events, store %s\n", n_events, store.c_str());
  std::fflush(stdout);

  // --- corpus -------------------------------------------------------------
  auto t0 = Clock::now();
  Corpus corpus = MakeCorpus(n_events, seed);
  size_t actors_present = std::count_if(corpus.actor_uses.begin(), corpus.actor_uses.end(),
                                        [](uint32_t u) { return u > 0; });
  size_t topics_present = std::count_if(corpus.topic_uses.begin(), corpus.topic_uses.end(),
                                        [](uint32_t u) { return u > 0; });
  uint64_t actor_entries = std::accumulate(corpus.actor_uses.begin(), corpus.actor_uses.end(), 0ull);
  uint64_t topic_entries = std::accumulate(corpus.topic_uses.begin(), corpus.topic_uses.end(), 0ull);
  std::printf("corpus: %.1f s; %zu/%zu actors and %zu/%zu topics occur; %.2f actors "
              "and %.2f topics per statement; busiest actor in %u statements; mean "
              "content %.0f B\n",
              Seconds(Clock::now() - t0), actors_present, corpus.actors.size(),
              topics_present, corpus.topics.size(), double(actor_entries) / n_events,
              double(topic_entries) / n_events, corpus.actor_uses[0],
              double(corpus.bytes) / n_events);
  std::fflush(stdout);

  annals::Options options;
  options.sync_appends = false;
  if (block_cache_mb) options.block_cache_bytes = block_cache_mb << 20;
  if (helper_threads >= 0) options.helper_threads = static_cast<uint32_t>(helper_threads);
  if (max_live_lag) options.max_live_lag = *max_live_lag;
  if (live_batch) options.live_bulk_min_lag = options.live_bulk_batch_events = *live_batch;
  auto opened = annals::Engine::Open(store.string(), options);
  if (!opened.ok()) Die("Open: " + opened.status().ToString());
  std::unique_ptr<annals::Engine> engine = *std::move(opened);

  // --- 1. live catch-up ---------------------------------------------------
  LiveResult live;
  const bool do_live = engine->Head() == 0;
  if (!do_live && engine->Head() != n_events)
    Die("the store holds " + std::to_string(engine->Head()) + " events, not " +
        std::to_string(n_events));
  if (!do_live) {
    std::printf("\n[live] skipped: reusing a store of %zu events\n", n_events);
    Check(engine->WaitFor(engine->Head(), absl::Hours(2)), "WaitFor(Head())");
  } else {
    std::atomic<bool> done{false};
    std::mutex mu;
    const auto start = Clock::now();
    std::thread sampler([&] {
      while (!done.load()) {
        LagSample s{Seconds(Clock::now() - start), 0, 0, 0};
        for (const auto& p : engine->Projections()) {
          s.head = p.head;
          if (p.name == "actors") s.lag_actors = p.lag;
          if (p.name == "topics") s.lag_topics = p.lag;
        }
        {
          std::lock_guard<std::mutex> l(mu);
          live.samples.push_back(s);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    annals::AppendOptions ao;
    ao.durability = annals::AppendOptions::Durability::kBulk;
    const double cpu0 = CpuSeconds();
    for (size_t b = 0; b < n_events / kBatch + (n_events % kBatch ? 1 : 0); ++b) {
      size_t from = b * kBatch, len = std::min(kBatch, n_events - from);
      auto r = engine->Append(std::span<const Statement>(&corpus.statements[from], len), ao);
      if (!r.ok()) Die("Append: " + r.status().ToString());
      for (const auto& x : *r)
        if (x.duplicate) Die("corpus holds a duplicate statement");
    }
    const auto import_end = Clock::now();
    live.import_cpu = CpuSeconds() - cpu0;
    const uint64_t head = engine->Head();
    for (const auto& p : engine->Projections()) live.lag_at_end = std::max(live.lag_at_end, p.lag);
    Check(engine->WaitFor(head, absl::Hours(2)), "WaitFor(Head())");
    const auto caught_up = Clock::now();
    done.store(true);
    sampler.join();
    auto s0 = Clock::now();
    Check(engine->Sync(), "Sync");
    live.sync_s = Seconds(Clock::now() - s0);
    if (head != n_events) Die("head is " + std::to_string(head));
    live.import_s = Seconds(import_end - start);
    live.import_eps = n_events / live.import_s;
    live.catchup_s = Seconds(caught_up - import_end);
    live.applied_eps = n_events / Seconds(caught_up - start);
    const double import_t = live.import_s;
    for (const auto& s : live.samples)
      if (s.t <= import_t) {
        uint64_t lag = std::max(s.lag_actors, s.lag_topics);
        if (lag > live.max_lag) {
          live.max_lag = lag;
          live.max_lag_t = s.t;
        }
      }
    live.max_lag = std::max(live.max_lag, live.lag_at_end);
  }
  if (do_live) {
  std::printf("\n[live] import %.2f s = %s events/s (process CPU %.1f s); lag at end "
              "%s, max lag %s (at %.1f s); caught up %.3f s after the last append; "
              "Sync %.3f s\n",
              live.import_s, Thousands(live.import_eps).c_str(), live.import_cpu,
              Thousands(live.lag_at_end).c_str(), Thousands(live.max_lag).c_str(),
              live.max_lag_t, live.catchup_s, live.sync_s);
  {
    std::printf("[live] lag over time (t s: head / actors lag / topics lag):\n");
    double next = 0;
    for (const auto& s : live.samples)
      if (s.t >= next) {
        std::printf("   %6.1f: %9llu / %9llu / %9llu\n", s.t, (unsigned long long)s.head,
                    (unsigned long long)s.lag_actors, (unsigned long long)s.lag_topics);
        next = s.t + std::max(1.0, live.import_s / 20);
      }
  }
  }
  std::printf("[live] proj family: %s L0 files, %s bytes live (estimate), store %.0f MiB\n",
              RocksProp(*engine, "rocksdb.num-files-at-level0").c_str(),
              RocksProp(*engine, "rocksdb.estimate-live-data-size").c_str(),
              DirBytes(store) / 1048576.0);
  std::fflush(stdout);

  // --- 2. queries on the live-built projections ---------------------------
  Rng qrng(seed ^ 0x71756572ull);
  QueryPlan actor_plan = PlanQueries(corpus.actors, corpus.actor_uses, n_queries, qrng);
  QueryPlan topic_plan = PlanQueries(corpus.topics, corpus.topic_uses, n_queries, qrng);
  const uint64_t half = engine->Head() / 2;
  const size_t warmup = std::min<size_t>(200, n_queries / 10);
  auto query_round = [&](const char* when) {
    std::vector<QueryResult> out;
    out.push_back(RunQueries(*engine, annals::TimelineKind::kActor, actor_plan,
                             std::nullopt, std::string("actor, head"), warmup));
    out.push_back(RunQueries(*engine, annals::TimelineKind::kTopic, topic_plan,
                             std::nullopt, std::string("topic, head"), warmup));
    out.push_back(RunQueries(*engine, annals::TimelineKind::kActor, actor_plan, half,
                             std::string("actor, as_of head/2"), warmup));
    out.push_back(RunQueries(*engine, annals::TimelineKind::kTopic, topic_plan, half,
                             std::string("topic, as_of head/2"), warmup));
    std::printf("\n[query, %s] first page of %zu, %zu queries each (after %zu untimed), us\n",
                when, kPageLimit, n_queries, warmup);
    std::printf("  %-36s %8s %8s %8s %8s %8s %6s\n", "", "p50", "p90", "p99", "max",
                "mean", "rows");
    for (const auto& r : out)
      for (const Latency* l : {&r.all, &r.uniform, &r.head})
        std::printf("  %-36s %8.0f %8.0f %8.0f %8.0f %8.0f %6.1f\n", l->label.c_str(),
                    l->p50, l->p90, l->p99, l->max, l->mean, l->mean_rows);
    std::fflush(stdout);
    return out;
  };
  std::vector<QueryResult> q_live;
  if (do_query) q_live = query_round("live-built projections");

  // --- 3. rebuilds ---------------------------------------------------------
  std::vector<RebuildResult> rebuilds;
  auto rebuild = [&](std::vector<std::string> names) {
    RebuildResult r;
    for (const auto& n : names) r.what += (r.what.empty() ? "" : " + ") + n;
    const double cpu0 = CpuSeconds();
    auto t = Clock::now();
    for (const auto& n : names) Check(engine->Rebuild(n), "Rebuild(" + n + ")");
    for (const auto& n : names)
      Check(engine->WaitForRebuild(n, absl::Hours(2)), "WaitForRebuild(" + n + ")");
    r.seconds = Seconds(Clock::now() - t);
    r.cpu = CpuSeconds() - cpu0;
    r.eps = n_events / r.seconds;
    std::printf("[rebuild] %-16s %7.2f s  %s events/s  (process CPU %.1f s)\n",
                r.what.c_str(), r.seconds, Thousands(r.eps).c_str(), r.cpu);
    std::fflush(stdout);
    rebuilds.push_back(r);
  };
  std::vector<Baseline> baselines;
  if (do_rebuild) {
  std::printf("\n");
  const std::shared_ptr<const annals::Projection> actors_tl = annals::internal::NewActorTimeline(),
                                                  topics_tl = annals::internal::NewTopicTimeline();
  for (const annals::Projection* p : {static_cast<const annals::Projection*>(nullptr),
                                      actors_tl.get(), topics_tl.get()}) {
    baselines.push_back(ScanBaseline(*engine, p, n_events));
    const Baseline& b = baselines.back();
    std::printf("[baseline] %-48s %6.2f s  %s events/s", b.what.c_str(), b.seconds,
                Thousands(b.eps).c_str());
    if (p) std::printf("  (%.2f writes, %.0f B per event)", b.writes_per_event, b.bytes_per_event);
    std::printf("\n");
    std::fflush(stdout);
  }
  rebuild({"actors"});
  rebuild({"topics"});
  rebuild({"actors", "topics"});
  for (const auto& p : engine->Projections())
    if (p.lag != 0 || p.state != annals::ProjectionState::kLive)
      Die("projection " + p.name + " not live after the rebuilds");
  std::printf("[rebuild] proj family: %s L0 files, %s bytes live (estimate), store %.0f MiB\n",
              RocksProp(*engine, "rocksdb.num-files-at-level0").c_str(),
              RocksProp(*engine, "rocksdb.estimate-live-data-size").c_str(),
              DirBytes(store) / 1048576.0);

  }

  // --- 4. queries on the rebuilt projections -------------------------------
  std::vector<QueryResult> q_rebuilt;
  if (do_query && do_rebuild) q_rebuilt = query_round("rebuilt projections");

  engine.reset();
  const uint64_t store_bytes = DirBytes(store);
  if (!keep) fs::remove_all(store);

  // --- summary ---------------------------------------------------------------
  auto ratio = [](double got, double target, bool higher_better) {
    return higher_better ? got / target : target / got;
  };
  struct Row {
    std::string what, target, got;
    double ratio;
  };
  std::vector<Row> rows;
  if (do_rebuild) {
    const RebuildResult& ra = rebuilds[0];
    const RebuildResult& rt = rebuilds[1];
    rows.push_back({"Rebuild \"actors\"", ">= 500,000 events/s",
                    Thousands(ra.eps) + " events/s", ratio(ra.eps, kTargetRebuildEps, true)});
    rows.push_back({"Rebuild \"topics\"", ">= 500,000 events/s",
                    Thousands(rt.eps) + " events/s", ratio(rt.eps, kTargetRebuildEps, true)});
  }
  if (do_live)
    rows.push_back({"Live lag back to 0 after import", "<= 1 s",
                    Fmt("%.3f s", live.catchup_s),
                    ratio(std::max(live.catchup_s, 1e-3), kTargetCatchUpS, false)});
  if (do_query) {
    const Latency& pa = q_live[0].all;
    const Latency& pt = q_live[1].all;
    rows.push_back({"Actor page p50 (head)", "<= 200 us", Fmt("%.0f us", pa.p50),
                    ratio(pa.p50, kTargetP50Us, false)});
    rows.push_back({"Topic page p50 (head)", "<= 200 us", Fmt("%.0f us", pt.p50),
                    ratio(pt.p50, kTargetP50Us, false)});
  }
  std::printf("\n%-34s %-22s %-22s %s\n", "target", "wanted", "measured", "ratio");
  for (const auto& r : rows)
    std::printf("%-34s %-22s %-22s %.2fx %s\n", r.what.c_str(), r.target.c_str(),
                r.got.c_str(), r.ratio, r.ratio >= 1 ? "met" : "MISSED");

  if (report.empty()) return 0;
  if (!do_live || !do_query || !do_rebuild) {
    std::printf("\nno report: it needs every phase (import, query, rebuild)\n");
    return 0;
  }
  for (Row& r : rows) {  // the report may use the real sign
    for (std::string* f : {&r.target, &r.got})
      if (size_t at = f->find(" us"); at != std::string::npos) f->replace(at, 3, " µs");
    if (r.target.rfind(">= ", 0) == 0) r.target.replace(0, 3, "≥ ");
    if (r.target.rfind("<= ", 0) == 0) r.target.replace(0, 3, "≤ ");
  }

  // --- report ------------------------------------------------------------------
  std::ostringstream md;
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  utsname un{};
  uname(&un);
  md << "<!-- BEGIN GENERATED -->\n";
  md << "<!-- Written by annals_projection_bench; rerun it to refresh. Text outside "
        "these markers is kept. -->\n\n";
  md << "## Figures\n\n";
  md << "- Date: " << date << "\n";
  md << "- Machine: " << CpuModel() << ", " << std::thread::hardware_concurrency()
     << " cores, " << MemTotal() << " RAM; " << un.sysname << " " << un.release << "\n";
  md << "- Build: " << "GCC " << __VERSION__ << ", RocksDB " << ROCKSDB_MAJOR << "."
     << ROCKSDB_MINOR << "." << ROCKSDB_PATCH << "; store on " << base_dir << "\n";
  md << "- Command: `annals_projection_bench --events " << n_events << " --queries "
     << n_queries << (block_cache_mb ? Fmt(" --block-cache-mb %llu", (unsigned long long)block_cache_mb) : std::string())
     << (max_live_lag ? Fmt(" --max-live-lag %llu", (unsigned long long)*max_live_lag) : std::string())
     << (live_batch ? Fmt(" --live-batch %llu", (unsigned long long)*live_batch) : std::string())
     << "`; engine Options at their defaults except `sync_appends=false`"
     << (block_cache_mb ? " and `block_cache_bytes`" : "")
     << (max_live_lag || live_batch ? " and the live batching flags above" : "") << "\n";
  md << "- Log: " << Thousands(n_events) << " statements, " << actors_present
     << " actors and " << topics_present << " topics occurring (Zipf s=1 over "
     << kActors << " / " << kTopics << "), "
     << Fmt("%.2f actors and %.2f topics per statement, mean content %.0f B; "
            "store %.0f MiB at the end.\n",
            double(actor_entries) / n_events, double(topic_entries) / n_events,
            double(corpus.bytes) / n_events, store_bytes / 1048576.0);
  md << "\n### Against the targets\n\n";
  md << "| Target | Wanted | Measured | Ratio (≥ 1 = met) |\n|---|---|---|---|\n";
  for (const auto& r : rows)
    md << "| " << r.what << " | " << r.target << " | " << r.got << " | "
       << Fmt("%.2f", r.ratio) << (r.ratio >= 1 ? " met" : " **missed**") << " |\n";
  md << "\n### Live projections during a bulk import\n\n";
  md << "Append of 1000 statements per call, durability kBulk, `sync_appends=false`, "
        "\"actors\" and \"topics\" following live; `Projections()` sampled every "
        "50 ms.\n\n";
  md << "| Import | Import throughput | Max lag during import | Lag when the last "
        "append returned | Last append → lag 0 | Events applied / s (whole run) |\n";
  md << "|---|---|---|---|---|---|\n";
  md << Fmt("| %.2f s | %s events/s | %s events | %s events | %.3f s | %s |\n",
            live.import_s, Thousands(live.import_eps).c_str(),
            Thousands(live.max_lag).c_str(), Thousands(live.lag_at_end).c_str(),
            live.catchup_s, Thousands(live.applied_eps).c_str());
  md << "\nLag over the import (seconds: head / actors lag / topics lag): ";
  {
    double next = 0;
    std::string sep;
    for (const auto& s : live.samples)
      if (s.t >= next) {
        md << sep
           << Fmt("%.0f s: %s / %s / %s", s.t, Thousands(s.head).c_str(),
                  Thousands(s.lag_actors).c_str(), Thousands(s.lag_topics).c_str());
        sep = "; ";
        next = s.t + std::max(1.0, live.import_s / 10);
      }
  }
  md << ".\n";
  md << "\n### Rebuilds\n\n";
  md << "`Rebuild(name)` then `WaitForRebuild(name)`, no appends meanwhile. "
        "Process CPU includes RocksDB's flushes and compactions.\n\n";
  md << "| Rebuild | Time | Events/s | Process CPU |\n|---|---|---|---|\n";
  for (const auto& r : rebuilds)
    md << Fmt("| %s | %.2f s | %s | %.1f s |\n", r.what.c_str(), r.seconds,
              Thousands(r.eps).c_str(), r.cpu);
  md << "\nThe \"actors + topics\" row runs both rebuilds at once; its events/s "
        "counts the log once.\n";
  md << "\nBaselines, single thread, same log: how fast the log itself can be read, "
        "and what the built-in projections' `Apply` costs when its writes are only "
        "counted (no RocksDB write).\n\n";
  md << "| Baseline | Time | Events/s | Writes per event | Key+value bytes per event |\n"
        "|---|---|---|---|---|\n";
  for (const auto& b : baselines)
    md << Fmt("| %s | %.2f s | %s | %s | %s |\n", b.what.c_str(), b.seconds,
              Thousands(b.eps).c_str(),
              b.writes_per_event ? Fmt("%.2f", b.writes_per_event).c_str() : "–",
              b.bytes_per_event ? Fmt("%.0f", b.bytes_per_event).c_str() : "–");
  auto qtable = [&](const std::vector<QueryResult>& res, const char* title) {
    md << "\n### " << title << "\n\n";
    md << "First page (limit " << kPageLimit << ", `wait=true`), " << n_queries
       << " queries per row after " << warmup
       << " untimed ones; names 90% uniform over those occurring in the log, 10% "
          "drawn by the log's Zipf weights (\"head\"). Single thread, no appends "
          "meanwhile. Microseconds.\n\n";
    md << "| Query | p50 | p90 | p99 | max | mean | rows/page |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : res)
      for (const Latency* l : {&r.all, &r.uniform, &r.head})
        md << Fmt("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f |\n", l->label.c_str(),
                  l->p50, l->p90, l->p99, l->max, l->mean, l->mean_rows);
  };
  qtable(q_live, "Timeline queries (projections built live during the import)");
  qtable(q_rebuilt, "Timeline queries (after the rebuilds)");
  md << "<!-- END GENERATED -->\n";

  std::string text = ReadFile(report);
  const std::string begin = "<!-- BEGIN GENERATED -->", end = "<!-- END GENERATED -->\n";
  size_t b = text.find(begin), e = text.find(end);
  if (b != std::string::npos && e != std::string::npos && e > b) {
    text = text.substr(0, b) + md.str() + text.substr(e + end.size());
  } else {
    text = "# Projection and timeline benchmark\n\n"
           "Produced by `bench/projection_bench.cc` (`annals_projection_bench`).\n\n" +
           md.str() + (text.empty() ? "" : "\n" + text);
  }
  std::ofstream out(report, std::ios::trunc);
  out << text;
  if (!out) Die("cannot write " + report);
  std::printf("\nwrote %s\n", report.c_str());
  return 0;
}
