// `annals serve --listen` with TLS (issue 20): any address, for clients
// that trust the server's certificate and name it by a host name it holds.
// Real server process, real CLI processes and the C++ client, with the
// test-only certificates of tests/data/tls (make_certs.sh): clients that
// do not trust the certificate, name another host or speak in clear get
// nothing and the server serves on; the TLS files it refuses to start with.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "annals/client.h"
#include "annals/engine.h"
#include "annals/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kToken[] = "0123456789abcdef-writer";
const std::filesystem::path kCerts = std::filesystem::path(ANNALS_SOURCE_DIR) / "tests/data/tls";

class ServeTlsTest : public CliFixture {
 protected:
  // `name` from tests/data/tls copied here with `mode` (a clone does not
  // keep a key's mode 600).
  std::string Copy(const std::string& name, mode_t mode = 0600) {
    const std::filesystem::path to = dir_ / name;
    std::filesystem::copy_file(kCerts / name, to,
                               std::filesystem::copy_options::overwrite_existing);
    chmod(to.c_str(), mode);
    return to.string();
  }

  std::string Tokens() {
    const std::filesystem::path p = Write("tokens", std::string(kToken) + "\n");
    chmod(p.c_str(), 0600);
    return p.string();
  }

  Server Start(const std::string& listen) {
    return StartServer(db_, dir_ / "server.log",
                       {"--listen", listen, "--token-file", Tokens(), "--tls-cert",
                        (kCerts / "server.pem").string(), "--tls-key", Copy("server.key")});
  }

  // "tls:localhost:PORT" for the server's port: the name its certificate holds.
  static std::string ByName(const Server& s) {
    return "tls:localhost:" + s.tcp.substr(s.tcp.rfind(':') + 1);
  }

  Result Through(const std::string& address, const std::string& env, const std::string& args) {
    return RunShell(dir_ / "elsewhere", "--server " + Quote(address) + " " + args,
                    "ANNALS_TOKEN=" + Quote(kToken) + " " + env, "</dev/null");
  }
};

TEST_F(ServeTlsTest, ServesEveryInterfaceToClientsThatTrustItsCertificate) {
  Server s = Start("0.0.0.0:0");
  ASSERT_THAT(s.tcp, StartsWith("tls:0.0.0.0:")) << ReadFile(s.log);
  const std::string ca = (kCerts / "server.pem").string();
  Result r = Through(ByName(s), "", "--tls-ca " + Quote(ca) + " import " + Quote(kSample));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 12"));
  r = Through(ByName(s), "ANNALS_TLS_CA=" + Quote(ca), "stats --format jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"head\":12"));
  // The C++ client, trusting a file that holds another certificate first.
  const std::filesystem::path both = Write("both.pem", ReadFile(kCerts / "other.pem") + ReadFile(ca));
  ClientOptions options;
  options.token = kToken;
  options.tls_ca = both.string();
  auto client = Connect(ByName(s), options);
  ASSERT_TRUE(client.ok()) << client.status();
  auto head = (*client)->Head();
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(*head, 12u);
  EXPECT_EQ(StopServer(s), 0);
  EXPECT_THAT(ReadFile(s.log), HasSubstr("opened (TLS) from 127.0.0.1:"));
}

TEST_F(ServeTlsTest, ClientsThatCannotCheckTheServerGetNothing) {
  Server s = Start("localhost:0");
  ASSERT_THAT(s.tcp, StartsWith("tls:")) << ReadFile(s.log);
  const std::string port = s.tcp.substr(s.tcp.rfind(':') + 1);
  ClientOptions options;
  options.token = kToken;
  // The system's authorities did not issue it; another certificate is not
  // it; a client in clear.
  const auto unavailable = absl::StatusCode::kUnavailable;
  EXPECT_EQ(Connect(ByName(s), options).status().code(), unavailable);
  options.tls_ca = (kCerts / "other.pem").string();
  EXPECT_EQ(Connect(ByName(s), options).status().code(), unavailable);
  options.tls_ca = "";
  EXPECT_NE(Connect("tcp:127.0.0.1:" + port, options).status().code(), absl::StatusCode::kOk);
  // What the client refuses before it connects: an IP address (Cap'n Proto
  // 0.9's certificate check matches DNS names only), and a CA file for an
  // address that is not tls:.
  options.tls_ca = (kCerts / "server.pem").string();
  for (const std::string& by_ip : {"tls:127.0.0.1:" + port, "tls:[::1]:" + port, "tls:" + port}) {
    auto refused = Connect(by_ip, options);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << by_ip;
    EXPECT_THAT(refused.status().message(), HasSubstr("DNS name")) << by_ip;
  }
  EXPECT_EQ(Connect("tcp:127.0.0.1:" + port, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A trusted certificate for another name (annals.example.org).
  Server other = StartServer(dir_ / "other", dir_ / "other.log",
                             {"--listen", "localhost:0", "--token-file", Tokens(), "--tls-cert",
                              (kCerts / "other.pem").string(), "--tls-key", Copy("other.key")});
  ASSERT_THAT(other.tcp, StartsWith("tls:")) << ReadFile(other.log);
  options.tls_ca = (kCerts / "other.pem").string();
  auto refused = Connect(ByName(other), options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(refused.status().message(), HasSubstr("hostname mismatch"));
  EXPECT_EQ(StopServer(other), 0);
  Result r = Through(ByName(s), "", "stats");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // A CA file that is not one is the client's own error.
  options.tls_ca = Write("not-a-ca.pem", "hello\n").string();
  EXPECT_EQ(Connect(ByName(s), options).status().code(), absl::StatusCode::kInvalidArgument);
  // A client that never starts its handshake is cut off at the deadline.
  Server quick = StartServer(
      dir_ / "quick", dir_ / "quick.log",
      {"--listen", "localhost:0", "--token-file", Tokens(), "--login-timeout", "1",
       "--tls-cert", (kCerts / "server.pem").string(), "--tls-key", Copy("server.key")});
  const int silent = ConnectRaw(quick.tcp);
  ASSERT_GE(silent, 0);
  EXPECT_TRUE(ClosedByServer(silent));
  close(silent);
  EXPECT_EQ(StopServer(quick), 0);
  EXPECT_THAT(ReadFile(quick.log), HasSubstr("TLS handshake failed"));
  // The server served on: a client that checks it gets in.
  options.tls_ca = (kCerts / "server.pem").string();
  auto client = Connect(ByName(s), options);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE((*client)->Head().ok());
  client->reset();
  EXPECT_EQ(StopServer(s), 0);
  EXPECT_THAT(ReadFile(s.log), HasSubstr("TLS handshake failed"));
}

TEST_F(ServeTlsTest, RefusesToStartWithUnusableTlsFiles) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  struct Refused {
    std::string cert, key;  // copied from tests/data/tls ("" = not given)
    mode_t key_mode;
    std::string why;
  };
  for (const Refused& c : std::vector<Refused>{
           {"server.pem", "server.key", 0644, "chmod 600"},
           {"server.pem", "other.key", 0600, "does not belong"},
           {"expired.pem", "expired.key", 0600, "expired on"},
           {"server.pem", "encrypted.key", 0600, "encrypted"},
           {"server.key", "server.key", 0600, "no PEM certificate"},
           {"server.pem", "server.pem", 0600, "no PEM private key"},
           {"server.pem", "", 0600, "both or neither"}}) {
    std::string flags = "serve --listen 0.0.0.0:0 --token-file " + Quote(Tokens()) +
                        " --tls-cert " + Quote(Copy(c.cert, 0644));
    if (!c.key.empty()) flags += " --tls-key " + Quote(Copy(c.key, c.key_mode));
    Result r = Run(flags);
    EXPECT_NE(r.exit_code, 0) << c.why;
    EXPECT_THAT(r.err, HasSubstr(c.why));
  }
  // A FIFO is refused at once, not waited on.
  const std::filesystem::path fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Result r = Run("serve --listen 0.0.0.0:0 --token-file " + Quote(Tokens()) + " --tls-cert " +
                 Quote(fifo.string()) + " --tls-key " + Quote(Copy("server.key")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("not a regular file"));
  r = Run("serve --tls-cert " + Quote(Copy("server.pem")) + " --tls-key " +
          Quote(Copy("server.key")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("apply with --listen"));
  // Nothing was served: no address file was left behind.
  EXPECT_FALSE(std::filesystem::exists(db_ / "annals.server"));
}

// A port that takes connections (the kernel's backlog) but never answers:
// neither the TLS handshake nor the login. The client gives up on each
// (after 10 seconds) rather than hang.
TEST_F(ServeTlsTest, ASilentServerIsUnavailableNotAHang) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const std::string port = std::to_string(ntohs(a.sin_port));
  ClientOptions options;
  options.token = kToken;
  EXPECT_EQ(Connect("tcp:127.0.0.1:" + port, options).status().code(),
            absl::StatusCode::kUnavailable);
  options.tls_ca = (kCerts / "server.pem").string();
  EXPECT_EQ(Connect("tls:localhost:" + port, options).status().code(),
            absl::StatusCode::kUnavailable);
  close(fd);
}

}  // namespace
}  // namespace annals::test
