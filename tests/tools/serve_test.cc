// `annals serve` with real processes: a server, client processes appending
// through it at once, SIGTERM, and a restart.
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "annals/client.h"
#include "annals/engine.h"
#include "annals/status.h"
#include "tools/child_process.h"
#include "tools/cli_harness.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

// Starts `annals --db DB serve --ready-fd 3` and waits for its readiness
// line (the address) on the pipe: no sleeping, no polling.
struct Server {
  Child child;
  std::string address;
  std::string log;
};

Server StartServer(const fs::path& db, const fs::path& log) {
  Server s;
  s.log = log.string();
  s.child = Spawn({CliPath(), "--db", db.string(), "serve", "--ready-fd", "3"}, s.log, true);
  char c;
  while (read(s.child.fd3, &c, 1) == 1 && c != '\n') s.address += c;
  close(s.child.fd3);
  s.child.fd3 = -1;
  return s;
}

// Stops it with SIGTERM; returns its exit code (-1 if killed by a signal).
int StopServer(const Server& s) {
  kill(s.child.pid, SIGTERM);
  int status = Wait(s.child);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-serve-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_, db_;
};

TEST_F(ServeTest, ConcurrentClientsAllAcknowledgedAppendsSurviveStopAndRestart) {
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_EQ(server.address, "unix:" + (db_ / "annals.sock").string()) << ReadFile(server.log);
  EXPECT_EQ(ServerAddress(db_.string()), server.address);
  struct stat st;
  ASSERT_EQ(stat((db_ / "annals.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A second server on the same store is refused (exit 2, in use).
  Child second = Spawn({CliPath(), "--db", db_.string(), "serve"}, (dir_ / "second.log").string(),
                       false);
  int second_status = Wait(second);
  EXPECT_TRUE(WIFEXITED(second_status) && WEXITSTATUS(second_status) == 2)
      << ReadFile(dir_ / "second.log");

  // Four client processes append at once, in batches of different sizes.
  const std::vector<std::pair<std::string, int>> clients = {
      {"a", 1}, {"b", 7}, {"c", 50}, {"d", 333}};
  const int per_client = 400;
  std::vector<Child> children;
  for (const auto& [prefix, batch] : clients)
    children.push_back(Spawn({ANNALS_SERVE_CLIENT_PATH, server.address, prefix,
                              std::to_string(per_client), std::to_string(batch)},
                             (dir_ / (prefix + ".out")).string(), false));
  for (const Child& c : children) {
    int status = Wait(c);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::map<std::string, uint64_t> acked;  // id -> seq
  for (const auto& [prefix, batch] : clients) {
    for (const std::string& line : Lines(ReadFile(dir_ / (prefix + ".out")))) {
      char id[64];
      unsigned long long seq;
      ASSERT_EQ(sscanf(line.c_str(), "ack %63s %llu", id, &seq), 2) << line;
      EXPECT_TRUE(acked.emplace(id, seq).second) << "acknowledged twice: " << id;
    }
  }
  ASSERT_EQ(acked.size(), clients.size() * per_client);

  // A client in this process reads them back while the server runs.
  {
    auto client = Connect(server.address);
    ASSERT_TRUE(client.ok()) << client.status();
    auto stats = (*client)->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->events, acked.size());
    EXPECT_EQ(stats->head, acked.size());
    auto seq = (*client)->FindById("c-17");
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, acked["c-17"]);
    auto event = (*client)->Get(*seq);
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(event->statement.content, "statement c-17");
    // An invalid statement fails its own batch only, with the engine's
    // error and its machine-readable index.
    Statement bad;
    bad.id = "bad";
    std::vector<Statement> batch = {bad};
    auto rejected = (*client)->Append(batch);
    EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(BadStatementIndex(rejected.status()), 0u) << rejected.status();
    // A timeline page over RPC.
    TimelineQuery q;
    q.name = "Speaker d";
    q.limit = 10;
    auto page = (*client)->Timeline(q);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->entries.size(), 10u);
    EXPECT_FALSE(page->next_cursor.empty());
  }

  // SIGTERM: exit 0, the socket and the address file gone.
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
  EXPECT_FALSE(fs::exists(db_ / "annals.sock"));
  EXPECT_FALSE(ServerAddress(db_.string()).has_value());
  std::string log = ReadFile(server.log);
  EXPECT_NE(log.find("connection 1 opened"), std::string::npos) << log;
  EXPECT_NE(log.find("connection 1 closed"), std::string::npos) << log;

  // Restarted, it serves every acknowledged statement at its seq, gapless.
  Server again = StartServer(db_, dir_ / "again.log");
  {
    auto client = Connect(again.address);
    ASSERT_TRUE(client.ok()) << client.status();
    auto events = (*client)->Read(1, 100000);  // more than one read call
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_EQ(events->size(), acked.size());
    for (size_t i = 0; i < events->size(); ++i) {
      const Event& e = (*events)[i];
      EXPECT_EQ(e.seq, i + 1);
      auto it = acked.find(e.id);
      ASSERT_NE(it, acked.end()) << e.id;
      EXPECT_EQ(it->second, e.seq) << e.id;
    }
  }
  EXPECT_EQ(StopServer(again), 0) << ReadFile(again.log);
}

TEST_F(ServeTest, ConnectWithoutServerIsUnavailable) {
  auto client = Connect("unix:" + (dir_ / "nothing.sock").string());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Connect("tcp:nowhere").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace annals::test
