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

#include <map>
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
  if (pipe2(fds, O_CLOEXEC) != 0) return f;  // no other child holds the read end
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

// The value of `key` in a jsonl row: a number, or a string's raw text.
std::string JsonField(const std::string& row, const std::string& key) {
  const std::string quoted = "\"" + key + "\":";
  size_t at = row.find(quoted);
  if (at == std::string::npos) return "";
  at += quoted.size();
  if (row[at] == '"') return row.substr(at + 1, row.find('"', at + 1) - at - 1);
  return row.substr(at, row.find_first_of(",}", at) - at);
}

// The timeline as rows keyed by seq (the oracle's form).
std::map<std::string, std::string> BySeq(const std::vector<std::string>& rows) {
  std::map<std::string, std::string> out;
  for (const std::string& r : rows) out[JsonField(r, "seq")] = r;
  return out;
}

// Corrections moving statements out of and into the timeline, and
// retractions of statements in it and not: each prints what it changes,
// and only that, and the rows applied in order to the timeline printed
// first give the timeline as it then stands (the oracle: a fresh query).
TEST_P(CliFollowTimelineTest, RowsAppliedInOrderGiveTheTimelineAsItNowStands) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server s;
  if (GetParam()) s = StartServer(db_, dir_ / "server.log");
  const std::string timeline = "timeline --actor 'Kirill Dmitriev' --format jsonl";
  const std::vector<std::string> first = Lines(Run(timeline).out);
  ASSERT_GE(first.size(), 2u);
  const std::string old_seq = JsonField(first[0], "seq");
  Follower f = StartFollower({CliPath(), "--db", db_.string(), "timeline", "--actor",
                              "Kirill Dmitriev", "--follow", "--format", "jsonl"},
                             (dir_ / "follower.err").string());
  std::map<std::string, std::string> model;
  for (size_t i = 0; i < first.size(); ++i) {
    std::string row = f.NextLine();
    ASSERT_EQ(row, first[i]);
    model[JsonField(row, "seq")] = row;
  }
  auto next = [&](const std::string& status, const std::string& seq) {
    std::string row = f.NextLine();
    EXPECT_EQ(JsonField(row, "status"), status) << row;
    EXPECT_EQ(JsonField(row, "seq"), seq) << row;
    if (status == "retracted" || status == "left") model.erase(seq);
    else model[seq] = row;
    return row;
  };
  auto run = [&](const std::string& args) {
    Result r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << args << ": " << r.err;
  };
  run("append --speaker 'Kirill Dmitriev' --verb said --content mine --at 2018");  // 13
  next("active", "13");
  run("correct 13 --speaker Someone --content moved --reason r");  // out
  std::string row = next("left", "13");
  EXPECT_THAT(row, HasSubstr("\"speaker\":\"Someone\""));
  EXPECT_THAT(row, HasSubstr("\"role\":\"speaker\""));
  run("append --speaker Other --verb said --content theirs --at 2018");  // 15: not in it
  run("correct 15 --speaker 'Kirill Dmitriev' --content theirs --reason r");  // in
  next("corrected", "15");
  run("correct " + old_seq + " --content 'said otherwise' --reason r");
  next("corrected", old_seq);
  run("retract " + old_seq + " --reason gone");
  row = next("retracted", old_seq);
  EXPECT_THAT(row, HasSubstr("said otherwise"));  // the values it had
  run("retract 13 --reason gone");                // left already: no row
  run("append --speaker 'Kirill Dmitriev' --verb said --content last --at 2019");
  row = f.NextLine();
  EXPECT_THAT(row, HasSubstr("\"content\":\"last\"")) << "a row for an event that changes nothing";
  model[JsonField(row, "seq")] = row;
  EXPECT_EQ(f.Stop(SIGINT), 0);
  EXPECT_EQ(FollowerErr(), "");
  EXPECT_EQ(model, BySeq(Lines(Run(timeline).out)));
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

// With --server naming it, the follower waits out a restart (and what was
// appended while the server was down comes first), not exit on the outage.
TEST_F(CliFollowTest, WaitsForTheServerItNamesToComeBack) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  const std::string socket = (dir_ / "annals.sock").string();
  Server s = StartServer(db_, dir_ / "server.log", {"--socket", socket});
  Follower f = StartFollower({CliPath(), "--server", "unix:" + socket, "log", "--follow",
                              "--format", "jsonl"},
                             (dir_ / "follower.err").string());
  for (int i = 1; i <= 12; ++i)
    ASSERT_THAT(f.NextLine(), HasSubstr("\"seq\":" + std::to_string(i) + ","));
  ASSERT_EQ(StopServer(s), 0);
  ASSERT_EQ(Run("append --speaker Ada --verb said --content offline --at 2018").exit_code, 0);
  Server again = StartServer(db_, dir_ / "server2.log", {"--socket", socket});
  EXPECT_THAT(f.NextLine(), HasSubstr("offline"));
  ASSERT_EQ(Run("append --speaker Ada --verb said --content online --at 2018").exit_code, 0);
  EXPECT_THAT(f.NextLine(), HasSubstr("online"));
  EXPECT_EQ(f.Stop(SIGTERM), 0);
  EXPECT_EQ(FollowerErr(), "");
  EXPECT_EQ(StopServer(again), 0);
}

}  // namespace
}  // namespace annals::test
