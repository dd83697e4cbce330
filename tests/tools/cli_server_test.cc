// The CLI beside a running `annals serve` (issue 20): every command goes
// through the server holding the store, by itself. Real server process,
// real CLI binary; the server's log counts the connections, which shows
// that a command went through it rather than opening the store.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;

class CliServerTest : public CliFixture {
 protected:
  Server Start() { return StartServer(db_, dir_ / "server.log"); }

  // Connections the server has logged so far.
  static size_t Connections(const Server& s) {
    size_t n = 0;
    for (const std::string& line : Lines(ReadFile(s.log)))
      if (line.find(" opened") != std::string::npos) ++n;
    return n;
  }

  // How long a build or an import took.
  static std::string WithoutTime(const std::string& out) {
    static const std::regex took(" in [0-9.]+ s");
    return std::regex_replace(out, took, "");
  }

  // The store's size changes while a server runs (its socket, logs and
  // write-ahead log): leave it out when comparing `stats`.
  static std::string WithoutSize(const std::string& out) {
    static const std::regex size_line("size on disk[^\n]*\n");
    static const std::regex size_field("\"bytes_on_disk\":[0-9]+");
    return std::regex_replace(std::regex_replace(out, size_line, ""), size_field, "");
  }
};

TEST_F(CliServerTest, WritingCommandsGoThroughTheServerHoldingTheStore) {
  const std::filesystem::path local = dir_ / "local";
  Server s = Start();
  ASSERT_THAT(s.address, HasSubstr("unix:"));
  const std::vector<std::string> writes = {
      "import " + Quote(kSample),
      "append --speaker Ada --verb said --content one --at 2018",
      "alias Trump 'Donald Trump'",
      "correct 4 --content corrected --reason redated",
      "retract mt-2025-03-31-rare-earths-09 --reason gone",
      "retract 9 --reason again",  // already retracted: exit 1 both ways
      "projection create sp --key speaker --where code=04",
      "rebuild sp",
      "projection drop sp",
      "projection drop actors",  // a built-in: refused
      "import --strict " + Quote(kSample),
      // Amendments keep their own attributes through the server too.
      "alias --file " + Quote(Write("aliases.csv", "alias,canonical,evidence\n"
                                                   "Kirill Dmitriev,Dmitriev,reviewed\n")
                                  .string()),
      // A cycle with a stored alias is found by a dry run or --strict's check
      // through the server too (exit 1, nothing appended).
      "alias --file " + Quote(Write("cycle.csv", "alias,canonical\nZelensky,Z\n"
                                                 "Donald Trump,Trump\n").string()) +
          " --dry-run",
      "alias --file " + Quote((dir_ / "cycle.csv").string()) + " --strict",
      "import " + Quote(Write("retraction.jsonl",
                              "{\"seq\":100,\"kind\":\"retraction\",\"target_id\":"
                              "\"mt-2025-03-31-rare-earths-02\",\"reason\":\"copied\"}\n")
                            .string()),
  };
  for (const std::string& cmd : writes) {
    SCOPED_TRACE(cmd);
    Result served = Run(cmd);
    Result here = RunOn(local, cmd);  // the same on a store of its own
    EXPECT_EQ(served.exit_code, here.exit_code) << served.err;
    EXPECT_EQ(WithoutTime(served.out), WithoutTime(here.out));
    EXPECT_EQ(WithoutTime(served.err), WithoutTime(here.err));
  }
  EXPECT_EQ(Connections(s), writes.size());
  const std::string log = Run("log --format jsonl").out;
  EXPECT_THAT(log, HasSubstr("\"evidence\":\"reviewed\",\"import.file\":\"aliases.csv\""));
  EXPECT_THAT(log, HasSubstr("\"import.source_seq\":\"100\""));
  // What the server holds is what the local store holds.
  for (const std::string& cmd : {"timeline --actor Trump --format jsonl",
                                 "export --format csv", "actors", "projections",
                                 "log --format jsonl"}) {
    SCOPED_TRACE(cmd);
    std::string served = Run(cmd).out, here = RunOn(local, cmd).out;
    EXPECT_EQ(std::regex_replace(served, std::regex("\"recorded_at\":\"[^\"]*\""), ""),
              std::regex_replace(here, std::regex("\"recorded_at\":\"[^\"]*\""), ""));
  }
  EXPECT_EQ(StopServer(s), 0);
}

TEST_F(CliServerTest, ReadingCommandsAnswerFromTheServerByteForByte) {
  for (const std::string& cmd :
       {"import " + Quote(kSample), std::string("alias Trump 'Donald Trump'"),
        std::string("correct 4 --content corrected --reason redated"),
        std::string("retract 8 --reason gone"),
        std::string("projection create sp --key speaker,month --where code=0")})
    ASSERT_EQ(Run(cmd).exit_code, 0) << cmd;
  const std::vector<std::string> reads = {
      "stats",
      "stats --format jsonl",
      "show 1",
      "show 4",
      "show 4 --format jsonl",
      "show 8 --history --format csv",
      "show mt-2025-03-31-rare-earths-02",
      "show 999",
      "log",
      "log --format jsonl --from-seq 3 --to-seq 14",
      "log --format csv --from 2025-03",
      "export",
      "export --format csv --as-of 6",
      "timeline --actor Trump",
      "timeline --actor 'Donald Trump' --format jsonl --include-retracted",
      "timeline --topic 'rare earth metals' --limit 4",
      "timeline --topic 'rare earth metals' --as-of 5 --format csv --reverse",
      "timeline --actor Nobody",
      "actors",
      "actors --top 3 --format jsonl",
      "topics --prefix rare",
      "projections",
      "projection query sp --counts",
      "projection query sp 'Kirill Dmitriev' 2025-03 --format jsonl",
      "projection query nosuch x",
      "network",
      "network --format csv --as-of 6",
      "network --format gexf --actor Trump --depth 2",
  };
  std::vector<Result> here;
  for (const std::string& cmd : reads) here.push_back(Run(cmd));
  Server s = Start();
  for (size_t i = 0; i < reads.size(); ++i) {
    SCOPED_TRACE(reads[i]);
    Result served = Run(reads[i]);
    EXPECT_EQ(served.exit_code, here[i].exit_code) << served.err;
    EXPECT_EQ(WithoutSize(served.out), WithoutSize(here[i].out));
    EXPECT_EQ(served.err, here[i].err);
  }
  EXPECT_EQ(Connections(s), reads.size());
  EXPECT_EQ(StopServer(s), 0);
}

TEST_F(CliServerTest, AStaleAddressFileFallsBackToTheStore) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s = Start();
  ASSERT_EQ(Run("retract 3 --reason r").exit_code, 0);
  kill(s.child.pid, SIGKILL);
  Wait(s.child);
  ASSERT_TRUE(std::filesystem::exists(db_ / "annals.server"));
  Result stats = Run("stats --format jsonl");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("\"events\":13"));
  Result append = Run("append --speaker Ada --verb said --content one --at 2018");
  EXPECT_EQ(append.exit_code, 0) << append.err;
}

TEST_F(CliServerTest, BackupRunsInTheServerRestoreAndRepairRefuse) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s = Start();
  const std::string backup = (dir_ / "backup").string();
  Result b = Run("backup " + Quote(backup));
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(b.out, HasSubstr("(copy 1): seqs 1..12"));
  EXPECT_EQ(Connections(s), 1u);  // the server took it
  Result restore = Run("restore --force " + Quote(backup));
  EXPECT_EQ(restore.exit_code, 2);  // as repair's, and every "in use"
  EXPECT_THAT(restore.err, HasSubstr("in use by a running server (annals serve): stop it"));
  Result repair = Run("repair");
  EXPECT_EQ(repair.exit_code, 2);
  EXPECT_THAT(repair.err, HasSubstr("in use by a running server"));
  EXPECT_EQ(StopServer(s), 0);
  // The backup restores into a store of its own.
  Result back = RunOn(dir_ / "restored", "restore " + Quote(backup));
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_THAT(RunOn(dir_ / "restored", "stats --format jsonl").out, HasSubstr("\"events\":12"));
}

TEST_F(CliServerTest, ServerFlagAndEnvironmentNameTheServer) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s = Start();
  const std::filesystem::path elsewhere = dir_ / "no-store-here";
  Result flag = RunOn(elsewhere, "--server " + Quote(s.address) + " show 3 --format jsonl");
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_THAT(flag.out, HasSubstr("\"seq\":3,"));
  Result env = RunShell(elsewhere, "log --format jsonl", "ANNALS_SERVER=" + Quote(s.address),
                        "</dev/null");
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(Lines(env.out).size(), 12u);
  EXPECT_EQ(Connections(s), 2u);
  EXPECT_FALSE(std::filesystem::exists(elsewhere));  // nothing opened or made there
  Result tcp = RunOn(elsewhere, "--server tcp:127.0.0.1:7000 stats");
  EXPECT_EQ(tcp.exit_code, 1);
  EXPECT_THAT(tcp.err, HasSubstr("needs a token"));  // serve_tcp_test.cc has the rest
  Result gone = RunOn(elsewhere, "--server unix:" + Quote((dir_ / "nothing.sock").string()) +
                                     " stats");
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_THAT(gone.err, HasSubstr("--server unix:"));
  EXPECT_EQ(StopServer(s), 0);
}

// A "server" that accepts each connection and hangs up at once: the CLI
// connects, and its first call fails (the server went away between the
// connect and the call). `projections`, whose Engine call cannot fail,
// then says why with exit 2 rather than print "no projections" with 0;
// so do the other commands that read the head or the projections.
TEST_F(CliServerTest, AServerThatFailsTheCallIsExit2NotAnEmptyAnswer) {
  const std::string path = (dir_ / "hangs-up.sock").string();
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  std::thread hang_up([listener] {
    for (;;) {
      int fd = accept(listener, nullptr, nullptr);
      if (fd < 0) return;  // shut down below
      close(fd);
    }
  });
  const std::string server = "--server unix:" + Quote(path) + " ";
  for (const std::string& cmd :
       {std::string("projections"), std::string("projections --format jsonl"),
        std::string("show 1"), std::string("actors --no-wait"), std::string("actors")}) {
    SCOPED_TRACE(cmd);
    Result r = Run(server + cmd);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.out, ::testing::Not(HasSubstr("no projections")));
    EXPECT_NE(r.err, "");
  }
  shutdown(listener, SHUT_RDWR);
  hang_up.join();
  close(listener);
}

}  // namespace
}  // namespace annals::test
