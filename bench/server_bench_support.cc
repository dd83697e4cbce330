#include "server_bench_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

extern char** environ;

namespace annals_bench {

void Die(const std::string& what) {
  std::fflush(stdout);
  std::fprintf(stderr, "server_bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const absl::Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * double(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string LoadAvg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  if (!(in >> a >> b >> c)) Die("reading /proc/loadavg");
  return a + " " + b + " " + c;
}

std::string UtcNow() {
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return date;
}

std::string Thousands(double v) {
  if (std::isnan(v)) return "n/a";
  std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
  std::string out;
  size_t lead = digits[0] == '-' ? 1 : 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > lead && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// ---------------------------------------------------------------------------
// The server process.
// ---------------------------------------------------------------------------

namespace {

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

// A pipe whose write end is at fd >= 10 (so dup2 onto 3 never meets it).
void ReadyPipe(int fds[2]) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) Die(std::string("pipe: ") + std::strerror(errno));
  int w = fcntl(p[1], F_DUPFD_CLOEXEC, 10);
  if (w < 0) Die(std::string("fcntl: ") + std::strerror(errno));
  close(p[1]);
  fds[0] = p[0];
  fds[1] = w;
}

// Everything the server writes on the ready pipe, until it closes it.
std::string ReadAll(int fd) {
  std::string out;
  char buf[256];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, size_t(n));
    else if (n == 0) return out;
    else if (errno != EINTR) Die(std::string("reading the ready pipe: ") + std::strerror(errno));
  }
}

}  // namespace

ServerProcess StartServer(const std::string& cli, const std::string& store,
                          const std::string& log, const std::vector<std::string>& flags) {
  std::vector<std::string> args = {cli, "--db", store, "serve", "--create", "--ready-fd", "3"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  ReadyPipe(fds);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 3);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ServerProcess s;
  s.log = log;
  int rc = posix_spawn(&s.pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) Die("starting " + cli + ": " + std::strerror(rc));
  std::string ready = ReadAll(fds[0]);
  close(fds[0]);
  size_t nl = ready.find('\n');
  if (nl == std::string::npos || ready.rfind("unix:", 0) != 0)
    Die("the server did not come up; its log:\n" + Tail(log));
  s.address = ready.substr(0, nl);
  std::string rest = ready.substr(nl + 1);
  if (!rest.empty() && rest.back() == '\n') rest.pop_back();
  s.http = rest;
  return s;
}

void StopServer(ServerProcess& s) {
  if (kill(s.pid, SIGTERM) != 0) Die(std::string("kill: ") + std::strerror(errno));
  int status = 0;
  while (waitpid(s.pid, &status, 0) < 0)
    if (errno != EINTR) Die(std::string("waitpid: ") + std::strerror(errno));
  s.pid = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    Die("the server did not stop cleanly; its log:\n" + Tail(s.log));
}

// ---------------------------------------------------------------------------
// HTTP.
// ---------------------------------------------------------------------------

HttpClient::HttpClient(const std::string& base_url) {
  const std::string prefix = "http://127.0.0.1:";
  if (base_url.rfind(prefix, 0) != 0) Die("not a loopback HTTP address: " + base_url);
  int port = std::atoi(base_url.c_str() + prefix.size());
  if (port <= 0 || port > 65535) Die("no port in " + base_url);
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) Die(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    Die("connecting to " + base_url + ": " + std::strerror(errno));
}

HttpClient::~HttpClient() {
  if (fd_ >= 0) close(fd_);
}

void HttpClient::SendAll(const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Die(std::string("HTTP send: ") + std::strerror(errno));
    off += size_t(n);
  }
}

void HttpClient::Fill(size_t need) {
  char buf[65536];
  while (buf_.size() < need) {
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Die(std::string("HTTP recv: ") + std::strerror(errno));
    if (n == 0) Die("HTTP: the server closed the connection mid-reply");
    buf_.append(buf, size_t(n));
  }
}

namespace {

// The value of header `name` (lower-case) in `head`, or "" if absent.
std::string Header(const std::string& head, const std::string& name) {
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  size_t at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t from = at + 3 + name.size();
  size_t end = head.find("\r\n", from);
  std::string v = head.substr(from, end - from);
  v.erase(0, v.find_first_not_of(" \t"));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  return v;
}

}  // namespace

std::string HttpClient::Get(const std::string& target) {
  SendAll("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) Fill(buf_.size() + 1);
  std::string head = buf_.substr(0, end + 2);  // keeps the last header's CRLF
  buf_.erase(0, end + 4);
  std::string length = Header(head, "content-length");
  if (length.empty())
    Die("HTTP reply to " + target + " has no Content-Length: " + head.substr(0, 200));
  size_t n = std::strtoull(length.c_str(), nullptr, 10);
  Fill(n);
  std::string body = buf_.substr(0, n);
  buf_.erase(0, n);
  if (head.rfind("HTTP/1.1 200", 0) != 0)
    Die("GET " + target + ": " + head.substr(0, head.find("\r\n")) + " " + body.substr(0, 300));
  if (Header(head, "connection") == "close") Die("HTTP: the server closes keep-alive connections");
  return body;
}

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace annals_bench
