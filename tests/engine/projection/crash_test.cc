// Crash equivalence: a process appending while the projection workers catch
// up is SIGKILLed at random moments; after reopening and catching up, the
// built-in projections answer exactly like the model of the log (and like a
// rebuild of the same store): no event skipped, none applied twice.
//
// The child is this test binary, fork()ed and exec()ed into the disabled
// test CrashChild.DISABLED_Run, so it starts with no inherited RocksDB or
// engine threads.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/projection.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"

extern char** environ;

namespace annals {
namespace {

using test::FastOptions;
using test::Generator;
using test::ModelLog;
using test::TempDir;

constexpr char kChildEnv[] = "ANNALS_CRASH_CHILD";

// Run only in the child: "<store>|<seed>|<events>|<ready fd>".
TEST(CrashChild, DISABLED_Run) {
  const char* spec = getenv(kChildEnv);
  if (spec == nullptr) GTEST_SKIP() << "only run by CrashTest";
  char path[4096];
  unsigned long long seed = 0;
  int events = 0;
  int ready_fd = -1;
  if (sscanf(spec, "%4095[^|]|%llu|%d|%d", path, &seed, &events, &ready_fd) != 4) {
    _exit(2);
  }
  auto opened = Engine::Open(path, FastOptions());
  if (!opened.ok()) {
    fprintf(stderr, "child: open: %s\n", opened.status().ToString().c_str());
    _exit(3);
  }
  std::unique_ptr<Engine> engine = *std::move(opened);
  auto model = ModelLog::FromEngine(*engine);
  if (!model.ok()) _exit(5);
  // Ready: the store is open and the appends start now.
  char byte = 'r';
  if (write(ready_fd, &byte, 1) != 1) _exit(4);
  close(ready_fd);
  test::GenOptions options;
  options.append = test::Bulk();
  Generator gen(seed, engine.get(), &*model, options);
  for (int i = 0; i < events; ++i) {
    if (i % 150 == 0) {
      absl::Status st = gen.AppendBatch(150);  // a burst for the workers
      if (!st.ok()) {
        fprintf(stderr, "child: %s\n", st.ToString().c_str());
        _exit(6);
      }
    }
    absl::Status st = gen.Step();
    if (!st.ok()) {
      fprintf(stderr, "child: %s\n", st.ToString().c_str());
      _exit(6);
    }
  }
  absl::Status st = engine->WaitFor(engine->Head(), absl::Seconds(60));
  _exit(st.ok() ? 0 : 7);
}

// Starts the child; returns its pid and the read end of its ready pipe.
pid_t SpawnChild(const std::string& path, uint64_t seed, int events,
                 int* ready_read) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls until exec.
  std::string env = std::string(kChildEnv) + "=" + path + "|" +
                    std::to_string(seed) + "|" + std::to_string(events) + "|" +
                    std::to_string(fds[1]);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind(std::string(kChildEnv) + "=", 0) != 0) {
      env_store.push_back(*e);
    }
  }
  env_store.push_back(env);
  std::vector<char*> envp;
  for (auto& s : env_store) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe";
  std::string filter = "--gtest_filter=CrashChild.DISABLED_Run";
  std::string disabled = "--gtest_also_run_disabled_tests";
  char* argv[] = {exe.data(), filter.data(), disabled.data(), nullptr};
  int devnull = open("/dev/null", O_WRONLY);

  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (devnull >= 0) dup2(devnull, 1);  // keep stderr for diagnostics
    execve(exe.c_str(), argv, envp.data());
    _exit(127);
  }
  if (devnull >= 0) close(devnull);
  close(fds[1]);
  *ready_read = fds[0];
  return pid;
}

std::map<std::string, uint64_t> CountsByNorm(const std::vector<GroupCount>& groups) {
  std::map<std::string, uint64_t> out;
  for (const auto& g : groups) {
    if (g.key.empty()) {
      ADD_FAILURE() << "group without a key";
      continue;
    }
    out[test::Norm(g.key[0])] += g.count;
  }
  return out;
}

// Statement counts per normalised topic, current view.
std::map<std::string, uint64_t> ModelTopicCounts(const ModelLog& model) {
  ModelLog::View v = model.ViewAt(model.head());
  std::map<std::string, uint64_t> out;
  for (uint64_t s : model.statement_seqs()) {
    if (v.IsRetracted(s)) continue;
    std::set<std::string> topics;
    for (const auto& t : v.Current(s).topics) topics.insert(test::Norm(t));
    for (const auto& t : topics) ++out[t];
  }
  return out;
}

std::vector<std::vector<TimelineEntry>> AllTimelines(const Engine& engine,
                                                     const Generator& gen) {
  std::vector<std::vector<TimelineEntry>> out;
  for (bool actor : {true, false}) {
    for (const auto& name : actor ? gen.ActorQueries() : gen.TopicQueries()) {
      TimelineQuery q;
      q.kind = actor ? TimelineKind::kActor : TimelineKind::kTopic;
      q.name = name;
      q.include_retracted = true;
      q.limit = 0;
      auto page = engine.Timeline(q);
      EXPECT_TRUE(page.ok()) << page.status();
      out.push_back(page.ok() ? page->entries : std::vector<TimelineEntry>{});
    }
  }
  return out;
}

void VerifyStore(const std::string& path, int round, bool rebuild) {
  SCOPED_TRACE("round " + std::to_string(round));
  auto opened = Engine::Open(path, FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  for (const auto& p : engine->Projections()) {
    std::cout << "  reopened: " << p.name << " at " << p.checkpoint << " of "
              << p.head << "\n";
  }
  absl::Status st = engine->WaitFor(engine->Head(), absl::Seconds(60));
  ASSERT_TRUE(st.ok()) << st;
  auto model = ModelLog::FromEngine(*engine);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model->head(), engine->Head());
  for (const auto& p : engine->Projections()) {
    EXPECT_EQ(p.state, ProjectionState::kLive) << p.name << ": " << p.error;
    EXPECT_EQ(p.checkpoint, engine->Head()) << p.name;
  }

  Generator names(0, engine.get(), &*model);  // for its name lists only
  int failures = 0;
  auto check = [&](const TimelineQuery& q) {
    if (failures >= 10) return;
    auto r = test::EngineMatchesModel(*engine, *model, q);
    if (!r) {
      ++failures;
      ADD_FAILURE() << r.message();
    }
  };
  for (const auto& name : names.ActorQueries()) {
    TimelineQuery q;
    q.name = name;
    q.include_retracted = true;
    q.limit = 0;
    check(q);
  }
  for (const auto& name : names.TopicQueries()) {
    for (bool incl : {false, true}) {
      TimelineQuery q;
      q.kind = TimelineKind::kTopic;
      q.name = name;
      q.include_retracted = incl;
      q.limit = 0;
      check(q);
    }
  }
  // A point in the past.
  for (uint64_t n : {model->head() * 2 / 3}) {
    for (const auto& name : names.ActorQueries()) {
      TimelineQuery q;
      q.name = name;
      q.as_of = n;
      q.include_retracted = true;
      q.limit = 0;
      check(q);
    }
  }

  // Counters must not double-count: topic counts against the model.
  auto topics = engine->Counts("topics", "", 0);
  ASSERT_TRUE(topics.ok()) << topics.status();
  EXPECT_EQ(CountsByNorm(*topics), ModelTopicCounts(*model));
  auto actors = engine->Counts("actors", "", 0);
  ASSERT_TRUE(actors.ok()) << actors.status();

  if (!rebuild) return;
  // And the same store rebuilt from scratch answers the same.
  auto timelines = AllTimelines(*engine, names);
  for (const char* name : {"actors", "topics"}) {
    ASSERT_TRUE(engine->Rebuild(name).ok());
    st = engine->WaitForRebuild(name, absl::Seconds(60));
    ASSERT_TRUE(st.ok()) << st;
  }
  auto rebuilt_actors = engine->Counts("actors", "", 0);
  ASSERT_TRUE(rebuilt_actors.ok()) << rebuilt_actors.status();
  EXPECT_EQ(CountsByNorm(*actors), CountsByNorm(*rebuilt_actors));
  auto rebuilt_topics = engine->Counts("topics", "", 0);
  ASSERT_TRUE(rebuilt_topics.ok());
  EXPECT_EQ(CountsByNorm(*topics), CountsByNorm(*rebuilt_topics));
  auto rebuilt = AllTimelines(*engine, names);
  ASSERT_EQ(rebuilt.size(), timelines.size());
  for (size_t i = 0; i < rebuilt.size(); ++i) {
    EXPECT_TRUE(test::IdenticalEntries(timelines[i], rebuilt[i])) << "query " << i;
  }
}

TEST(CrashTest, KilledWhileCatchingUpResumesToTheSameProjection) {
  TempDir dir;
  const std::string path = dir.Sub("store");
  {
    auto opened = Engine::Open(path, FastOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    std::unique_ptr<Engine> engine = *std::move(opened);
    ModelLog model;
    test::GenOptions options;
    options.append = test::Bulk();
    Generator gen(1000, engine.get(), &model, options);
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(gen.AppendBatch(400).ok());
    for (int i = 0; i < 150; ++i) ASSERT_TRUE(gen.Step().ok());
    ASSERT_TRUE(engine->Sync().ok());
    // Closed at once, likely with the workers behind.
  }

  std::mt19937 rng(20250331);
  int killed = 0;
  for (int round = 0; round < 6; ++round) {
    int ready = -1;
    pid_t pid = SpawnChild(path, 2000 + static_cast<uint64_t>(round), 300, &ready);
    ASSERT_GT(pid, 0);
    // Wait until the child has the store open, then let it run a while.
    pollfd pfd{ready, POLLIN, 0};
    int pr = poll(&pfd, 1, 30000);
    char byte = 0;
    bool is_ready = pr == 1 && read(ready, &byte, 1) == 1;
    close(ready);
    // The child needs ~40-100 ms for its appends; kill it somewhere in
    // there, or (rarely) after it finished.
    int delay_ms = std::uniform_int_distribution<int>(1, 50)(rng);
    if (is_ready) absl::SleepFor(absl::Milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ++killed;
    } else {
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_EQ(WEXITSTATUS(status), 0) << "child failed, round " << round;
    }
    ASSERT_TRUE(is_ready) << "child never opened the store, round " << round;
    std::cout << "round " << round << ": killed after " << delay_ms
              << " ms: " << (WIFSIGNALED(status) ? "yes" : "no (finished)")
              << "\n";
    VerifyStore(path, round, round == 0 || round == 5);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(killed, 0);
}

}  // namespace
}  // namespace annals
