#include "server_bench_floors.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/engine.h"
#include "annals/options.h"
#include "server_bench_support.h"

namespace annals_bench {
namespace {

namespace fs = std::filesystem;

constexpr size_t kGroup = 16, kClients = 16, kCalls = 2000;
constexpr auto kThroughputSpell = std::chrono::seconds(3);

void GroupsOf16(const std::string& store, std::span<const annals::Statement> all, Floors* f) {
  annals::Options o;
  o.sync_appends = false;  // the server's default: acknowledged once in the WAL
  auto engine = Value(annals::Engine::Open(store, o), "Open");
  auto t0 = Clock::now();
  for (size_t at = 0; at < all.size(); at += kGroup)
    Value(engine->Append(all.subspan(at, std::min(kGroup, all.size() - at))), "Append");
  f->group16_append = double(all.size()) / Seconds(Clock::now() - t0);
  const uint64_t head = engine->Head();
  Check(engine->WaitForProjection("actors", head, absl::Minutes(10)), "WaitForProjection");
  Check(engine->WaitForProjection("topics", head, absl::Minutes(10)), "WaitForProjection");
  f->group16_queryable = double(all.size()) / Seconds(Clock::now() - t0);
}

template <typename Call>
double P50(Call call) {
  std::vector<double> us;
  for (size_t i = 0; i < kCalls; ++i) {
    auto t0 = Clock::now();
    call();
    us.push_back(Micros(Clock::now() - t0));
  }
  return Percentile(us, 0.50);
}

double HeadCallsPerSecond(const ServerProcess& server) {
  std::vector<std::unique_ptr<annals::Client>> clients;
  for (size_t i = 0; i < kClients; ++i)
    clients.push_back(Value(annals::Connect(server.address), "Connect"));
  std::atomic<bool> stop{false};
  std::atomic<size_t> calls{0};
  std::latch start(kClients + 1);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      size_t n = 0;
      for (; !stop.load(); ++n) Value(clients[i]->Head(), "Client::Head");
      calls += n;
    });
  start.arrive_and_wait();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(kThroughputSpell);
  stop = true;
  for (std::thread& t : threads) t.join();
  return double(calls.load()) / Seconds(Clock::now() - t0);
}

}  // namespace

Floors MeasureFloors(const std::string& cli, const std::string& dir,
                     std::span<const annals::Statement> statements) {
  Floors f;
  const std::string store = (fs::path(dir) / "floors").string();
  fs::remove_all(store);
  GroupsOf16(store, statements, &f);
  ServerProcess server = StartServer(cli, store, store + ".log", {});
  auto client = Value(annals::Connect(server.address), "Connect");
  f.loop_call_p50 = P50([&] { Value(client->Head(), "Client::Head"); });
  f.pool_call_p50 = P50([&] {
    if (client->FindById("no statement has this id").status().code() !=
        absl::StatusCode::kNotFound)
      Die("FindById of an unknown id did not say kNotFound");
  });
  client.reset();
  f.loop_calls_16 = HeadCallsPerSecond(server);
  StopServer(server);
  fs::remove_all(store);
  return f;
}

}  // namespace annals_bench
