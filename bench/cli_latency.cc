#include "cli_latency.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>

extern char** environ;

namespace annals_bench {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Fatal(const std::string& what) {
  std::fprintf(stderr, "compare_bench: %s\n", what.c_str());
  std::exit(2);
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    const bool plain = a.find_first_of(" '\"\\*;()$") == std::string::npos && !a.empty();
    s += plain ? a : "'" + a + "'";
  }
  return s;
}

struct Took {
  double wall_ms, cpu_ms;  // cpu: the child's user + system time
};

// Runs argv with stdout to `out` (a path) and stderr to /dev/null. Dies if
// it does not exit 0.
Took Run(const std::vector<std::string>& argv, const char* out) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  auto t0 = Clock::now();
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) Fatal("cannot run " + argv[0]);
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) Fatal("wait4");
  auto t1 = Clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    Fatal("failed (status " + std::to_string(status) + "): " + Joined(argv));
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return {std::chrono::duration<double, std::milli>(t1 - t0).count(),
          ms(ru.ru_utime) + ms(ru.ru_stime)};
}

// Runs once with stdout to a file and checks it printed something.
void WarmUp(const std::vector<std::string>& argv) {
  char path[] = "/tmp/annals-cli-latency-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) Fatal("mkstemp");
  close(fd);
  Run(argv, path);
  struct stat st{};
  const bool empty = stat(path, &st) != 0 || st.st_size == 0;
  unlink(path);
  if (empty) Fatal("printed nothing: " + Joined(argv));
}

std::string SqlQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += '\'';
    q += c;
  }
  return q + "'";
}

// The name as compare_bench's SQLite stores it: lower-case ASCII.
std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

struct Command {
  std::string label;  // for the table
  std::string sql_label;
  // Run r's argv for each system.
  std::function<std::vector<std::string>(int)> annals, sqlite;
};

std::vector<Command> Commands(const CliSetup& s) {
  auto an = [&s](std::vector<std::string> rest) {
    std::vector<std::string> v = {s.annals_bin, "--db", s.annals_db};
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
  };
  auto sq = [&s](const std::string& sql) {
    return std::vector<std::string>{s.sqlite_bin, s.sqlite_db, sql};
  };
  auto actor = [&s](int r) { return s.actors[size_t(r) % s.actors.size()]; };
  // Seqs spread over the log, the same for both systems.
  auto seq = [&s](int r) {
    return std::to_string(1 + (uint64_t(r) * 2654435761u + 12345) % s.events);
  };
  const std::string timeline_sql =
      "SELECT s.* FROM actor_links a JOIN statements s ON s.seq = a.seq WHERE a.actor = "
      "NAME ORDER BY a.occurred_at, a.seq LIMIT 100";
  std::vector<Command> c;
  c.push_back({"timeline --actor NAME --limit 100", timeline_sql,
               [=](int r) { return an({"timeline", "--actor", actor(r), "--limit", "100"}); },
               [=](int r) {
                 std::string q = timeline_sql;
                 q.replace(q.find("NAME"), 4, SqlQuote(Lower(actor(r))));
                 return sq(q);
               }});
  c.push_back({"show SEQ", "SELECT * FROM statements WHERE seq = SEQ",
               [=](int r) { return an({"show", seq(r)}); },
               [=](int r) { return sq("SELECT * FROM statements WHERE seq = " + seq(r)); }});
  const std::string stats_sql =
      "SELECT count(*), max(seq), min(occurred_at), max(occurred_at) FROM statements; "
      "PRAGMA page_count";
  c.push_back({"stats", stats_sql, [=](int) { return an({"stats"}); },
               [=](int) { return sq(stats_sql); }});
  const std::string top_sql =
      "SELECT actor, count(*) AS n FROM actor_links GROUP BY actor ORDER BY n DESC LIMIT 10";
  c.push_back({"actors --top 10", top_sql, [=](int) { return an({"actors", "--top", "10"}); },
               [=](int) { return sq(top_sql); }});
  // Issue 21: a monthly series of an actor's statements against the GROUP
  // BY SQLite would run (annals also writes the empty months as zero rows,
  // and applies corrections, retractions and aliases; the table has none).
  const std::string series_sql =
      "SELECT strftime('%Y-%m', occurred_at / 1000000, 'unixepoch') AS m, count(*) FROM "
      "actor_links WHERE actor = NAME GROUP BY m ORDER BY m";
  c.push_back({"series --actor NAME --by month", series_sql,
               [=](int r) {
                 return an({"series", "--actor", actor(r), "--by", "month", "--format", "csv"});
               },
               [=](int r) {
                 std::string q = series_sql;
                 q.replace(q.find("NAME"), 4, SqlQuote(Lower(actor(r))));
                 return sq(q);
               }});
  return c;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

std::vector<CliTiming> MeasureCliLatency(const CliSetup& s) {
  if (s.actors.empty() || s.events == 0 || s.runs < 1) Fatal("CLI latency: nothing to query");
  std::vector<CliTiming> out;
  for (const Command& c : Commands(s)) {
    WarmUp(c.annals(0));
    WarmUp(c.sqlite(0));
    std::vector<double> a, q, ac, qc;
    for (int r = 0; r < s.runs; ++r) {
      Took x = Run(c.annals(r), "/dev/null");
      Took y = Run(c.sqlite(r), "/dev/null");
      a.push_back(x.wall_ms);
      ac.push_back(x.cpu_ms);
      q.push_back(y.wall_ms);
      qc.push_back(y.cpu_ms);
    }
    CliTiming t;
    t.command = c.label;
    t.sql = c.sql_label;
    t.annals_p50_ms = Median(a);
    t.sqlite_p50_ms = Median(q);
    t.annals_min_ms = *std::min_element(a.begin(), a.end());
    t.sqlite_min_ms = *std::min_element(q.begin(), q.end());
    t.annals_cpu_ms = Median(ac);
    t.sqlite_cpu_ms = Median(qc);
    std::printf("cli: %-36s annals %7.1f ms (min %.1f, cpu %.1f)   sqlite3 %7.1f ms "
                "(min %.1f, cpu %.1f)\n",
                c.label.c_str(), t.annals_p50_ms, t.annals_min_ms, t.annals_cpu_ms,
                t.sqlite_p50_ms, t.sqlite_min_ms, t.sqlite_cpu_ms);
    std::fflush(stdout);
    out.push_back(t);
  }
  return out;
}

std::string CliLatencyTable(const std::vector<CliTiming>& ts) {
  std::ostringstream t;
  char b[256];
  t << "| `annals` command | annals p50 (min), ms | sqlite3 p50 (min), ms | annals/sqlite3 |"
       " Target ≤ 2x | CPU p50, annals / sqlite3, ms |\n|---|---:|---:|---:|---|---:|\n";
  for (const CliTiming& x : ts) {
    const double ratio = x.annals_p50_ms / x.sqlite_p50_ms;
    std::snprintf(b, sizeof b, "| `%s` | %.1f (%.1f) | %.1f (%.1f) | %.2fx | %s | %.1f / %.1f |\n",
                  x.command.c_str(), x.annals_p50_ms, x.annals_min_ms, x.sqlite_p50_ms,
                  x.sqlite_min_ms, ratio, ratio <= 2 ? "**met**" : "**missed**",
                  x.annals_cpu_ms, x.sqlite_cpu_ms);
    t << b;
  }
  t << "\nThe sqlite3 side of each row:\n\n";
  for (const CliTiming& x : ts) t << "- `" << x.command << "`: `" << x.sql << "`\n";
  return t.str();
}

}  // namespace annals_bench
