// `annals serve`'s bounds per reply, with a real server process and the
// real client (annals/client.h): no reply exceeds what a client reads.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "annals/client.h"
#include "annals/time.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

class ServeLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/annals-serve-limits-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "store";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_, db_;
};

Statement Small(const std::string& id, const std::string& speaker) {
  Statement s;
  s.id = id;
  s.speaker = speaker;
  s.verb = "said";
  s.content = "statement " + id;
  s.occurred_at = *ParseTime("2024-06-01");
  return s;
}

// ~330 KiB (the limits admit ~4 MiB): 256 of them, one push or one read
// by count, are more than a client's 64 MiB message limit.
Statement Big(int n) {
  Statement s = Small("big-" + std::to_string(n), "Speaker");
  s.content = std::string(65000, 'c');
  s.quote = std::string(65000, 'q');
  for (int i = 0; i < 12; ++i)
    s.attributes.push_back({"a" + std::to_string(i), std::string(16000, 'v')});
  return s;
}

TEST_F(ServeLimitsTest, EventsBiggerInAllThanAMessageReachSubscriberAndReader) {
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  const int total = 300;
  for (int from = 0; from < total; from += 100) {
    std::vector<Statement> batch;
    for (int i = from; i < from + 100; ++i) batch.push_back(Big(i));
    auto r = (*client)->Append(batch);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  absl::Mutex mu;
  std::vector<uint64_t> seen;
  auto sub = (*client)->Subscribe(1, {}, [&](const Event& e) {
    absl::MutexLock lock(&mu);
    seen.push_back(e.seq);
  });
  ASSERT_TRUE(sub.ok()) << sub.status();
  {
    absl::MutexLock lock(&mu);
    // A hang guard only: the comparison below says what went wrong.
    mu.AwaitWithTimeout(absl::Condition(
        +[](std::vector<uint64_t>* v) { return v->size() >= total; }, &seen),
        absl::Minutes(2));
    ASSERT_EQ(seen.size(), size_t{total}) << ReadFile(server.log);
    for (int i = 0; i < total; ++i) EXPECT_EQ(seen[i], uint64_t(i + 1));
  }
  auto events = (*client)->Read(1, 1000);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), size_t{total});
  EXPECT_EQ(events->back().statement.content, std::string(65000, 'c'));
  sub->reset();
  client->reset();
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
}

// A timeline page over the server holds at most 10,000 entries: limit 0
// ("no limit") or more asks for that many, and next_cursor goes on.
TEST_F(ServeLimitsTest, TimelinePageLimitIsClampedAndTheCursorGoesOn) {
  Server server = StartServer(db_, dir_ / "server.log");
  ASSERT_FALSE(server.address.empty()) << ReadFile(server.log);
  auto client = Connect(server.address);
  ASSERT_TRUE(client.ok()) << client.status();
  const size_t total = 10050;
  std::vector<Statement> batch;
  for (size_t i = 0; i < total; ++i) batch.push_back(Small("t-" + std::to_string(i), "Lavrov"));
  ASSERT_TRUE((*client)->Append(batch).ok());
  for (size_t limit : {size_t{0}, size_t{1} << 40}) {
    SCOPED_TRACE(limit);
    TimelineQuery q;
    q.name = "Lavrov";
    q.limit = limit;
    q.wait = true;
    auto page = (*client)->Timeline(q);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->entries.size(), 10000u);
    ASSERT_FALSE(page->next_cursor.empty());
    q.cursor = page->next_cursor;
    auto rest = (*client)->Timeline(q);
    ASSERT_TRUE(rest.ok()) << rest.status();
    EXPECT_EQ(rest->entries.size(), total - 10000);
    EXPECT_TRUE(rest->next_cursor.empty());
  }
  client->reset();
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
}

}  // namespace
}  // namespace annals::test
