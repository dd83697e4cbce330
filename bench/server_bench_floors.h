// What bounds the server benchmark's single appends and pages on this
// machine (server_bench.cc, phase "floors"): the engine's own rate for the
// groups that 16 single-statement clients can form, and what one RPC costs
// with no engine work.
#ifndef ANNALS_BENCH_SERVER_BENCH_FLOORS_H_
#define ANNALS_BENCH_SERVER_BENCH_FLOORS_H_

#include <span>
#include <string>

#include "annals/statement.h"

namespace annals_bench {

struct Floors {
  // In-process Engine::Append of the statements in groups of 16 (the most
  // one group commit of 16 single-statement clients holds), WAL acks like
  // the server's: statements/s until the last append returned, and until
  // the projections had applied the head.
  double group16_append = 0, group16_queryable = 0;
  // One client: p50 of a call the server answers on its event loop (Head)
  // and of one it answers on its read pool, as a page is (FindById of an
  // id no statement has), in µs.
  double loop_call_p50 = 0, pool_call_p50 = 0;
  // 16 clients, each calling Head back to back: calls/s.
  double loop_calls_16 = 0;
};

// `cli` serves a fresh store under `dir` for the RPC figures.
Floors MeasureFloors(const std::string& cli, const std::string& dir,
                     std::span<const annals::Statement> statements);

}  // namespace annals_bench

#endif  // ANNALS_BENCH_SERVER_BENCH_FLOORS_H_
