// `annals log --follow` (issue 20): prints what another process appends,
// on a store with no server and through a server, until SIGINT/SIGTERM
// (exit 0) or a closed stdout (exit 0, quietly). Real processes; each wait
// is a blocking read of the follower's output (the poll timeout only keeps
// a broken build from hanging the suite).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;

// A follower: the CLI with its standard output on a pipe we read.
struct Follower {
  pid_t pid = -1;
  int out = -1;
  std::string buffered;

  // The next line it prints ("" if it ends or says nothing for a minute).
  std::string NextLine() {
    for (;;) {
      if (size_t nl = buffered.find('\n'); nl != std::string::npos) {
        std::string line = buffered.substr(0, nl);
        buffered.erase(0, nl + 1);
        return line;
      }
      struct pollfd p = {out, POLLIN, 0};
      if (poll(&p, 1, 60000) <= 0) return "";
      char buf[4096];
      ssize_t n = read(out, buf, sizeof buf);
      if (n <= 0) return "";
      buffered.append(buf, static_cast<size_t>(n));
    }
  }
  int Stop(int sig) {
    kill(pid, sig);
    return Wait();
  }
  int Wait() {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (out >= 0) close(out);
    out = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

Follower StartFollower(const std::vector<std::string>& args, const std::string& err_path) {
  Follower f;
  int fds[2];
  if (pipe(fds) != 0) return f;
  std::vector<std::string> store = args;
  std::vector<char*> argv;
  for (auto& s : store) argv.push_back(s.data());
  argv.push_back(nullptr);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(err, 2);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(err);
  close(fds[1]);
  f.pid = pid;
  f.out = fds[0];
  return f;
}

class CliFollowTest : public CliFixture {
 protected:
  Follower Follow(const std::string& format = "jsonl") {
    return StartFollower({CliPath(), "--db", db_.string(), "log", "--follow", "--format", format},
                         (dir_ / "follower.err").string());
  }
  std::string FollowerErr() { return ReadFile(dir_ / "follower.err"); }

  // Follows from the start: the 12 statements there, then one `append`ed by
  // another process, then SIGINT/SIGTERM.
  void FollowsAnotherProcessesAppend(int sig) {
    Follower f = Follow();
    for (int i = 1; i <= 12; ++i)
      ASSERT_THAT(f.NextLine(), HasSubstr("\"seq\":" + std::to_string(i) + ","));
    Result a = Run("append --speaker Ada --verb said --content 'from another process' --at 2018");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    std::string line = f.NextLine();
    EXPECT_THAT(line, HasSubstr("\"seq\":13,"));
    EXPECT_THAT(line, HasSubstr("from another process"));
    ASSERT_EQ(Run("retract 13 --reason r").exit_code, 0);
    EXPECT_THAT(f.NextLine(), HasSubstr("\"target_id\":"));
    EXPECT_EQ(f.Stop(sig), 0);
    EXPECT_EQ(FollowerErr(), "");
  }
};

class CliFollowTimelineTest : public CliFollowTest,
                              public ::testing::WithParamInterface<bool> {};

// timeline --follow: the timeline, then a row for each arriving event that
// concerns it, and nothing for the others; with a server and without.
TEST_P(CliFollowTimelineTest, PrintsTheRowsArrivingEventsMake) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s;
  if (GetParam()) s = StartServer(db_, dir_ / "server.log");
  const size_t before = Lines(Run("timeline --actor 'Kirill Dmitriev' --format jsonl").out).size();
  ASSERT_GT(before, 0u);
  Follower f = StartFollower({CliPath(), "--db", db_.string(), "timeline", "--actor",
                              "kirill  DMITRIEV", "--follow", "--format", "jsonl"},
                             (dir_ / "follower.err").string());
  for (size_t i = 0; i < before; ++i) ASSERT_THAT(f.NextLine(), HasSubstr("\"status\":\"active\""));
  ASSERT_EQ(Run("append --speaker Someone --verb said --content other --at 2018").exit_code, 0);
  ASSERT_EQ(Run("append --speaker 'Kirill Dmitriev' --target Ada --verb said --content mine "
                "--at 2018").exit_code, 0);
  std::string row = f.NextLine();
  EXPECT_THAT(row, HasSubstr("\"seq\":14,"));
  EXPECT_THAT(row, HasSubstr("\"status\":\"active\",\"role\":\"speaker\""));
  ASSERT_EQ(Run("correct 14 --content changed --reason r").exit_code, 0);
  row = f.NextLine();
  EXPECT_THAT(row, HasSubstr("\"seq\":14,"));
  EXPECT_THAT(row, HasSubstr("changed"));
  EXPECT_THAT(row, HasSubstr("\"status\":\"corrected\""));
  ASSERT_EQ(Run("retract 14 --reason gone").exit_code, 0);
  EXPECT_THAT(f.NextLine(), HasSubstr("\"status\":\"retracted\""));
  EXPECT_EQ(f.Stop(SIGINT), 0);
  EXPECT_EQ(FollowerErr(), "");
  if (GetParam()) EXPECT_EQ(StopServer(s), 0);
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutServer, CliFollowTimelineTest, ::testing::Bool());

TEST_F(CliFollowTest, PrintsWhatAnotherProcessAppendsWithoutAServer) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  FollowsAnotherProcessesAppend(SIGINT);
}

TEST_F(CliFollowTest, PrintsWhatAnotherProcessAppendsThroughAServer) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s = StartServer(db_, dir_ / "server.log");
  FollowsAnotherProcessesAppend(SIGTERM);
  EXPECT_THAT(ReadFile(s.log), HasSubstr("connection 1 opened"));
  EXPECT_EQ(StopServer(s), 0);
}

TEST_F(CliFollowTest, ResumesWithTheNextServerAndEndsQuietlyWhenStdoutCloses) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s = StartServer(db_, dir_ / "server.log");
  Follower f = Follow("csv");
  ASSERT_THAT(f.NextLine(), HasSubstr("seq,recorded_at"));
  for (int i = 1; i <= 12; ++i) ASSERT_THAT(f.NextLine(), HasSubstr(std::to_string(i) + ","));
  ASSERT_EQ(StopServer(s), 0);
  Server again = StartServer(db_, dir_ / "server2.log");
  ASSERT_EQ(Run("append --speaker Ada --verb said --content after --at 2018").exit_code, 0);
  EXPECT_THAT(f.NextLine(), HasSubstr("13,"));
  // The reader goes away: the next event's write fails with EPIPE.
  close(f.out);
  f.out = -1;
  ASSERT_EQ(Run("append --speaker Ada --verb said --content gone --at 2018").exit_code, 0);
  EXPECT_EQ(f.Wait(), 0);
  EXPECT_EQ(FollowerErr(), "");
  EXPECT_EQ(StopServer(again), 0);
}

}  // namespace
}  // namespace annals::test
