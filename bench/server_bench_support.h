// Support for the server benchmark (server_bench.cc): dying on errors, the
// clock and percentiles, an `annals serve` child process, and a minimal
// blocking HTTP/1.1 client for its loopback port.
#ifndef ANNALS_BENCH_SERVER_BENCH_SUPPORT_H_
#define ANNALS_BENCH_SERVER_BENCH_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace annals_bench {

using Clock = std::chrono::steady_clock;

// Prints "server_bench: WHAT" to stderr and exits 1.
[[noreturn]] void Die(const std::string& what);
void Check(const absl::Status& s, const std::string& what);
template <typename T>
T Value(absl::StatusOr<T> v, const std::string& what) {
  Check(v.status(), what);
  return *std::move(v);
}

double Seconds(Clock::duration d);
double Micros(Clock::duration d);
// Nanoseconds since an arbitrary fixed point, for timestamps shared
// between threads.
int64_t NowNs();

// Nearest-rank percentile of `v` (sorted in place); NaN when empty.
double Percentile(std::vector<double>& v, double p);

// /proc/loadavg's three load averages, "1.23 0.98 0.75".
std::string LoadAvg();
// "2026-12-05 22:14 UTC".
std::string UtcNow();
// 1234567 -> "1,234,567" (rounded).
std::string Thousands(double v);

// A running `annals --db STORE serve --ready-fd 3 [flags]`, its stderr in
// `log`.
struct ServerProcess {
  pid_t pid = -1;
  std::string address;  // "unix:PATH"
  std::string http;     // "http://127.0.0.1:PORT" with --http, else ""
  std::string log;
};

// Starts the server and waits for its ready lines (no polling). Dies,
// showing the log, when it does not come up.
ServerProcess StartServer(const std::string& cli, const std::string& store,
                          const std::string& log, const std::vector<std::string>& flags);
// SIGTERM, then waits; dies unless it exits 0.
void StopServer(ServerProcess& s);

// One keep-alive HTTP/1.1 connection to 127.0.0.1:PORT. Replies must carry
// Content-Length (the server's do, for every non-streaming answer).
class HttpClient {
 public:
  explicit HttpClient(const std::string& base_url);  // "http://127.0.0.1:PORT"
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET `target` ("/v1/..."); returns the body of a 200, dies otherwise.
  std::string Get(const std::string& target);

 private:
  void SendAll(const std::string& data);
  // Reads until `buf_` holds at least `need` bytes; dies at end of stream.
  void Fill(size_t need);
  int fd_ = -1;
  std::string buf_;
};

// Percent-encodes a query-string value (RFC 3986 unreserved bytes kept).
std::string UrlEncode(const std::string& s);

}  // namespace annals_bench

#endif  // ANNALS_BENCH_SERVER_BENCH_SUPPORT_H_
