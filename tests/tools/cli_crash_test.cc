// Crash safety of `annals import`: the real CLI imports a large generated
// JSON Lines file in a child process and is SIGKILLed at random moments
// (ANNALS_CRASH_KILLS, default 20). After each kill the store reopens and:
//   - the log is a gapless sequence of intact events, its indexes and
//     projections consistent (VerifyStore);
//   - every line the importer reported durable (--progress-fd) is stored;
//   - after catching up, the projections equal a fresh replay of the log.
// Finally an import left to finish stores exactly the input's statements,
// each once.
#include <poll.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "annals/engine.h"
#include "annals/verify.h"
#include "tools/child_process.h"

namespace annals {
namespace {

namespace fs = std::filesystem;

// Writes `n` statement lines; about 1 in 20 repeats an earlier line
// verbatim (a duplicate). Returns each line's id, in order.
std::vector<std::string> WriteCorpus(const std::string& path, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<std::string> lines, ids;
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < n; ++i) {
    if (i > 10 && pick(0, 19) == 0) {
      size_t j = static_cast<size_t>(pick(0, static_cast<int>(lines.size()) - 1));
      out << lines[j] << '\n';
      ids.push_back(ids[j]);
      continue;
    }
    std::string id = "crash-" + std::to_string(i);
    std::string line = "{\"id\":\"" + id + "\",\"speaker\":\"Speaker " +
                       std::to_string(pick(0, 300)) + "\",\"targets\":[\"Target " +
                       std::to_string(pick(0, 300)) + "\"],\"verb\":\"said\",\"topics\":[\"topic " +
                       std::to_string(pick(0, 40)) + "\"],\"content\":\"" +
                       std::string(static_cast<size_t>(pick(60, 300)), 'x') + " " +
                       std::to_string(i) + "\",\"occurred_at\":\"" +
                       std::to_string(pick(2000, 2025)) + "-0" + std::to_string(pick(1, 9)) +
                       "-1" + std::to_string(pick(0, 9)) + "\"}";
    out << line << '\n';
    lines.push_back(line);
    ids.push_back(id);
  }
  return ids;
}

// The highest input line the child reported durable; 0 if none.
uint64_t LastDurableLine(const std::string& reports) {
  uint64_t best = 0;
  for (absl::string_view line : absl::StrSplit(reports, '\n')) {
    for (absl::string_view field : absl::StrSplit(line, ' ')) {
      uint64_t v = 0;
      if (absl::ConsumePrefix(&field, "line=") && absl::SimpleAtoi(field, &v))
        best = std::max(best, v);
    }
  }
  return best;
}

Options TestOptions() {
  Options o;
  o.sync_appends = false;
  return o;
}

void ExpectVerifiesClean(const std::string& path, const std::string& when) {
  auto report = VerifyStore(path);
  ASSERT_TRUE(report.ok()) << when << ": " << report.status();
  std::string problems;
  for (const auto& p : report->problems)
    problems += std::string(ProblemKindName(p.kind)) + ": " + p.detail + "\n";
  for (const auto& n : report->notes) problems += "note: " + n + "\n";
  ASSERT_TRUE(report->ok()) << when << ":\n" << problems;
  EXPECT_EQ(report->events, report->head) << when;
  EXPECT_EQ(report->projections_checked.size(), 2u) << when << "\n" << problems;
}

TEST(CliCrashTest, KilledImportsLoseNothingReportedAndFinishExactlyOnce) {
  int kills_wanted = 20;
  if (const char* env = std::getenv("ANNALS_CRASH_KILLS")) kills_wanted = std::atoi(env);
  char tmpl[] = "/tmp/annals-crash-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  const std::string store = (dir / "store").string();
  const std::string input = (dir / "input.jsonl").string();
  const std::vector<std::string> ids = WriteCorpus(input, 20000, 6);
  const std::set<std::string> distinct(ids.begin(), ids.end());

  std::mt19937 rng(20250406);
  int max_delay_ms = 1500;
  int kills = 0;
  uint64_t last_head = 0;
  for (int round = 0; kills < kills_wanted && round < 3 * kills_wanted; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    test::Child child = test::Spawn(
        {ANNALS_CLI_PATH, "--db", store, "import", input, "--progress-fd", "3",
         "--progress-every", "262144"},
        (dir / "child.log").string(), true);
    ASSERT_GT(child.pid, 0);
    int delay = std::uniform_int_distribution<int>(5, max_delay_ms)(rng);
    absl::SleepFor(absl::Milliseconds(delay));
    kill(child.pid, SIGKILL);
    std::string reports = test::DrainFd3(child);
    int status = test::Wait(child);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else {
      // It finished first: aim earlier next time.
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_EQ(WEXITSTATUS(status), 0) << std::ifstream(dir / "child.log").rdbuf();
      max_delay_ms = std::max(50, max_delay_ms * 2 / 3);
    }
    const uint64_t durable = LastDurableLine(reports);
    if (!fs::exists(fs::path(store) / "CURRENT")) {
      ASSERT_EQ(durable, 0u);
      max_delay_ms = std::min(20000, max_delay_ms * 3 / 2);
      continue;  // killed before it made the store
    }
    ASSERT_NO_FATAL_FAILURE(ExpectVerifiesClean(store, "after the kill"));
    {
      auto engine = Engine::Open(store, TestOptions());
      ASSERT_TRUE(engine.ok()) << engine.status();
      // Every line reported durable is there.
      for (uint64_t line = 1; line <= durable; ++line) {
        auto seq = (*engine)->FindById(ids[line - 1]);
        ASSERT_TRUE(seq.ok()) << "line " << line << " was reported durable (up to line "
                              << durable << ") but " << seq.status();
      }
      ASSERT_LE((*engine)->Head(), distinct.size());
      // Killed before it stored anything new (a slow start, e.g. under a
      // sanitizer): aim later next time.
      if (WIFSIGNALED(status) && (*engine)->Head() == last_head)
        max_delay_ms = std::min(20000, max_delay_ms * 3 / 2);
      last_head = (*engine)->Head();
      std::cout << "round " << round << ": " << (WIFSIGNALED(status) ? "killed" : "finished")
                << " after " << delay << " ms; durable line " << durable << ", head "
                << (*engine)->Head() << "\n";
      ASSERT_TRUE((*engine)->WaitFor((*engine)->Head(), absl::Seconds(120)).ok());
    }
    // Caught up: the projections equal a replay of the whole log.
    ASSERT_NO_FATAL_FAILURE(ExpectVerifiesClean(store, "after catching up"));
  }
  EXPECT_GE(kills, kills_wanted);

  // Left to finish, the import stores each statement exactly once.
  test::Child last = test::Spawn({ANNALS_CLI_PATH, "--db", store, "import", input},
                                 (dir / "child.log").string(), false);
  int status = test::Wait(last);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << std::ifstream(dir / "child.log").rdbuf();
  ASSERT_NO_FATAL_FAILURE(ExpectVerifiesClean(store, "after finishing"));
  auto engine = Engine::Open(store, TestOptions());
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_EQ((*engine)->Head(), distinct.size());
  std::set<std::string> stored;
  for (auto it = (*engine)->NewIterator(1); it->Valid(); it->Next()) {
    EXPECT_TRUE(stored.insert(it->event().id).second) << "stored twice: " << it->event().id;
  }
  EXPECT_EQ(stored, distinct);
  engine->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace annals
