// `annals serve` with real processes: a server, client processes appending
// through it at once, SIGTERM, and a restart.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "annals/client.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "absl/synchronization/mutex.h"
#include "annals/status.h"
#include "annals/time.h"
#include "tools/child_process.h"
#include "tools/cli_harness.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

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
  EXPECT_NE(log.find("connection 1 closed: peer closed"), std::string::npos) << log;

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

// A dead socket of someone else's at the --socket path is not the server's
// to remove: serve refuses and leaves it; a regular file likewise.
TEST_F(ServeTest, ASocketPathHoldingSomeoneElsesFileIsLeftAlone) {
  const fs::path dead = dir_ / "other.sock";
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, dead.c_str(), sizeof(a.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(fd);  // the socket file stays, and nobody listens on it
  const fs::path file = dir_ / "notes.txt";
  std::ofstream(file) << "a user's file";
  for (const fs::path& path : {dead, file}) {
    SCOPED_TRACE(path.string());
    const fs::path log = dir_ / "refused.log";
    // The readiness pipe closes without an address when serve refuses.
    Server s = StartServer(db_, log, {"--socket", path.string()});
    EXPECT_EQ(s.address, "") << "it served over the file in the way";
    if (!s.address.empty()) {
      StopServer(s);
      continue;
    }
    int status = Wait(s.child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << ReadFile(log);
    EXPECT_NE(ReadFile(log).find("not removing it"), std::string::npos) << ReadFile(log);
    EXPECT_TRUE(fs::exists(fs::symlink_status(path)));
  }
  EXPECT_EQ(ReadFile(file), "a user's file");
}

// A mistyped path must not serve an empty store: without --create a
// missing store is "no store" (exit 1), and nothing is created.
TEST_F(ServeTest, AMissingStoreIsAnErrorUnlessCreate) {
  Child child = Spawn({CliPath(), "--db", db_.string(), "serve"}, (dir_ / "serve.log").string(),
                      false);
  const int status = Wait(child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << ReadFile(dir_ / "serve.log");
  EXPECT_THAT(ReadFile(dir_ / "serve.log"), ::testing::HasSubstr("serve --create"));
  EXPECT_FALSE(fs::exists(db_));
  Server server = StartServer(db_, dir_ / "server.log");  // with --create
  EXPECT_TRUE(fs::exists(db_ / "CURRENT"));
  EXPECT_EQ(StopServer(server), 0);
}

TEST_F(ServeTest, ConnectWithoutServerIsUnavailable) {
  auto client = Connect("unix:" + (dir_ / "nothing.sock").string());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Connect("tcp:nowhere").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace annals::test

namespace annals::test {
namespace {

struct Seen {
  uint64_t seq;
  std::string id;
};

// Parses a subscriber's output: its events, and its resume point if it ended.
std::vector<Seen> Events(const std::string& out, uint64_t* resume) {
  std::vector<Seen> seen;
  for (const std::string& line : Lines(out)) {
    char id[64];
    unsigned long long seq;
    if (sscanf(line.c_str(), "event %llu %63s", &seq, id) == 2) seen.push_back({seq, id});
    else if (resume != nullptr && sscanf(line.c_str(), "end %llu", &seq) == 1) *resume = seq;
  }
  return seen;
}

TEST_F(ServeTest, SubscriberSeesEveryEventOnceInOrderAcrossARestart) {
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  const uint64_t total = 1200;  // four appenders of 300
  Child first = Spawn({ANNALS_SERVE_CLIENT_PATH, "subscribe", server.address, "1",
                       std::to_string(total)},
                      (dir_ / "s1.out").string(), true);
  // Subscribed before the server can stop under it (else it may find no
  // server at all).
  std::string line;
  char c;
  while (read(first.fd3, &c, 1) == 1 && c != '\n') line += c;
  close(first.fd3);
  ASSERT_EQ(line, "subscribed") << ReadFile(dir_ / "s1.out");
  auto append = [&](const std::string& address, const std::vector<std::string>& prefixes) {
    std::vector<Child> children;
    for (const std::string& p : prefixes)
      children.push_back(Spawn({ANNALS_SERVE_CLIENT_PATH, address, p, "300", "3"},
                               (dir_ / (p + ".out")).string(), false));
    for (const Child& c : children) {
      int status = Wait(c);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  };
  append(server.address, {"a", "b"});
  // The server stops under the subscriber, which ends and says where to
  // resume; a new subscriber resumes there on the restarted server.
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
  int status = Wait(first);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << ReadFile(dir_ / "s1.out");
  uint64_t resume = 0;
  std::vector<Seen> seen = Events(ReadFile(dir_ / "s1.out"), &resume);
  ASSERT_GE(resume, 1u);
  ASSERT_LE(resume, 601u);

  Server again = StartServer(db_, dir_ / "again.log");
  Child second = Spawn({ANNALS_SERVE_CLIENT_PATH, "subscribe", again.address,
                        std::to_string(resume), std::to_string(total)},
                       (dir_ / "s2.out").string(), false);
  append(again.address, {"c", "d"});
  status = Wait(second);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(dir_ / "s2.out");
  for (Seen& s : Events(ReadFile(dir_ / "s2.out"), nullptr)) seen.push_back(std::move(s));

  auto client = Connect(again.address);
  ASSERT_TRUE(client.ok()) << client.status();
  auto log = (*client)->Read(1, total + 1);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->size(), total);
  ASSERT_EQ(seen.size(), total);  // exactly once: no gap, no repeat
  for (size_t i = 0; i < total; ++i) {
    EXPECT_EQ(seen[i].seq, i + 1);
    EXPECT_EQ(seen[i].id, (*log)[i].id);
  }
  client->reset();
  EXPECT_EQ(StopServer(again), 0) << ReadFile(again.log);
}

// The brute-force filter over the whole log: the oracle for a filtered
// subscription.
bool Mentions(const Statement& s, const std::string& actor, const std::string& topic) {
  bool a = s.speaker == actor;
  for (const std::string& t : s.targets) a = a || t == actor;
  bool t = false;
  for (const std::string& x : s.topics) t = t || x == topic;
  return a && t;
}

TEST_F(ServeTest, FilteredSubscriptionGetsExactlyWhatTheBruteForceFilterGives) {
  Server server = StartServer(db_, dir_ / "server.log");
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  auto batch = [](int from, int n) {
    std::vector<Statement> out;
    const char* names[] = {"Lavrov", "Blinken", "Wang Yi", "Guterres"};
    const char* topics[] = {"Ukraine", "Taiwan", "sanctions"};
    for (int i = from; i < from + n; ++i) {
      Statement s;
      s.id = "f-" + std::to_string(i);
      s.speaker = names[i % 4];
      s.targets = {names[(i / 4) % 4]};
      s.topics = {topics[i % 3], topics[(i / 3) % 3]};
      s.verb = "said";
      s.content = "statement " + s.id;
      s.occurred_at = *ParseTime("2024-06-01");
      out.push_back(std::move(s));
    }
    return out;
  };
  ASSERT_TRUE((*client)->Append(batch(0, 500)).ok());  // caught up from the log

  absl::Mutex mu;
  std::vector<Event> got;
  SubscriptionFilter filter;
  filter.actors = {"  blinken "};  // names compare normalised, as timelines do
  filter.topics = {"TAIWAN"};
  auto sub = (*client)->Subscribe(1, filter, [&](const Event& e) {
    absl::MutexLock lock(&mu);
    got.push_back(e);
  });
  ASSERT_TRUE(sub.ok()) << sub.status();
  ASSERT_TRUE((*client)->Append(batch(500, 500)).ok());  // delivered live

  auto log = (*client)->Read(1, 2000);
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<uint64_t> want;
  for (const Event& e : *log)
    if (Mentions(e.statement, "Blinken", "Taiwan")) want.push_back(e.seq);
  ASSERT_FALSE(want.empty());
  {
    absl::MutexLock lock(&mu);
    std::pair<std::vector<Event>*, size_t> enough(&got, want.size());
    // A hang guard only (a missing event fails the comparison below).
    mu.AwaitWithTimeout(absl::Condition(
        +[](std::pair<std::vector<Event>*, size_t>* p) { return p->first->size() >= p->second; },
        &enough), absl::Minutes(2));
    std::vector<uint64_t> seqs;
    for (const Event& e : got) seqs.push_back(e.seq);
    EXPECT_EQ(seqs, want);
  }
  sub->reset();
  client->reset();
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
}

// The brute-force oracle of a subscription to group (blinken, taiwan) of a
// projection keyed by speaker and topic, where code=11: the statements and
// corrections whose own text is filed there.
bool InGroup(const Event& e) {
  if (e.kind != EventKind::kStatement && e.kind != EventKind::kCorrection) return false;
  const Statement& s = e.statement;
  bool topic = false;
  for (const std::string& t : s.topics) topic = topic || t == "Taiwan";
  return s.speaker == "Blinken" && topic && s.code.rfind("11", 0) == 0;
}

TEST_F(ServeTest, AProjectionGroupSubscriptionGetsWhatTheProjectionFilesThere) {
  Server server = StartServer(db_, dir_ / "server.log");
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  auto def = ParseProjectionDefinition("by_speaker_topic", "speaker,topic", {"code=11"});
  ASSERT_TRUE(def.ok()) << def.status();
  ASSERT_TRUE((*client)->CreateProjection(*def).ok());
  auto batch = [](int from, int n) {
    std::vector<Statement> out;
    const char* names[] = {"Lavrov", "Blinken", "Wang Yi"};
    const char* topics[] = {"Ukraine", "Taiwan", "sanctions"};
    const char* codes[] = {"112", "041", "11", "1121"};
    for (int i = from; i < from + n; ++i) {
      Statement s;
      s.speaker = names[i % 3];
      s.topics = {topics[(i / 3) % 3], topics[(i / 9) % 3]};
      s.code = codes[(i / 2) % 4];
      s.verb = "said";
      s.content = "statement " + std::to_string(i);
      s.occurred_at = *ParseTime("2024-06-01");
      out.push_back(std::move(s));
    }
    return out;
  };
  ASSERT_TRUE((*client)->Append(batch(0, 300)).ok());  // caught up from the log
  SubscriptionFilter filter;
  filter.projection = "by_speaker_topic";
  filter.key = {" BLINKEN", "taiwan"};  // normalised as the projection files them
  absl::Mutex mu;
  std::vector<uint64_t> got;
  auto sub = (*client)->Subscribe(1, filter, [&](const Event& e) {
    absl::MutexLock lock(&mu);
    got.push_back(e.seq);
  });
  ASSERT_TRUE(sub.ok()) << sub.status();
  ASSERT_TRUE((*client)->Append(batch(300, 300)).ok());  // delivered live
  auto log = (*client)->Read(1, 1000);
  ASSERT_TRUE(log.ok()) << log.status();
  // A correction into the group and one out of it, and a retraction.
  const Event* in = nullptr;
  const Event* out = nullptr;
  for (const Event& e : *log) {
    if (in == nullptr && !InGroup(e) && e.statement.speaker == "Blinken") in = &e;
    if (out == nullptr && InGroup(e)) out = &e;
  }
  ASSERT_TRUE(in != nullptr && out != nullptr);
  Statement moved = in->statement;
  moved.topics = {"Taiwan"};
  moved.code = "110";
  ASSERT_TRUE((*client)->Correct(in->seq, moved, "reread").ok());
  Statement left = out->statement;
  left.code = "04";
  ASSERT_TRUE((*client)->Correct(out->seq, left, "recoded").ok());
  ASSERT_TRUE((*client)->Retract(out->seq, "withdrawn").ok());
  auto all = (*client)->Read(1, 1000);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<uint64_t> want;
  for (const Event& e : *all)
    if (InGroup(e)) want.push_back(e.seq);
  ASSERT_GT(want.size(), 10u);
  auto head = (*client)->Head();
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(want.back(), *head - 2);  // the correction into the group
  {
    absl::MutexLock lock(&mu);
    std::pair<std::vector<uint64_t>*, size_t> enough(&got, want.size());
    // A hang guard only (a missing event fails the comparison below).
    mu.AwaitWithTimeout(absl::Condition(
        +[](std::pair<std::vector<uint64_t>*, size_t>* p) {
          return p->first->size() >= p->second;
        },
        &enough), absl::Minutes(2));
    EXPECT_EQ(got, want);
  }
  // A projection that does not exist, or a key that does not fit.
  filter.projection = "nope";
  EXPECT_TRUE(absl::IsNotFound((*client)->Subscribe(1, filter, [](const Event&) {}).status()));
  filter.projection = "by_speaker_topic";
  filter.key = {"Blinken"};
  EXPECT_TRUE(
      absl::IsInvalidArgument((*client)->Subscribe(1, filter, [](const Event&) {}).status()));
  sub->reset();
  client->reset();
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
}

}  // namespace
}  // namespace annals::test

namespace annals::test {
namespace {

std::map<std::string, uint64_t> Acks(const fs::path& out) {
  std::map<std::string, uint64_t> acked;
  for (const std::string& line : Lines(ReadFile(out))) {
    char id[64];
    unsigned long long seq;
    if (sscanf(line.c_str(), "ack %63s %llu", id, &seq) == 2) acked[id] = seq;
  }
  return acked;
}

TEST_F(ServeTest, SigkillLosesNoAcknowledgedAppend) {
  Server server = StartServer(db_, dir_ / "server.log");
  Child big = Spawn({ANNALS_SERVE_CLIENT_PATH, server.address, "big", "200000", "10"},
                    (dir_ / "big.out").string(), false);
  Child small = Spawn({ANNALS_SERVE_CLIENT_PATH, server.address, "small", "300", "1"},
                      (dir_ / "small.out").string(), false);
  int status = Wait(small);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  kill(server.child.pid, SIGKILL);  // most likely while "big" is appending
  Wait(server.child);
  Wait(big);

  std::map<std::string, uint64_t> acked = Acks(dir_ / "big.out");
  for (const auto& [id, seq] : Acks(dir_ / "small.out")) acked[id] = seq;
  ASSERT_GE(acked.size(), 300u);
  // The stale address file does not stop a restart.
  Server again = StartServer(db_, dir_ / "again.log");
  ASSERT_FALSE(again.address.empty()) << ReadFile(again.log);
  auto client = Connect(again.address);
  ASSERT_TRUE(client.ok()) << client.status();
  auto log = (*client)->Read(1, 1000000);
  ASSERT_TRUE(log.ok()) << log.status();
  std::map<std::string, uint64_t> stored;
  for (size_t i = 0; i < log->size(); ++i) {
    EXPECT_EQ((*log)[i].seq, i + 1);  // gapless
    stored[(*log)[i].id] = (*log)[i].seq;
  }
  for (const auto& [id, seq] : acked) {
    auto it = stored.find(id);
    ASSERT_NE(it, stored.end()) << "acknowledged, then lost: " << id;
    EXPECT_EQ(it->second, seq) << id;
  }
  client->reset();
  EXPECT_EQ(StopServer(again), 0) << ReadFile(again.log);
}

// Writes `bytes` on a new connection to the server's socket and reads until
// the server closes it.
void SendGarbage(const std::string& address, const std::string& bytes) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::string path = address.substr(5);
  std::memcpy(a.sun_path, path.data(), path.size());
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  (void)!write(fd, bytes.data(), bytes.size());
  shutdown(fd, SHUT_WR);
  char buf[4096];
  while (read(fd, buf, sizeof buf) > 0) {
  }
  close(fd);
}

TEST_F(ServeTest, MalformedInputGetsADisconnectAndOthersGoOn) {
  Server server = StartServer(db_, dir_ / "server.log");
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  std::string random;
  uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) random += static_cast<char>((x = x * 1103515245 + 12345) >> 24);
  const std::vector<std::string> bad = {
      random,
      std::string("\x00\x00\x00\x00\xff\xff\xff\x7f", 8),    // a huge segment announced
      std::string("\x00\x00\x00\x00\x10\x00\x00\x00\x01", 9),  // truncated message
      std::string("\xff\xff\xff\x0f", 4) + random,             // 2^28 segments
      "GET /v1/stats HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    SendGarbage(server.address, bad[i]);
    Statement s;
    s.id = "good-" + std::to_string(i);
    s.speaker = "Speaker";
    s.verb = "said";
    s.content = "still served";
    s.occurred_at = *ParseTime("2024-06-01");
    std::vector<Statement> one = {s};
    auto r = (*client)->Append(one);  // the well-behaved client goes on
    ASSERT_TRUE(r.ok()) << "after bad input " << i << ": " << r.status();
    EXPECT_EQ((*r)[0].seq, i + 1);
  }
  client->reset();
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
}

}  // namespace
}  // namespace annals::test

namespace annals::test {
namespace {

TEST_F(ServeTest, StoppedSubscriberIsCutOffAndResumesWithNothingMissed) {
  Server server = StartServer(db_, dir_ / "server.log", {"--max-subscriber-lag", "100"});
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  const uint64_t total = 100000;
  Child sub = Spawn({ANNALS_SERVE_CLIENT_PATH, "subscribe", server.address, "1",
                     std::to_string(total)},
                    (dir_ / "s1.out").string(), true);
  std::string line;
  char c;
  while (read(sub.fd3, &c, 1) == 1 && c != '\n') line += c;
  ASSERT_EQ(line, "subscribed");
  kill(sub.pid, SIGSTOP);
  // Appends go on while it is stopped: far more than flow control lets
  // through, so its pushes wait and it falls behind by more than the bound.
  Child writer = Spawn({ANNALS_SERVE_CLIENT_PATH, server.address, "w", std::to_string(total),
                        "1000"},
                       (dir_ / "w.out").string(), false);
  int status = Wait(writer);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(dir_ / "w.out");
  kill(sub.pid, SIGCONT);
  status = Wait(sub);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << "not cut off";
  uint64_t resume = 0;
  std::vector<Seen> seen = Events(ReadFile(dir_ / "s1.out"), &resume);
  ASSERT_LT(resume, total);
  EXPECT_NE(ReadFile(server.log).find("subscriber too slow"), std::string::npos);

  Child again = Spawn({ANNALS_SERVE_CLIENT_PATH, "subscribe", server.address,
                       std::to_string(resume), std::to_string(total)},
                      (dir_ / "s2.out").string(), false);
  status = Wait(again);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  for (Seen& s : Events(ReadFile(dir_ / "s2.out"), nullptr)) seen.push_back(std::move(s));
  ASSERT_EQ(seen.size(), total);  // nothing missed, nothing repeated
  for (size_t i = 0; i < total; ++i) ASSERT_EQ(seen[i].seq, i + 1);
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
  // The cut-off subscriber's connection line says so.
  EXPECT_NE(ReadFile(server.log).find("(1 subscription cut off as too slow)"), std::string::npos)
      << ReadFile(server.log);
}

}  // namespace
}  // namespace annals::test
