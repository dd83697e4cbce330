// `annals serve --listen` (issue 20): Cap'n Proto RPC over TCP for clients
// with a token. Real server process, real CLI processes and the C++
// client: a token that may write, one that may only read, a wrong one and
// none; and the token files and addresses the server refuses to start with.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "annals/client.h"
#include "annals/declarative.h"
#include "annals/projection.h"
#include "annals/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;

constexpr char kWriter[] = "0123456789abcdef-writer";
constexpr char kReader[] = "0123456789abcdef-reader";

class ServeTcpTest : public CliFixture {
 protected:
  std::string TokenFile(const std::string& text, mode_t mode = 0600) {
    const std::filesystem::path p = dir_ / "tokens";
    std::ofstream(p, std::ios::trunc) << text;
    chmod(p.c_str(), mode);
    return p.string();
  }

  Server Start() {
    const std::string tokens =
        TokenFile(std::string("# the team's tokens\n") + kWriter + "\n\n" + kReader +
                  " read-only\n");
    return StartServer(db_, dir_ / "server.log",
                       {"--listen", "127.0.0.1:0", "--token-file", tokens});
  }

  // The CLI against the server at `tcp` with `token` in $ANNALS_TOKEN.
  Result Through(const Server& s, const std::string& token, const std::string& args,
                 const std::string& stdin_text = "") {
    const std::filesystem::path in = dir_ / "stdin";
    std::ofstream(in, std::ios::binary) << stdin_text;
    return RunShell(dir_ / "elsewhere", "--server " + Quote(s.tcp) + " " + args,
                    "ANNALS_TOKEN=" + Quote(token), "<" + Quote(in.string()));
  }
};

TEST_F(ServeTcpTest, TokensDecideWhoMayReadAndWrite) {
  Server s = Start();
  ASSERT_THAT(s.tcp, HasSubstr("tcp:127.0.0.1:")) << ReadFile(s.log);
  Result r = Through(s, kWriter, "import " + Quote(kSample));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 12"));
  // A read-only token reads, and changes nothing.
  r = Through(s, kReader, "timeline --actor 'donald trump' --format jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 3u);
  r = Through(s, kReader, "append --speaker Ada --verb said --content one --at 2018");
  EXPECT_EQ(r.exit_code, 1);  // the user's mistake, not the store's
  EXPECT_THAT(r.err, HasSubstr("read-only"));
  r = Through(s, kReader, "retract 1 --reason wrong");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("read-only"));
  // A wrong token, and none, get nothing.
  r = Through(s, "0123456789abcdef-wrong!", "stats");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("wrong token"));
  r = Through(s, "", "stats");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("needs a token"));
  // The store holds what the writer appended, nothing more.
  r = Through(s, kWriter, "stats --format jsonl");
  EXPECT_THAT(r.out, HasSubstr("\"head\":12"));
  // It names the server it asked, not a --db it never opened.
  EXPECT_THAT(r.out, HasSubstr("\"store\":\"" + s.tcp + "\""));
  // The local socket needs no token, as before.
  r = Run("stats --format jsonl");
  EXPECT_THAT(r.out, HasSubstr("\"head\":12"));
  EXPECT_THAT(r.out, HasSubstr("\"store\":\"" + db_.string() + "\""));
  EXPECT_EQ(StopServer(s), 0);
  const std::string log = ReadFile(s.log);
  EXPECT_THAT(log, HasSubstr("login refused: wrong token"));
  EXPECT_THAT(log, HasSubstr("logged in (read-only)"));
  EXPECT_THAT(log, HasSubstr("opened from 127.0.0.1:"));  // who, for TCP
}

TEST_F(ServeTcpTest, TheCppClientLogsInWithItsToken) {
  Server s = Start();
  ASSERT_FALSE(s.tcp.empty()) << ReadFile(s.log);
  ClientOptions options;
  options.token = kReader;
  auto reader = Connect(s.tcp, options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  Statement st;
  st.speaker = "Ada";
  st.verb = "said";
  st.content = "one";
  st.occurred_at = *ParseTime("2018");
  EXPECT_TRUE((*reader)->read_only());
  auto appended = (*reader)->Append({&st, 1});
  EXPECT_EQ(appended.status().code(), absl::StatusCode::kPermissionDenied);
  options.token = kWriter;
  auto writer = Connect(s.tcp, options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_FALSE((*writer)->read_only());
  appended = (*writer)->Append({&st, 1});
  ASSERT_TRUE(appended.ok()) << appended.status();
  auto head = (*reader)->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, 1u);
  // Every change through the read-only token is refused, and backup (files
  // on the server's machine) through any token over TCP.
  const auto denied = absl::StatusCode::kPermissionDenied;
  EXPECT_EQ((*reader)->Correct(1, st, "typo").status().code(), denied);
  EXPECT_EQ((*reader)->Retract(1, "wrong").status().code(), denied);
  EXPECT_EQ((*reader)->Alias("A", "Ada").status().code(), denied);
  ProjectionDefinition def;
  def.name = "by_speaker";
  def.key = {"speaker"};
  EXPECT_EQ((*reader)->CreateProjection(def).code(), denied);
  EXPECT_EQ((*reader)->DropProjection("actors").code(), denied);
  EXPECT_EQ((*reader)->Rebuild("actors").code(), denied);
  EXPECT_EQ((*reader)->Backup((dir_ / "bk-r").string()).status().code(), denied);
  // A read-only token searches an index the server has, and makes none.
  SearchQuery q;
  q.text = "one";
  EXPECT_EQ((*reader)->Search(q).status().code(), denied);
  EXPECT_FALSE(std::filesystem::exists(db_ / "search" / "english"));
  auto found = (*writer)->Search(q);
  ASSERT_TRUE(found.ok()) << found.status();
  auto read = (*reader)->Search(q);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->hits.size(), 1u);
  EXPECT_EQ(read->hits[0].event.statement.content, "one");
  q.language = "french";
  EXPECT_EQ((*reader)->Search(q).status().code(), denied);
  EXPECT_EQ((*writer)->Backup((dir_ / "bk-w").string()).status().code(), denied);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bk-r"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bk-w"));
  EXPECT_EQ(*(*reader)->Head(), 1u);
  auto projections = (*writer)->Projections();
  ASSERT_TRUE(projections.ok());
  for (const ProjectionInfo& p : *projections) EXPECT_NE(p.name, "by_speaker");
  options.token = "0123456789abcdef-wrong!";
  EXPECT_EQ(Connect(s.tcp, options).status().code(), absl::StatusCode::kPermissionDenied);
  options.token = "";
  EXPECT_EQ(Connect(s.tcp, options).status().code(), absl::StatusCode::kInvalidArgument);
  // Only loopback addresses, until TLS exists: a token never crosses a
  // network in clear.
  options.token = kWriter;
  EXPECT_EQ(Connect("tcp:192.0.2.1:9", options).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StopServer(s), 0);
}

TEST_F(ServeTcpTest, RefusesToStartWithoutSafeTokens) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Result r = Run("serve --listen 127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("needs --token-file"));
  // Token files it refuses, and an address it may not serve, each saying why.
  struct Refused {
    std::string listen, tokens;
    mode_t mode;
    int exit_code;  // -1: any failure
    std::string why;
  };
  const std::string writer = std::string(kWriter) + "\n";
  for (const Refused& c : std::vector<Refused>{
           {"127.0.0.1:0", writer, 0644, -1, "chmod 600"},
           {"127.0.0.1:0", "short\n", 0600, 1, "at least 16"},
           {"127.0.0.1:0", std::string(kWriter) + " admin\n", 0600, 1, "TOKEN read-only"},
           {"127.0.0.1:0", "# none\n", 0600, 1, "no token"},
           {"0.0.0.0:0", writer, 0600, 1, "TLS"}}) {
    r = Run("serve --listen " + c.listen + " --token-file " + Quote(TokenFile(c.tokens, c.mode)));
    if (c.exit_code < 0) EXPECT_NE(r.exit_code, 0) << c.why;
    else EXPECT_EQ(r.exit_code, c.exit_code) << c.why;
    EXPECT_THAT(r.err, HasSubstr(c.why));
  }
  r = Run("serve --token-file " + Quote(TokenFile(std::string(kWriter) + "\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("applies with --listen"));
  // Nothing was served: no address file was left behind.
  EXPECT_FALSE(std::filesystem::exists(db_ / "annals.server"));
}

// Clients that connect and never log in are disconnected at the login
// deadline, and hold at most half of --max-connections meanwhile: the
// other places stay for clients that log in.
TEST_F(ServeTcpTest, ClientsThatNeverLogInAreCutOff) {
  const std::string tokens = TokenFile(std::string(kWriter) + "\n");
  Server s = StartServer(db_, dir_ / "server.log",
                         {"--listen", "127.0.0.1:0", "--token-file", tokens, "--login-timeout",
                          "5", "--max-connections", "4"});
  ASSERT_FALSE(s.tcp.empty()) << ReadFile(s.log);
  ClientOptions options;
  options.token = kWriter;
  auto before = Connect(s.tcp, options);  // logged in: not pending
  ASSERT_TRUE(before.ok()) << before.status();
  const int silent[] = {ConnectRaw(s.tcp), ConnectRaw(s.tcp)};
  ASSERT_GE(silent[0], 0);
  ASSERT_GE(silent[1], 0);
  // Two wait for a login, half of 4: a third is refused, though places
  // are free (a Unix socket client gets one).
  EXPECT_EQ(Connect(s.tcp, options).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Run("stats --format jsonl").exit_code, 0);
  for (int fd : silent) {
    EXPECT_TRUE(ClosedByServer(fd));
    close(fd);
  }
  auto after = Connect(s.tcp, options);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE((*after)->Head().ok());
  EXPECT_TRUE((*before)->Head().ok());  // a client that logged in stays
  before->reset();
  after->reset();
  EXPECT_EQ(StopServer(s), 0);
  const std::string log = ReadFile(s.log);
  EXPECT_THAT(log, HasSubstr("no login within 5 seconds"));
  EXPECT_THAT(log, HasSubstr("have not logged in yet"));
  EXPECT_NE(Run("serve --listen 127.0.0.1:0 --token-file " + Quote(tokens) +
                " --login-timeout 0").exit_code, 0);
}

// A --listen port that is taken stops the start; the server removes only
// the socket it had made, and a user's file beside it stays.
TEST_F(ServeTcpTest, ATakenPortRemovesOnlyWhatTheStartMade) {
  Server first = Start();
  ASSERT_FALSE(first.tcp.empty()) << ReadFile(first.log);
  const std::filesystem::path other = dir_ / "other";
  ASSERT_EQ(RunOn(other, "import " + Quote(kSample)).exit_code, 0);
  std::ofstream(other / "notes.txt") << "mine";
  const std::string port = first.tcp.substr(first.tcp.rfind(':') + 1);
  Result r = RunOn(other, "serve --listen 127.0.0.1:" + port + " --token-file " +
                              Quote(TokenFile(std::string(kWriter) + "\n")));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot listen"));
  EXPECT_FALSE(std::filesystem::exists(other / "annals.sock"));
  EXPECT_FALSE(std::filesystem::exists(other / "annals.server"));
  EXPECT_EQ(ReadFile(other / "notes.txt"), "mine");
  EXPECT_EQ(Run("stats --format jsonl").exit_code, 0);  // the first one serves on
  EXPECT_EQ(StopServer(first), 0);
}

}  // namespace
}  // namespace annals::test
