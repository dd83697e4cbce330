// CLI latency (issue 19): one-shot queries timed as whole processes, the
// `annals` CLI against the `sqlite3` CLI on the equivalent SQL, in one run.
//
// Each command runs `runs` times per system, the two systems interleaved run
// by run (so both see the same machine noise), after one untimed warm-up run
// of each that also checks the command succeeds and prints something. Output
// goes to /dev/null, as a script piping it would pay only its own reading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace annals_bench {

struct CliSetup {
  std::string annals_bin;   // the annals CLI
  std::string sqlite_bin;   // the sqlite3 CLI
  std::string annals_db;    // an annals store (closed: no writer running)
  std::string sqlite_db;    // compare_bench's SQLite database file
  std::vector<std::string> actors;  // actor names to query, cycled through
  uint64_t events = 0;      // seqs 1..events exist (for `show`)
  int runs = 20;            // timed runs per command and system
};

struct CliTiming {
  std::string command;      // the annals command line, as a user types it
  std::string sql;          // the equivalent sqlite3 query
  double annals_p50_ms = 0, annals_min_ms = 0;
  double sqlite_p50_ms = 0, sqlite_min_ms = 0;
  double annals_cpu_ms = 0, sqlite_cpu_ms = 0;  // p50 of user + system time
};

// Runs every command (timeline, show, stats, actors --top 10); exits the
// program (status 2) if a command fails.
std::vector<CliTiming> MeasureCliLatency(const CliSetup& setup);

// A Markdown table of the timings with the annals/sqlite3 ratio of the p50s.
std::string CliLatencyTable(const std::vector<CliTiming>& timings);

}  // namespace annals_bench
