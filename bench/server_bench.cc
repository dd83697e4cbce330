// Server benchmark (issue 20): `annals serve` against the in-process engine,
// on the generated corpus (corpus.h), SQL-free. Each measure beside the
// baseline it is judged against, taken in the same run:
//   1. in-process: Engine::Append of N statements in batches of 1,000
//      (durability kBulk, as an import and as the server's default acks),
//      then WaitForProjection("actors"/"topics", head): the import rate
//      until queryable, and the plain append rate;
//   5. (on that store) first timeline pages (limit 100) of a fixed query set
//      in-process; the engine is closed, `annals serve --http 127.0.0.1:0`
//      opens the same store, and the same pages over RPC (Client::Timeline)
//      and over HTTP (GET /v1/timeline, keep-alive): p50/p99 and the
//      difference to in-process;
//   2. the server on a fresh store, 1 then 4 clients (own connection and
//      thread each, disjoint statements), batches of 1,000, until queryable
//      (Client::WaitForProjection): rate and ratio to (1);
//   3. 16 clients appending one statement per call (group commit,
//      write-ahead-log acks), then the same against `serve --sync`;
//   4. subscription latency: a subscriber on its own connection from
//      head + 1; appender threads on one other connection send appends of
//      --sub-batch statements on an absolute schedule, --sub-rate events/s
//      in all; latency = each event's arrival at the subscriber minus its
//      append's ack;
//   6. floors (server_bench_floors.h): the statements of (3) appended
//      in-process in groups of 16, the most one group of (3) holds; then,
//      through a server, one client's p50 of a call answered on the loop
//      (Head) and of one answered on the read pool (FindById of an unknown
//      id), and 16 clients calling Head back to back.
// Prints a Markdown section and appends it to bench/SERVER.md.
//
// Usage:
//   annals_server_bench [--events N] [--dir PATH] [--report PATH | --report '']
//       [--annals-cli P] [--queries Q] [--singles-per-client K]
//       [--sub-seconds S] [--sub-rate R] [--sub-appenders A] [--sub-batch B]
//       [--phases LIST] [--seed S]
//     --events N   statements of (1), (2) and the page store (default 200000)
//     --dir PATH   where the stores go (default $TMPDIR or /tmp); a fresh
//                  subdirectory, removed at the end
//     --report P   Markdown file the section is appended to (default
//                  <source>/bench/SERVER.md; '' = print only)
//     --annals-cli P   the CLI that serves (default tools/annals beside bench/)
//     --queries Q  page queries per kind, actors and topics (default 500)
//     --singles-per-client K  single-statement appends per client in (3)
//                  (default 10000; 16 clients)
//     --sub-seconds S, --sub-rate R  length and pace of (4) (10 s, 10000/s)
//     --sub-appenders A  threads sharing the schedule of (4) (default 4:
//                  one blocking thread cannot keep 10,000 round trips/s)
//     --sub-batch B  statements per paced append in (4) (default 4: four
//                  blocking threads reach about 7,000 single-statement
//                  round trips/s on 2 vCPUs, short of 10,000 events/s;
//                  see the floors of (6))
//     --sub-trace P  write (4)'s ack and arrival times per event to P
//     --phases LIST  of import (1 and 5), batched, singles, subscribe, floors
//                  (default all); a partial run prints its figures, judges
//                  nothing and writes no report
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/engine.h"
#include "annals/options.h"
#include "annals/timeline.h"
#include "corpus.h"
#include "server_bench_floors.h"
#include "server_bench_pages.h"
#include "server_bench_support.h"

namespace fs = std::filesystem;
using namespace annals_bench;  // NOLINT

namespace {

constexpr size_t kBatch = 1000;
constexpr size_t kSingleClients = 16;
constexpr absl::Duration kWait = absl::Minutes(10);

struct Config {
  size_t n = 200000;
  size_t queries = 500;
  size_t singles_per_client = 10000;
  double sub_seconds = 10, sub_rate = 10000;
  size_t sub_appenders = 4;
  size_t sub_batch = 4;              // statements per paced append
  std::string phases = "all";
  std::string sub_trace;             // file for (4)'s per-event times, "" = none
  uint64_t seed = 0x616e6e616c73ull;  // "annals", as the other benches
  std::string dir, cli, report;
};

struct Rates {
  double append = 0;     // statements/s until the last append returned
  double queryable = 0;  // until the projections had applied the head
};

struct SubFigures {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // ms
  double rate = 0;                            // achieved events/s
  size_t events = 0, before_ack = 0;
};

struct Figures {
  // In-process imports before and after the server's (the machine's load
  // drifts); the baseline is the faster, so a ratio errs against the server.
  Rates inproc, inproc_again, baseline, server1, server4;
  double singles = 0, singles_sync = 0;
  SubFigures sub;
  PageFigures pages;
  Floors floors;
};

// ---------------------------------------------------------------------------
// Stores and connections.
// ---------------------------------------------------------------------------

std::string FreshStore(const Config& c, const std::string& name) {
  fs::path p = fs::path(c.dir) / name;
  fs::remove_all(p);
  return p.string();
}

ServerProcess Serve(const Config& c, const std::string& store,
                    const std::vector<std::string>& flags = {}) {
  return StartServer(c.cli, store, store + ".log", flags);
}

std::vector<std::unique_ptr<annals::Client>> ConnectMany(const ServerProcess& s, size_t k) {
  std::vector<std::unique_ptr<annals::Client>> out;
  for (size_t i = 0; i < k; ++i) out.push_back(Value(annals::Connect(s.address), "Connect"));
  return out;
}

void CheckFresh(const std::vector<annals::AppendResult>& r, size_t want) {
  if (r.size() != want) Die("Append returned the wrong number of results");
  for (const annals::AppendResult& a : r)
    if (a.duplicate) Die("Append: a corpus statement was a duplicate");
}

// Runs body(i) on k threads released together; returns the seconds from
// their release until the last one returned.
template <typename Body>
double RunThreads(size_t k, Body body) {
  std::latch start(static_cast<std::ptrdiff_t>(k + 1));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < k; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  start.arrive_and_wait();
  auto t0 = Clock::now();
  for (std::thread& t : threads) t.join();
  return Seconds(Clock::now() - t0);
}

// ---------------------------------------------------------------------------
// 1. In-process import.
// ---------------------------------------------------------------------------

std::unique_ptr<annals::Engine> InProcessImport(const Config& c,
                                                std::span<const annals::Statement> all,
                                                Rates* out) {
  auto engine = Value(annals::Engine::Open(FreshStore(c, "inproc"), annals::Options{}), "Open");
  annals::AppendOptions bulk;
  bulk.durability = annals::AppendOptions::Durability::kBulk;
  auto t0 = Clock::now();
  for (size_t at = 0; at < all.size(); at += kBatch) {
    auto part = all.subspan(at, std::min(kBatch, all.size() - at));
    CheckFresh(Value(engine->Append(part, bulk), "Append"), part.size());
  }
  out->append = double(all.size()) / Seconds(Clock::now() - t0);
  const uint64_t head = engine->Head();
  Check(engine->WaitForProjection("actors", head, kWait), "WaitForProjection(actors)");
  Check(engine->WaitForProjection("topics", head, kWait), "WaitForProjection(topics)");
  out->queryable = double(all.size()) / Seconds(Clock::now() - t0);
  Check(engine->Sync(), "Sync");
  return engine;
}

// ---------------------------------------------------------------------------
// 2. Batched appends through the server.
// ---------------------------------------------------------------------------

Rates ServerBatched(const Config& c, std::span<const annals::Statement> all, size_t clients) {
  const std::string store = FreshStore(c, "batched" + std::to_string(clients));
  ServerProcess server = Serve(c, store);
  auto conns = ConnectMany(server, clients);
  const size_t per = (all.size() + clients - 1) / clients;
  auto t0 = Clock::now();
  double secs = RunThreads(clients, [&](size_t i) {
    auto mine = all.subspan(std::min(all.size(), i * per));
    mine = mine.first(std::min(per, mine.size()));
    for (size_t at = 0; at < mine.size(); at += kBatch) {
      auto part = mine.subspan(at, std::min(kBatch, mine.size() - at));
      CheckFresh(Value(conns[i]->Append(part), "Client::Append"), part.size());
    }
  });
  Rates r;
  r.append = double(all.size()) / secs;
  const uint64_t head = Value(conns[0]->Head(), "Client::Head");
  if (head != all.size()) Die("the server's head is not the number appended");
  Check(conns[0]->WaitForProjection("actors", head, kWait), "Client::WaitForProjection");
  Check(conns[0]->WaitForProjection("topics", head, kWait), "Client::WaitForProjection");
  r.queryable = double(all.size()) / Seconds(Clock::now() - t0);
  conns.clear();
  StopServer(server);
  fs::remove_all(store);
  return r;
}

// ---------------------------------------------------------------------------
// 3. Single-statement appends, 16 clients.
// ---------------------------------------------------------------------------

double ServerSingles(const Config& c, std::span<const annals::Statement> all, bool sync) {
  const std::string store = FreshStore(c, sync ? "singles-sync" : "singles");
  ServerProcess server = Serve(c, store, sync ? std::vector<std::string>{"--sync"}
                                              : std::vector<std::string>{});
  auto conns = ConnectMany(server, kSingleClients);
  const size_t per = c.singles_per_client;
  double secs = RunThreads(kSingleClients, [&](size_t i) {
    for (size_t k = 0; k < per; ++k) {
      auto one = all.subspan(i * per + k, 1);
      CheckFresh(Value(conns[i]->Append(one), "Client::Append"), 1);
    }
  });
  conns.clear();
  StopServer(server);
  fs::remove_all(store);
  return double(per * kSingleClients) / secs;
}

// ---------------------------------------------------------------------------
// 4. Subscription latency.
// ---------------------------------------------------------------------------

// Ack and arrival times (NowNs) by seq - from; 0 = not yet.
struct Arrivals {
  explicit Arrivals(size_t n) : ack(n), received(n) {}
  std::vector<std::atomic<int64_t>> ack, received;
  absl::Mutex mu;
  size_t count ABSL_GUARDED_BY(mu) = 0;
};

void PacedAppends(const Config& c, annals::Client& client,
                  std::span<const annals::Statement> all, uint64_t from, Arrivals& a,
                  int64_t t0) {
  const double period_ns = 1e9 / c.sub_rate;
  const size_t b = c.sub_batch, slots = (all.size() + b - 1) / b;
  RunThreads(c.sub_appenders, [&](size_t j) {
    for (size_t i = j; i < slots; i += c.sub_appenders) {
      // The absolute schedule: a late append goes at once, no drift builds.
      const int64_t due = t0 + static_cast<int64_t>(double(i * b) * period_ns);
      std::this_thread::sleep_until(Clock::time_point(std::chrono::nanoseconds(due)));
      auto part = all.subspan(i * b, std::min(b, all.size() - i * b));
      auto r = Value(client.Append(part), "Client::Append");
      const int64_t now = NowNs();
      CheckFresh(r, part.size());
      for (const annals::AppendResult& x : r) {
        if (x.seq < from || x.seq - from >= all.size()) Die("Append: seq out of range");
        a.ack[x.seq - from].store(now, std::memory_order_relaxed);
      }
    }
  });
}

SubFigures Latencies(Arrivals& a, int64_t t0) {
  SubFigures f;
  std::vector<double> ms;
  int64_t last_ack = t0;
  for (size_t i = 0; i < a.ack.size(); ++i) {
    const int64_t ack = a.ack[i].load(), got = a.received[i].load();
    if (ack == 0 || got == 0) Die("subscription: an event without ack or arrival");
    last_ack = std::max(last_ack, ack);
    if (got < ack) ++f.before_ack;
    ms.push_back(double(std::max<int64_t>(got - ack, 0)) / 1e6);
  }
  f.events = ms.size();
  f.rate = double(f.events) / (double(last_ack - t0) / 1e9);
  f.p50 = Percentile(ms, 0.50);
  f.p90 = Percentile(ms, 0.90);
  f.p99 = Percentile(ms, 0.99);
  f.max = ms.back();
  return f;
}

// One line per event: its seq offset, ack and arrival in ms since t0.
void WriteTrace(const std::string& path, Arrivals& a, int64_t t0) {
  std::ofstream out(path);
  for (size_t i = 0; i < a.ack.size(); ++i)
    out << i << ' ' << double(a.ack[i].load() - t0) / 1e6 << ' '
        << double(a.received[i].load() - t0) / 1e6 << '\n';
  out.close();
  if (!out) Die("writing " + path);
}

// Waits (at most a minute) until `want` events have arrived.
void WaitForArrivals(Arrivals& a, size_t want) {
  std::pair<Arrivals*, size_t> arg(&a, want);
  absl::Condition all_in(
      +[](std::pair<Arrivals*, size_t>* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return p->first->count >= p->second;
      },
      &arg);
  absl::MutexLock lock(&a.mu);
  if (!a.mu.AwaitWithTimeout(all_in, absl::Minutes(1)))
    Die("subscription: not every event arrived within a minute");
}

SubFigures SubscriptionLatency(const Config& c, std::span<const annals::Statement> all) {
  const std::string store = FreshStore(c, "subscribe");
  ServerProcess server = Serve(c, store);
  auto conns = ConnectMany(server, 2);  // [0] appends, [1] subscribes
  const uint64_t from = Value(conns[1]->Head(), "Client::Head") + 1;
  Arrivals a(all.size());
  auto sub = Value(conns[1]->Subscribe(from, {},
                                       [&a, from](const annals::Event& e) {
                                         const int64_t now = NowNs();
                                         if (e.seq < from || e.seq - from >= a.received.size())
                                           Die("subscription: unexpected seq");
                                         a.received[e.seq - from].store(now);
                                         absl::MutexLock lock(&a.mu);
                                         ++a.count;
                                       }),
                   "Client::Subscribe");
  const int64_t t0 = NowNs() + 50'000'000;  // 50 ms to start the threads
  PacedAppends(c, *conns[0], all, from, a, t0);
  WaitForArrivals(a, all.size());
  sub.reset();
  conns.clear();
  StopServer(server);
  fs::remove_all(store);
  if (!c.sub_trace.empty()) WriteTrace(c.sub_trace, a, t0);
  return Latencies(a, t0);
}

// ---------------------------------------------------------------------------
// 1 and 5: the in-process import, its pages, then the same pages served.
// ---------------------------------------------------------------------------

// The store opened in-process again, its pages timed (checked
// against `rows`).
PageTimes PagesReopened(const std::string& store,
                        const std::vector<PageQuery>& qs, std::vector<size_t>& rows) {
  auto engine = Value(annals::Engine::Open(store, annals::Options{}), "Open");
  return InProcessPages(*engine, qs, rows);
}

void ImportAndPages(const Config& c, const Corpus& corpus, Figures* f) {
  std::span<const annals::Statement> all(corpus.statements.data(), c.n);
  const std::vector<PageQuery> qs = PlanQueries(corpus, c.queries, c.seed);
  std::vector<size_t> rows;
  {
    auto engine = InProcessImport(c, all, &f->inproc);
    f->pages.inproc_first = InProcessPages(*engine, qs, rows);
  }  // closed: the server is the store's one writer
  const std::string store = (fs::path(c.dir) / "inproc").string();
  ServerProcess server = Serve(c, store, {"--http", "127.0.0.1:0"});
  {
    auto client = Value(annals::Connect(server.address), "Connect");
    f->pages.rpc = RpcPages(*client, qs, rows);
  }
  f->pages.http = HttpPages(server.http, qs, rows);
  StopServer(server);
  f->pages.inproc_again = PagesReopened(store, qs, rows);
  f->pages.inproc.p50 = std::min(f->pages.inproc_first.p50, f->pages.inproc_again.p50);
  f->pages.inproc.p99 = std::min(f->pages.inproc_first.p99, f->pages.inproc_again.p99);
  fs::remove_all(store);
  double total = 0;
  for (size_t r : rows) total += double(r);
  f->pages.rows_per_page = total / double(rows.size());
  f->pages.queries = qs.size();
}

bool Runs(const Config& c, const std::string& phase) {
  return c.phases == "all" || ("," + c.phases + ",").find("," + phase + ",") != std::string::npos;
}

void Say(const char* fmt, double a = 0, double b = 0, double c = 0, double d = 0) {
  std::printf(fmt, a, b, c, d);
  std::fflush(stdout);
}

Figures RunAll(const Config& c, const Corpus& corpus) {
  Figures f;
  std::span<const annals::Statement> all(corpus.statements);
  if (Runs(c, "import")) {
    ImportAndPages(c, corpus, &f);
    Say("1. in-process: %.0f stmt/s until queryable, %.0f appending\n", f.inproc.queryable,
        f.inproc.append);
    Say("5. pages p50/p99 us: in-process %.0f/%.0f, reopened %.0f/%.0f",
        f.pages.inproc_first.p50, f.pages.inproc_first.p99, f.pages.inproc_again.p50,
        f.pages.inproc_again.p99);
    Say(", RPC %.0f/%.0f", f.pages.rpc.p50, f.pages.rpc.p99);
    Say(", HTTP %.0f/%.0f\n", f.pages.http.p50, f.pages.http.p99);
  }
  if (Runs(c, "batched")) {
    f.server1 = ServerBatched(c, all.first(c.n), 1);
    f.server4 = ServerBatched(c, all.first(c.n), 4);
    InProcessImport(c, all.first(c.n), &f.inproc_again).reset();
    fs::remove_all(fs::path(c.dir) / "inproc");
    f.baseline = f.inproc.queryable >= f.inproc_again.queryable ? f.inproc : f.inproc_again;
    Say("2. server batched, until queryable: 1 client %.0f stmt/s, 4 clients %.0f; "
        "in-process again %.0f\n",
        f.server1.queryable, f.server4.queryable, f.inproc_again.queryable);
  }
  if (Runs(c, "singles")) {
    f.singles = ServerSingles(c, all, false);
    f.singles_sync = ServerSingles(c, all, true);
    Say("3. 16 clients, single appends: %.0f stmt/s, --sync %.0f\n", f.singles,
        f.singles_sync);
  }
  if (Runs(c, "floors")) {
    f.floors = MeasureFloors(c.cli, c.dir, all.first(kSingleClients * c.singles_per_client));
    const Floors& x = f.floors;
    Say("6. floors: in-process groups of 16 %.0f stmt/s appending, %.0f until queryable; ",
        x.group16_append, x.group16_queryable);
    Say("RPC p50 %.0f us on the loop, %.0f us on the read pool; 16 clients %.0f calls/s\n",
        x.loop_call_p50, x.pool_call_p50, x.loop_calls_16);
  }
  if (Runs(c, "subscribe")) {
    const size_t sub_n = static_cast<size_t>(c.sub_seconds * c.sub_rate);
    f.sub = SubscriptionLatency(c, all.first(sub_n));
    Say("4. subscription ms: p50 %.3f p99 %.3f max %.1f at %.0f events/s\n", f.sub.p50,
        f.sub.p99, f.sub.max, f.sub.rate);
  }
  return f;
}

// ---------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------

std::string Fmt(const char* fmt, double v) {
  char b[64];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}

const char* Verdict(bool ok) { return ok ? "**PASS**" : "**MISS**"; }

std::string Row(const std::string& measure, const std::string& figure,
                const std::string& against, const std::string& ratio,
                const std::string& verdict) {
  return "| " + measure + " | " + figure + " | " + against + " | " + ratio + " | " + verdict +
         " |\n";
}

std::string RateRow(const std::string& what, const Rates& r, const Rates& base) {
  const double ratio = r.queryable / base.queryable;
  return Row(what, Thousands(r.queryable) + " stmt/s (appends alone " +
                       Thousands(r.append) + "/s)",
             ">= 0.8x in-process", Fmt("%.2fx", ratio), Verdict(ratio >= 0.8));
}

std::string PageRow(const std::string& what, const PageTimes& t, const PageTimes& base) {
  const double d50 = t.p50 - base.p50, d99 = t.p99 - base.p99;
  return Row(what, Fmt("p50 %.0f µs", t.p50) + Fmt(", p99 %.0f µs", t.p99),
             "<= in-process + 150 µs",
             Fmt("p50 %+.0f µs", d50) + Fmt(", p99 %+.0f µs", d99),
             std::string("p50 ") + Verdict(d50 <= 150) + ", p99 " + Verdict(d99 <= 150));
}

std::string Table(const Config& c, const Figures& f) {
  std::string t = Row("Measure", "Measured", "Target", "Ratio / difference", "Verdict");
  t += "|---|---|---|---|---|\n";
  t += Row("In-process import, batches of 1,000, until queryable (baseline: the faster pass)",
           Thousands(f.baseline.queryable) + " stmt/s (appends alone " +
               Thousands(f.baseline.append) + "/s)",
           "first pass " + Thousands(f.inproc.queryable) + ", after the server's " +
               Thousands(f.inproc_again.queryable) + " stmt/s",
           "", "");
  t += RateRow("Server, 1 client, batches of 1,000, until queryable", f.server1, f.baseline);
  t += RateRow("Server, 4 clients, batches of 1,000, until queryable", f.server4, f.baseline);
  t += Row("Server, 16 clients, single-statement appends, WAL-durable acks",
           Thousands(f.singles) + " stmt/s", ">= 50,000 stmt/s",
           Fmt("%.2fx", f.singles / 50000), Verdict(f.singles >= 50000));
  t += Row("The same with `serve --sync` (fsynced acks)", Thousands(f.singles_sync) + " stmt/s",
           "reported beside", Fmt("%.2fx of WAL acks", f.singles_sync / f.singles), "");
  const SubFigures& s = f.sub;
  t += Row("Subscription, ack -> event received, p50", Fmt("%.3f ms", s.p50), "<= 1 ms",
           Fmt("%.2fx", s.p50 / 1), Verdict(s.p50 <= 1));
  t += Row("Subscription, p99", Fmt("%.3f ms", s.p99), "<= 10 ms", Fmt("%.2fx", s.p99 / 10),
           Verdict(s.p99 <= 10));
  t += Row("Subscription, p90 / max", Fmt("%.3f ms", s.p90) + Fmt(" / %.1f ms", s.max), "", "",
           "");
  t += Row("Subscription, achieved event rate", Thousands(s.rate) + " events/s",
           Thousands(c.sub_rate) + " events/s (paced)", Fmt("%.2fx", s.rate / c.sub_rate),
           Verdict(s.rate >= 0.95 * c.sub_rate));
  const PageFigures& p = f.pages;
  t += Row("Timeline page in-process (baseline: the lower of two passes)",
           Fmt("p50 %.0f µs", p.inproc.p50) + Fmt(", p99 %.0f µs", p.inproc.p99),
           Fmt("after the import p50 %.0f", p.inproc_first.p50) +
               Fmt(" / p99 %.0f µs; ", p.inproc_first.p99) +
               Fmt("reopened after the server p50 %.0f", p.inproc_again.p50) +
               Fmt(" / p99 %.0f µs", p.inproc_again.p99),
           "", "");
  t += PageRow("Timeline page over RPC", f.pages.rpc, f.pages.inproc);
  t += PageRow("Timeline page over HTTP", f.pages.http, f.pages.inproc);
  const Floors& x = f.floors;
  t += Row("Floor: in-process appends in groups of 16 (the most a group of 16 single-statement "
           "clients holds), WAL acks",
           Thousands(x.group16_append) + " stmt/s appending, " +
               Thousands(x.group16_queryable) + " until queryable",
           "bounds the 16-client singles", Fmt("%.2fx of 50,000", x.group16_append / 50000),
           "");
  t += Row("Floor: 16 clients calling Head (answered on the server's loop, no engine work)",
           Thousands(x.loop_calls_16) + " calls/s", "bounds the 16-client singles",
           Fmt("%.2fx of 50,000", x.loop_calls_16 / 50000), "");
  t += Row("Floor: one call's round trip, p50: on the loop (Head) / on the read pool "
           "(FindById of an unknown id, as a page goes)",
           Fmt("%.0f µs", x.loop_call_p50) + Fmt(" / %.0f µs", x.pool_call_p50),
           "bounds a page's overhead", "", "");
  return t;
}

std::string SourceCommit() {
  std::string cmd = std::string("git -C '") + ANNALS_SOURCE_DIR +
                    "' describe --always --dirty 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "?";
  char buf[128] = {0};
  if (std::fgets(buf, sizeof buf, p) == nullptr) buf[0] = 0;
  pclose(p);
  std::string s = buf;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s.empty() ? "?" : s;
}

std::string Section(const Config& c, const Figures& f, const std::string& date,
                    const std::string& load0, const std::string& load1) {
  std::ostringstream md;
  md << "\n## Run of " << date << "\n\n"
     << "- N = " << Thousands(double(c.n)) << " statements (corpus.h, seed " << c.seed
     << "); 16 x " << Thousands(double(c.singles_per_client))
     << " single appends; subscription " << c.sub_seconds << " s at "
     << Thousands(c.sub_rate) << "/s by " << c.sub_appenders << " appender threads, "
     << c.sub_batch << " statement(s) per append; "
     << f.pages.queries << " page queries (actors and topics, limit 100, "
     << Fmt("%.1f", f.pages.rows_per_page) << " rows per page on average).\n"
     << "- Source: " << SourceCommit() << "; " << std::thread::hardware_concurrency()
     << " CPUs.\n"
     << "- Load average (1, 5, 15 min) at start: " << load0 << "; at end: " << load1 << ".\n"
     << "- Subscription: " << Thousands(double(f.sub.events)) << " events, "
     << f.sub.before_ack << " arrived before their append's ack (counted as 0).\n\n"
     << Table(c, f);
  return md.str();
}

const char* kHeader =
    "# Server benchmark (issue 20)\n\n"
    "`annals serve` against the in-process engine on the generated corpus "
    "(`bench/corpus.h`), each measure beside its baseline taken in the same run "
    "(`bench/server_bench.cc`, which describes every phase). Rerun (Release build; "
    "it appends a section here):\n\n"
    "    cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release && "
    "ninja -C build annals annals_server_bench\n"
    "    build/bench/annals_server_bench --events 200000 --dir /path/on/a/real/disk"
    "    # --report '' prints only\n\n"
    "Definitions: \"until queryable\" = from the first append until the last append "
    "returned and the built-in \"actors\" and \"topics\" projections applied the head "
    "(WaitForProjection, in-process or through the client); the in-process import runs "
    "before and after the server's (fresh stores), the faster is the baseline. Appends in-process use "
    "durability kBulk, the durability of the server's default acks (in the write-ahead "
    "log, fsynced every 8 MiB). Subscription latency = arrival at the subscriber's "
    "callback minus the return of the Append that wrote the event (same process, "
    "steady clock); appends on one connection, the subscriber on another. Pages: "
    "first pages of the same queries, in-process (the engine that imported), then over "
    "RPC and HTTP (that engine closed, the server on the same store), then in-process "
    "again (the store opened anew); one untimed pass before each timed one. The "
    "baseline is the lower of the two in-process passes, percentile by percentile: "
    "right after the import, flushes and compactions still run.\n";

void WriteReport(const std::string& path, const std::string& section) {
  const bool fresh = !fs::exists(path);
  std::ofstream out(path, std::ios::app);
  if (fresh) out << kHeader;
  out << section;
  out.close();
  if (!out) Die("writing " + path);
  std::printf("\nappended to %s\n", path.c_str());
}

// ---------------------------------------------------------------------------
// Flags.
// ---------------------------------------------------------------------------

Config ParseFlags(int argc, char** argv) {
  Config c;
  c.dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  c.report = std::string(ANNALS_SOURCE_DIR) + "/bench/SERVER.md";
  c.cli = (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "tools" / "annals")
              .string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    auto count = [&]() { return static_cast<size_t>(std::strtoull(next().c_str(), nullptr, 10)); };
    if (a == "--events") c.n = count();
    else if (a == "--dir") c.dir = next();
    else if (a == "--report") c.report = next();
    else if (a == "--annals-cli") c.cli = next();
    else if (a == "--queries") c.queries = count();
    else if (a == "--singles-per-client") c.singles_per_client = count();
    else if (a == "--sub-seconds") c.sub_seconds = std::strtod(next().c_str(), nullptr);
    else if (a == "--sub-rate") c.sub_rate = std::strtod(next().c_str(), nullptr);
    else if (a == "--sub-appenders") c.sub_appenders = count();
    else if (a == "--sub-batch") c.sub_batch = count();
    else if (a == "--sub-trace") c.sub_trace = next();
    else if (a == "--phases") c.phases = next();
    else if (a == "--seed") c.seed = std::strtoull(next().c_str(), nullptr, 0);
    else Die("unknown argument " + a + " (the flags are listed at the top of server_bench.cc)");
  }
  if (c.n < kBatch || c.queries < 10 || c.singles_per_client < 1 || c.sub_appenders < 1 || c.sub_batch < 1 ||
      c.sub_rate <= 0 || c.sub_seconds <= 0)
    Die("--events >= 1000, --queries >= 10, and positive counts and rates please");
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Config c = ParseFlags(argc, argv);
  if (!fs::exists(c.cli)) Die("no annals CLI at " + c.cli + " (build it, or --annals-cli)");
  // One corpus of N serves every phase (its name counts plan the pages).
  const size_t need = std::max(kSingleClients * c.singles_per_client,
                               static_cast<size_t>(c.sub_seconds * c.sub_rate));
  if (need > c.n)
    Die("--events must be at least 16 x --singles-per-client and --sub-seconds x --sub-rate (" +
        std::to_string(need) + ")");
  const std::string load0 = LoadAvg(), date = UtcNow();
  const fs::path work = fs::path(c.dir) / ("annals-server-bench-" + std::to_string(getpid()));
  fs::create_directories(work);
  c.dir = work.string();
  std::printf("annals server bench: %zu statements, stores in %s, load %s\n", c.n,
              c.dir.c_str(), load0.c_str());
  std::fflush(stdout);
  const Corpus corpus = MakeCorpus(c.n, c.seed);
  const Figures f = RunAll(c, corpus);
  fs::remove_all(work);
  if (c.phases != "all") return 0;  // a partial run judges nothing
  const std::string section = Section(c, f, date, load0, LoadAvg());
  std::printf("%s", section.c_str());
  if (!c.report.empty()) WriteReport(c.report, section);
  return 0;
}
