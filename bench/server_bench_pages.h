// Timeline pages for the server benchmark (server_bench.cc): one fixed
// query set timed in-process, over RPC and over HTTP.
#ifndef ANNALS_BENCH_SERVER_BENCH_PAGES_H_
#define ANNALS_BENCH_SERVER_BENCH_PAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "annals/client.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "corpus.h"

namespace annals_bench {

struct PageQuery {
  annals::TimelineKind kind;
  std::string name;
};

// Per kind, `per_kind` names: 9 in 10 uniform among the names the corpus
// uses, 1 in 10 by its Zipf weights (the busiest), deterministic in `seed`.
std::vector<PageQuery> PlanQueries(const Corpus& corpus, size_t per_kind, uint64_t seed);

struct PageTimes {
  double p50 = 0, p99 = 0;  // µs
};

struct PageFigures {
  // In-process before the server (just after the import) and after it (the
  // store opened again); the baseline is the lower of each percentile.
  PageTimes inproc_first, inproc_again, inproc, rpc, http;
  double rows_per_page = 0;
  size_t queries = 0;
};

// First pages (limit 100) of every query: one untimed pass (warms the
// caches; checks every page against `rows`), then
// one timed pass. In-process: fills `rows` when empty, else checks against it.
PageTimes InProcessPages(const annals::Engine& engine, const std::vector<PageQuery>& qs,
                         std::vector<size_t>& rows);
PageTimes RpcPages(annals::Client& client, const std::vector<PageQuery>& qs,
                   const std::vector<size_t>& rows);
PageTimes HttpPages(const std::string& base_url, const std::vector<PageQuery>& qs,
                    const std::vector<size_t>& rows);

}  // namespace annals_bench

#endif  // ANNALS_BENCH_SERVER_BENCH_PAGES_H_
