#include "server_bench_pages.h"

#include <functional>

#include "server_bench_support.h"

namespace annals_bench {
namespace {

constexpr size_t kPageLimit = 100;

annals::TimelineQuery ToQuery(const PageQuery& q) {
  annals::TimelineQuery tq;
  tq.kind = q.kind;
  tq.name = q.name;
  tq.limit = kPageLimit;
  return tq;
}

std::string HttpTarget(const PageQuery& q) {
  return std::string("/v1/timeline?") +
         (q.kind == annals::TimelineKind::kActor ? "actor=" : "topic=") + UrlEncode(q.name) +
         "&limit=" + std::to_string(kPageLimit);
}

// Entries in a page's JSON: each has exactly one "status" member (the
// corpus's texts hold no quotes).
size_t CountEntries(const std::string& json) {
  size_t n = 0;
  for (size_t at = json.find("\"status\":\""); at != std::string::npos;
       at = json.find("\"status\":\"", at + 1))
    ++n;
  return n;
}

void CheckRows(size_t got, size_t want, const PageQuery& q, const char* how) {
  if (got == 0 || got != want)
    Die(std::string(how) + " page of '" + q.name + "': " + std::to_string(got) +
        " entries, in-process " + std::to_string(want));
}

// One untimed pass, then one timed pass of `page(i)` (which returns the
// entries it got); checks each against rows[i].
PageTimes TimePasses(const std::vector<PageQuery>& qs, const std::vector<size_t>& rows,
                     const char* how, const std::function<size_t(size_t)>& page) {
  for (size_t i = 0; i < qs.size(); ++i) CheckRows(page(i), rows[i], qs[i], how);
  std::vector<double> us;
  for (size_t i = 0; i < qs.size(); ++i) {
    auto t0 = Clock::now();
    size_t got = page(i);
    us.push_back(Micros(Clock::now() - t0));
    CheckRows(got, rows[i], qs[i], how);
  }
  PageTimes t;
  t.p50 = Percentile(us, 0.50);
  t.p99 = Percentile(us, 0.99);
  return t;
}

}  // namespace

std::vector<PageQuery> PlanQueries(const Corpus& corpus, size_t per_kind, uint64_t seed) {
  Rng rng(seed ^ 0x71756572ull);
  std::vector<PageQuery> qs;
  auto plan = [&](annals::TimelineKind kind, const std::vector<std::string>& pool,
                  const std::vector<uint32_t>& uses) {
    std::vector<size_t> present;
    for (size_t i = 0; i < pool.size(); ++i)
      if (uses[i] > 0) present.push_back(i);
    if (present.empty()) Die("the corpus names nobody");
    Zipf zipf(pool.size(), kZipfS);
    for (size_t i = 0; i < per_kind; ++i) {
      size_t k;
      if (i % 10 != 9) k = present[rng.Below(present.size())];
      else do k = zipf.Draw(rng); while (uses[k] == 0);
      qs.push_back({kind, pool[k]});
    }
  };
  plan(annals::TimelineKind::kActor, corpus.actors, corpus.actor_uses);
  plan(annals::TimelineKind::kTopic, corpus.topics, corpus.topic_uses);
  return qs;
}

PageTimes InProcessPages(const annals::Engine& engine, const std::vector<PageQuery>& qs,
                         std::vector<size_t>& rows) {
  if (rows.empty()) {
    for (const PageQuery& q : qs)
      rows.push_back(Value(engine.Timeline(ToQuery(q)), "Timeline").entries.size());
  }
  return TimePasses(qs, rows, "in-process", [&](size_t i) {
    return Value(engine.Timeline(ToQuery(qs[i])), "Timeline").entries.size();
  });
}

PageTimes RpcPages(annals::Client& client, const std::vector<PageQuery>& qs,
                   const std::vector<size_t>& rows) {
  return TimePasses(qs, rows, "RPC", [&](size_t i) {
    return Value(client.Timeline(ToQuery(qs[i])), "Client::Timeline").entries.size();
  });
}

PageTimes HttpPages(const std::string& base_url, const std::vector<PageQuery>& qs,
                    const std::vector<size_t>& rows) {
  HttpClient http(base_url);
  return TimePasses(qs, rows, "HTTP",
                    [&](size_t i) { return CountEntries(http.Get(HttpTarget(qs[i]))); });
}

}  // namespace annals_bench
