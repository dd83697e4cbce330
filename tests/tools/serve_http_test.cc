// `annals serve --http` (docs/HTTP.md) with a real server process and a
// real HTTP client (KJ's): the JSON is exactly what the CLI's jsonl
// output says, and errors are JSON with matching statuses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/child_process.h"
#include "tools/cli_harness.h"
#include "tools/http_test_client.h"
#include "tools/raw_http.h"
#include "tools/serve_server.h"

namespace annals::test {
namespace {

using ::testing::HasSubstr;

std::string Join(const std::vector<std::string>& rows) {
  std::string out;
  for (const std::string& r : rows) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::vector<std::string> Slice(const std::vector<std::string>& v, size_t from, size_t n) {
  return {v.begin() + from, v.begin() + std::min(v.size(), from + n)};
}

std::string Capture(const std::string& body, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(body, m, std::regex(pattern))) return "";
  return m[1];
}

class ServeHttpTest : public CliFixture {
 protected:
  // The sample, and a correction of seq 2 (its log row carries target_id).
  void Fill() {
    ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
    Result c = Run("correct 2 --reason 'wrong date' --at 2025-04-02");
    ASSERT_EQ(c.exit_code, 0) << c.err;
  }

  // A server a failed assertion left running is killed (before the
  // store's directory goes); one already stopped was reaped by StopServer.
  void TearDown() override {
    for (pid_t pid : servers_) {
      int status;
      if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
    }
    CliFixture::TearDown();
  }

  Server Start(const std::vector<std::string>& flags = {"--http", "0"}) {
    Server s = StartServer(db_, dir_ / "server.log", flags);
    servers_.push_back(s.child.pid);
    EXPECT_THAT(s.http, ::testing::MatchesRegex("http://127\\.0\\.0\\.1:[0-9]+"))
        << ReadFile(s.log);
    return s;
  }

  std::vector<pid_t> servers_;

  std::vector<std::string> Jsonl(const std::string& args) {
    Result r = Run(args + " --format jsonl");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Lines(r.out);
  }
};

TEST_F(ServeHttpTest, EventsAreTheRowsOfLogJsonl) {
  Fill();
  std::vector<std::string> log = Jsonl("log");
  ASSERT_EQ(log.size(), 13u);
  Server server = Start();
  HttpTestClient http(server.http);

  HttpResult all = http.Get("/v1/events?limit=0");
  EXPECT_EQ(all.status, 200u) << all.body;
  EXPECT_EQ(all.headers["Content-Type"], "application/json");
  EXPECT_EQ(all.body, "{\"events\":[" + Join(log) + "],\"next_from_seq\":14,\"head\":13}\n");

  HttpResult page = http.Get("/v1/events?from_seq=3&limit=2");
  EXPECT_EQ(page.body,
            "{\"events\":[" + Join(Slice(log, 2, 2)) + "],\"next_from_seq\":5,\"head\":13}\n");
  HttpResult past = http.Get("/v1/events?from_seq=14");
  EXPECT_EQ(past.body, "{\"events\":[],\"next_from_seq\":14,\"head\":13}\n");

  EXPECT_EQ(http.Get("/v1/events/13").body, log[12] + "\n");  // the correction
  EXPECT_THAT(log[12], HasSubstr("\"target_id\":\"mt-2025-03-31-rare-earths-02\""));
  EXPECT_EQ(http.Get("/v1/events/mt-2025-03-31-rare-earths-01").body, log[0] + "\n");
  EXPECT_EQ(http.Get("/v1/events/mt%2D2025-03-31-rare-earths-01").body, log[0] + "\n");

  HttpResult stats = http.Get("/v1/stats");
  EXPECT_EQ(stats.status, 200u);
  EXPECT_THAT(stats.body, HasSubstr(",\"events\":13,\"head\":13,\"bytes_on_disk\":"));
  EXPECT_EQ(StopServer(server), 0);
  std::string log_text = ReadFile(server.log);
  EXPECT_THAT(log_text, HasSubstr("http connection 1 opened"));
  EXPECT_THAT(log_text, HasSubstr("http connection 1 closed"));
}

TEST_F(ServeHttpTest, TimelinesAreTheRowsOfTimelineJsonlAndPagesJoinUp) {
  Fill();
  std::vector<std::string> putin = Jsonl("timeline --actor 'vladimir  PUTIN' --limit 0");
  std::vector<std::string> speaker =
      Jsonl("timeline --actor 'Vladimir Putin' --role speaker --limit 0 --reverse");
  std::vector<std::string> topic =
      Jsonl("timeline --topic 'rare earth metals' --from 2025-04 --to 2025-04 --limit 0");
  std::vector<std::string> as_of = Jsonl("timeline --actor 'Donald Trump' --as-of 5 --limit 0");
  ASSERT_GE(putin.size(), 4u);
  ASSERT_FALSE(topic.empty());
  Server server = Start();
  HttpTestClient http(server.http);
  auto body = [](const std::vector<std::string>& rows, const std::string& as_of) {
    return "{\"entries\":[" + Join(rows) + "],\"next_cursor\":null,\"as_of\":" + as_of + "}\n";
  };
  EXPECT_EQ(http.Get("/v1/timeline?actor=vladimir++PUTIN&limit=0").body, body(putin, "13"));
  EXPECT_EQ(http.Get("/v1/timeline?actor=Vladimir%20Putin&role=speaker&limit=0&reverse=true")
                .body,
            body(speaker, "13"));
  EXPECT_EQ(http.Get("/v1/timeline?topic=rare+earth+metals&from=2025-04&to=2025-04&limit=0")
                .body,
            body(topic, "13"));
  EXPECT_EQ(http.Get("/v1/timeline?actor=Donald+Trump&as_of=5&limit=0").body, body(as_of, "5"));

  // Pages of 2, following next_cursor, list exactly the whole timeline.
  std::vector<std::string> paged;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    HttpResult r = http.Get("/v1/timeline?actor=Vladimir+Putin&limit=2&as_of=13" +
                            (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200u) << r.body;
    for (const std::string& row : putin)
      if (r.body.find(row) != std::string::npos) paged.push_back(row);
    cursor = Capture(r.body, "\"next_cursor\":\"([^\"]*)\"");
    if (cursor.empty()) break;
  }
  EXPECT_EQ(paged, putin);
  EXPECT_EQ(StopServer(server), 0);
}

struct ErrorCase {
  kj::HttpMethod method;
  std::string target;
  unsigned status;
  std::string code;
  std::string message_part;
};

TEST_F(ServeHttpTest, ErrorsAreJsonWithTheirCodeAndAMatchingStatus) {
  Fill();
  Server server = Start();
  HttpTestClient http(server.http);
  using M = kj::HttpMethod;
  const std::vector<ErrorCase> cases = {
      {M::GET, "/v1/nothing", 404, "NOT_FOUND", "no endpoint /v1/nothing"},
      {M::GET, "/", 404, "NOT_FOUND", "no endpoint /"},
      {M::GET, "/v1/events/99", 404, "NOT_FOUND", ""},
      {M::GET, "/v1/events/no-such-id", 404, "NOT_FOUND", ""},
      {M::GET, "/v1/events?limit=ten", 400, "INVALID_ARGUMENT", "limit: expected a number"},
      {M::GET, "/v1/events?from=3", 400, "INVALID_ARGUMENT", "unknown query parameter 'from'"},
      {M::GET, "/v1/events?limit=1&limit=2", 400, "INVALID_ARGUMENT", "given twice"},
      {M::GET, "/v1/events?x=%zz", 400, "INVALID_ARGUMENT", "%-escape"},
      {M::GET, "/v1/timeline?limit=1", 400, "INVALID_ARGUMENT", "exactly one of actor="},
      {M::GET, "/v1/timeline?actor=a&topic=b", 400, "INVALID_ARGUMENT", "exactly one"},
      {M::GET, "/v1/timeline?topic=b&role=speaker", 400, "INVALID_ARGUMENT", "actor= only"},
      {M::GET, "/v1/timeline?actor=a&from=123456789", 400, "INVALID_ARGUMENT", "from_seq"},
      {M::GET, "/v1/timeline?actor=a&from=2025-05&to=2025-04", 400, "INVALID_ARGUMENT", ""},
      {M::GET, "/v1/timeline?actor=a&as_of=99", 400, "", ""},
      {M::GET, "/v1/timeline?actor=a&cursor=garbage", 400, "INVALID_ARGUMENT", ""},
      {M::POST, "/v1/stats", 405, "INVALID_ARGUMENT", "this path takes GET"},
      {M::DELETE, "/v1/events/1", 405, "INVALID_ARGUMENT", "this path takes GET"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.target);
    HttpResult r = http.Request(c.method, c.target);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.headers["Content-Type"], "application/json");
    EXPECT_THAT(r.body, ::testing::StartsWith("{\"code\":\"" + c.code));
    EXPECT_THAT(r.body, HasSubstr("\"message\":\""));
    EXPECT_THAT(r.body, HasSubstr(c.message_part));
    if (c.status == 405) {
      EXPECT_EQ(r.headers["Allow"], "GET");
    }
  }
  // The target and headers over --http-max-header-bytes: 431.
  HttpResult big = http.Get("/v1/stats?pad=" + std::string(70000, 'x'));
  EXPECT_EQ(big.status, 431u) << big.body;
  EXPECT_THAT(big.body, HasSubstr("\"code\":\"RESOURCE_EXHAUSTED\""));
  EXPECT_EQ(http.Get("/v1/stats").status, 200u);  // the same connection goes on
  EXPECT_EQ(StopServer(server), 0);
  EXPECT_THAT(ReadFile(server.log), HasSubstr("GET /v1/nothing: 404 NOT_FOUND"));
}

TEST_F(ServeHttpTest, OnlyLoopbackAddressesAreServed) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  for (const char* address : {"0.0.0.0:0", "192.168.1.1:8080", "example.org:80", "[::]:0"}) {
    Result r = Run(std::string("serve --http ") + Quote(address));
    EXPECT_EQ(r.exit_code, 1) << address << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("needs TLS"));
  }
  Result bad = Run("serve --http 127.0.0.1:99999");
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("port from 0 to 65535"));
  // localhost:0 and [::1]:0 are loopback.
  Server server = Start({"--http", "localhost:0"});
  EXPECT_EQ(HttpTestClient(server.http).Get("/v1/stats").status, 200u);
  EXPECT_EQ(StopServer(server), 0);
}

TEST_F(ServeHttpTest, CountsAndProjectionsAreWhatTheCliSays) {
  Fill();
  ASSERT_EQ(Run("projection create by_year_speaker --key year,speaker").exit_code, 0);
  std::vector<std::string> actors = Jsonl("actors");
  std::vector<std::string> topics = Jsonl("topics --top 3 --prefix rare");
  std::vector<std::string> as_of = Jsonl("actors --as-of 5 --from 2025-03");
  std::vector<std::string> groups = Jsonl("projection query by_year_speaker --counts");
  std::vector<std::string> group =
      Jsonl("projection query by_year_speaker 2025 'Vladimir Putin' --limit 0");
  ASSERT_FALSE(actors.empty());
  ASSERT_FALSE(group.empty());
  Server server = Start();
  HttpTestClient http(server.http);
  auto counts = [](const std::vector<std::string>& rows, const std::string& tail) {
    return "{\"counts\":[" + Join(rows) + "]" + tail + "}\n";
  };
  EXPECT_EQ(http.Get("/v1/actors").body, counts(actors, ""));
  EXPECT_EQ(http.Get("/v1/topics?top=3&prefix=rare").body, counts(topics, ""));
  EXPECT_EQ(http.Get("/v1/actors?as_of=5&from=2025-03").body, counts(as_of, ",\"as_of\":5"));
  EXPECT_EQ(http.Get("/v1/projections/by_year_speaker?counts").body, counts(groups, ""));
  EXPECT_EQ(http.Get("/v1/projections/by_year_speaker?key=2025&key=Vladimir+Putin&limit=0").body,
            "{\"entries\":[" + Join(group) + "],\"next_cursor\":null,\"as_of\":13}\n");
  HttpResult list = http.Get("/v1/projections");
  EXPECT_EQ(list.status, 200u);
  EXPECT_THAT(list.body, HasSubstr("{\"name\":\"by_year_speaker\",\"version\":"));
  EXPECT_THAT(list.body, HasSubstr("\"definition\":\"key=year,speaker\"}"));
  EXPECT_THAT(list.body, HasSubstr("{\"name\":\"actors\","));
  EXPECT_EQ(http.Get("/v1/projections/nope?counts").status, 404u);
  EXPECT_EQ(http.Get("/v1/projections/by_year_speaker").status, 400u);
  EXPECT_EQ(http.Get("/v1/projections/by_year_speaker?counts&key=1").status, 400u);
  EXPECT_EQ(http.Get("/v1/actors?top=x").status, 400u);
  EXPECT_EQ(StopServer(server), 0);
}

// /v1/search's hits are the rows of `annals search --format jsonl`, as of
// any point; its errors are JSON.
TEST_F(ServeHttpTest, SearchIsWhatTheCliSays) {
  Fill();
  std::vector<std::string> hits = Jsonl("search rare earth --limit 5");
  std::vector<std::string> as_of =
      Jsonl("search '\"rare earth\"' --as-of 8 --actor 'Donald Trump' --from 2025-03");
  ASSERT_EQ(hits.size(), 5u);
  ASSERT_FALSE(as_of.empty());
  Server server = Start();
  HttpTestClient http(server.http);
  HttpResult r = http.Get("/v1/search?q=rare+earth&limit=5");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_THAT(r.body, ::testing::StartsWith("{\"hits\":[" + Join(hits) +
                                            "],\"as_of\":13,\"estimated_matches\":"));
  HttpResult then =
      http.Get("/v1/search?q=%22rare+earth%22&as_of=8&actor=Donald+Trump&from=2025-03");
  EXPECT_THAT(then.body, ::testing::StartsWith("{\"hits\":[" + Join(as_of) + "],\"as_of\":8,"));
  for (const char* bad : {"/v1/search", "/v1/search?q=", "/v1/search?q=rare+AND",
                          "/v1/search?q=rare&lang=klingon", "/v1/search?q=rare&limit=0",
                          "/v1/search?q=rare&from=99", "/v1/search?q=rare&pad=1"}) {
    HttpResult e = http.Get(bad);
    EXPECT_EQ(e.status, 400u) << bad << ": " << e.body;
    EXPECT_THAT(e.body, HasSubstr("\"code\":\"INVALID_ARGUMENT\"")) << bad;
  }
  EXPECT_EQ(http.Get("/v1/search?q=rare&as_of=99").status, 400u);
  EXPECT_EQ(StopServer(server), 0);
}

// What a web page could make the user's browser send is refused: a Host
// that is not a loopback name (DNS rebinding) or another site's Origin
// (cross-site request forgery). A loopback Host and Origin are served.
TEST_F(ServeHttpTest, RequestsAWebPageCouldSendAreRefused) {
  Fill();
  Server server = Start();
  const std::string port = server.http.substr(server.http.rfind(':') + 1);
  auto status = [&](const std::string& head, const std::string& body = "") {
    std::string request = head + "Content-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\n\r\n" + body;
    return RawExchange(server.http, request).substr(0, 12);
  };
  HttpTestClient http(server.http);
  const std::string stats = http.Get("/v1/stats").body;
  const std::string post = "POST /v1/statements HTTP/1.1\r\n";
  const std::string line =
      R"({"speaker":"Eve","verb":"said","content":"forged","occurred_at":"2020"})";
  EXPECT_EQ(status("GET /v1/stats HTTP/1.1\r\nHost: evil.example:" + port + "\r\n"),
            "HTTP/1.1 403");
  EXPECT_EQ(status(post + "Host: 127.0.0.1:" + port + "\r\nOrigin: https://evil.example\r\n",
                   line),
            "HTTP/1.1 403");
  EXPECT_EQ(status(post + "Host: 127.0.0.1:" + port + "\r\nOrigin: null\r\n", line),
            "HTTP/1.1 403");
  EXPECT_EQ(http.Get("/v1/stats").body.substr(0, stats.find("\"bytes_on_disk\"")),
            stats.substr(0, stats.find("\"bytes_on_disk\"")));  // nothing forged
  EXPECT_EQ(status("GET /v1/stats HTTP/1.1\r\nHost: localhost:" + port +
                   "\r\nOrigin: http://localhost:" + port + "\r\n"),
            "HTTP/1.1 200");
  EXPECT_EQ(status("GET /v1/stats HTTP/1.1\r\nHost: [::1]:" + port + "\r\n"), "HTTP/1.1 200");
  EXPECT_EQ(StopServer(server), 0);
  EXPECT_THAT(ReadFile(server.log), HasSubstr("403 PERMISSION_DENIED"));
}

TEST_F(ServeHttpTest, BadHttpGetsAnErrorOrADisconnectAndOthersGoOn) {
  Fill();
  Server server = Start();
  HttpTestClient http(server.http);
  auto status_line = [](const std::string& answer) { return answer.substr(0, 12); };
  const std::string over_limit =
      "GET /v1/stats HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(80000, 'a') + "\r\n\r\n";
  static constexpr char kGarbage[] = "\x00\xff\x16\x03\x01 garbage\r\n\r\n";
  const std::vector<std::string> bad = {
      std::string(kGarbage, sizeof kGarbage - 1),  // it starts with a NUL byte
      "GET /v1/stats HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
      "GET /v1/stats HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(200000, 'a') + "\r\n\r\n",
      over_limit,
      "GET /v1/timeline?actor=a&from=%ff%fe%00\xe2\x80\xae HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /v1/events?limit=%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab",
      "GET /v1/sta",
      "POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n{\"speaker\": [1, 2",
  };
  for (const std::string& b : bad) {
    std::string answer = RawExchange(server.http, b);
    SCOPED_TRACE(answer.substr(0, 200));
    // An error (4xx/5xx, JSON) or a plain disconnect; never a success.
    if (!answer.empty()) {
      EXPECT_THAT(status_line(answer), ::testing::MatchesRegex("HTTP/1.1 [45][0-9][0-9]"));
      EXPECT_THAT(answer, HasSubstr("\r\n\r\n{\"code\":\""));
    }
    // A well-behaved client meanwhile gets its answers.
    HttpResult ok = http.Get("/v1/events/1");
    EXPECT_EQ(ok.status, 200u);
    EXPECT_THAT(ok.body, HasSubstr("mt-2025-03-31-rare-earths-01"));
  }
  EXPECT_EQ(status_line(RawExchange(server.http, over_limit)), "HTTP/1.1 431");
  EXPECT_EQ(StopServer(server), 0);
}

TEST_F(ServeHttpTest, PostedStatementsAreStoredWithPerLineResultsAndImportsAccounting) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server server = Start({"--http", "0", "--http-max-body-bytes", "4096"});
  HttpTestClient http(server.http);
  const std::string good =
      R"({"id":"p-1","speaker":"Kaja Kallas","targets":["Russia"],"verb":"said",)"
      R"("content":"one","occurred_at":"2025-04-01"})";
  const std::string good2 =
      R"({"id":"p-2","speaker":"Kaja Kallas","verb":"said","content":"two","occurred_at":"2025-04-02"})";
  std::string body = good + "\n\n" +                       // lines 1, 2 (blank)
                     R"({"speaker": [1, 2]})" + "\n" +     // 3: a bad field
                     "not json\r\n" +                      // 4
                     good2 + "\n" +                         // 5
                     good + "\n" +                          // 6: repeated here
                     R"({"id":"mt-2025-03-31-rare-earths-01","speaker":"Kirill Dmitriev",)"
                     R"("targets":["United States"],"verb":"said","code":"046","content":"x",)"
                     R"("occurred_at":"2025-03-31"})" + "\n" +  // 7: id stored already
                     R"({"id":"p-3","verb":"said","content":"no speaker","occurred_at":"2025"})";
  HttpResult r = http.Request(kj::HttpMethod::POST, "/v1/statements", body);
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_THAT(r.body, ::testing::StartsWith(
                          R"({"read":7,"stored":2,"duplicates":2,"rejected":3,"results":[)"
                          R"({"line":1,"seq":13,"duplicate":false},)"
                          R"({"line":3,"error":{"code":"INVALID_ARGUMENT","message":"speaker: )"));
  EXPECT_THAT(r.body, HasSubstr(R"({"line":5,"seq":14,"duplicate":false},)"
                                R"({"line":6,"seq":13,"duplicate":true},)"
                                R"({"line":7,"seq":1,"duplicate":true},)"
                                R"({"line":8,"error":{"code":"INVALID_ARGUMENT")"));
  EXPECT_THAT(r.body, HasSubstr(R"({"line":4,"error":{"code":"INVALID_ARGUMENT")"));
  // Stored exactly once, as the log says.
  EXPECT_THAT(http.Get("/v1/events/p-1").body, HasSubstr("\"seq\":13,"));
  EXPECT_THAT(http.Get("/v1/stats").body, HasSubstr("\"events\":14,\"head\":14,"));
  // Again: all duplicates, nothing new.
  HttpResult again = http.Request(kj::HttpMethod::POST, "/v1/statements", good + "\n" + good2);
  EXPECT_THAT(again.body, ::testing::StartsWith(
                              R"({"read":2,"stored":0,"duplicates":2,"rejected":0,"results":[)"));
  // Over --http-max-body-bytes: 413, nothing stored.
  HttpResult big = http.Request(kj::HttpMethod::POST, "/v1/statements", std::string(5000, ' '));
  EXPECT_EQ(big.status, 413u) << big.body;
  EXPECT_THAT(big.body, HasSubstr("\"code\":\"RESOURCE_EXHAUSTED\""));
  EXPECT_EQ(http.Request(kj::HttpMethod::GET, "/v1/statements").status, 405u);
  EXPECT_THAT(http.Get("/v1/stats").body, HasSubstr("\"events\":14,"));
  EXPECT_EQ(StopServer(server), 0);
}

// The rows of /v1/events from seq 1 on, by seq (index 0 unused).
std::vector<std::string> LogRows(HttpTestClient& http, uint64_t head) {
  std::vector<std::string> rows = {""};
  while (rows.size() <= head) {
    HttpResult r = http.Get("/v1/events?limit=0&from_seq=" + std::to_string(rows.size()));
    EXPECT_EQ(r.status, 200u);
    std::string events = r.body.substr(11, r.body.rfind("],\"next_from_seq\"") - 11);
    size_t before = rows.size();
    // Rows are objects one after another: split at "},{\"seq\":".
    size_t at = 0;
    while (at < events.size()) {
      size_t next = events.find("},{\"seq\":", at);
      size_t end = next == std::string::npos ? events.size() : next + 1;
      rows.push_back(events.substr(at, end - at));
      at = end + 1;
    }
    if (rows.size() == before) break;
  }
  return rows;
}

class ServeSseTest : public ServeHttpTest {
 protected:
  Child Appender(const Server& server, const std::string& prefix, int count, int batch) {
    return Spawn({ANNALS_SERVE_CLIENT_PATH, server.address, prefix, std::to_string(count),
                  std::to_string(batch)},
                 (dir_ / (prefix + ".out")).string(), false);
  }
};

TEST_F(ServeSseTest, SubscribersGetEveryEventOnceInOrderWhileAppendsGoOnAndResume) {
  Fill();
  Server server = Start();
  HttpTestClient http(server.http);
  auto stream = http.Subscribe("/v1/subscribe?from_seq=1");
  ASSERT_EQ(stream->status, 200u);
  EXPECT_EQ(stream->content_type, "text/event-stream");
  Child a = Appender(server, "a", 300, 7), b = Appender(server, "b", 300, 1);
  const uint64_t head = 13 + 600;
  std::vector<std::string> got = {""};  // data by seq
  while (got.size() <= 150) {
    auto f = stream->Next();
    ASSERT_TRUE(f.has_value());
    ASSERT_EQ(f->id, std::to_string(got.size()));  // in order, no gap, no repeat
    got.push_back(f->data);
  }
  stream.reset();  // the subscriber goes away at seq 150 ...
  // ... and resumes as a browser does, with Last-Event-ID.
  auto resumed = http.Subscribe("/v1/subscribe?from_seq=1", "150");
  ASSERT_EQ(resumed->status, 200u);
  while (got.size() <= head) {
    auto f = resumed->Next();
    ASSERT_TRUE(f.has_value());
    ASSERT_EQ(f->id, std::to_string(got.size()));
    got.push_back(f->data);
  }
  EXPECT_EQ(Wait(a), 0);
  EXPECT_EQ(Wait(b), 0);
  EXPECT_EQ(LogRows(http, head), got);  // each row is the log's
  EXPECT_EQ(StopServer(server), 0);
}

TEST_F(ServeSseTest, FilteredStreamsEqualTheBruteForceFilterOfTheLog) {
  Fill();
  Server server = Start();
  HttpTestClient http(server.http);
  Child a = Appender(server, "a", 200, 9), b = Appender(server, "b", 200, 3);
  auto by_a = http.Subscribe("/v1/subscribe?actor=speaker++A");
  auto corrections = http.Subscribe("/v1/subscribe?from_seq=2&kind=correction");
  auto topic = http.Subscribe("/v1/subscribe?topic=Rare+Earth+Metals&from_seq=1");
  auto group = http.Subscribe("/v1/subscribe?projection=actors&key=speaker++A");
  EXPECT_EQ(Wait(a), 0);
  EXPECT_EQ(Wait(b), 0);
  std::vector<std::string> log = LogRows(http, 413);
  ASSERT_EQ(log.size(), 414u);
  auto expect = [&](HttpTestClient::Stream& s, auto&& keep) {
    std::vector<std::string> want, got;
    for (size_t seq = 1; seq < log.size(); ++seq)
      if (keep(log[seq])) want.push_back(log[seq]);
    while (got.size() < want.size()) {
      auto f = s.Next();
      if (!f.has_value()) break;
      got.push_back(f->data);
    }
    EXPECT_EQ(got, want);
    return want.size();
  };
  EXPECT_EQ(expect(*by_a, [](const std::string& r) {
              return r.find("\"speaker\":\"Speaker a\"") != std::string::npos;
            }),
            200u);
  EXPECT_EQ(expect(*corrections, [](const std::string& r) {
              return r.find("\"kind\":\"correction\"") != std::string::npos;
            }),
            1u);
  EXPECT_GE(expect(*topic, [](const std::string& r) {
              size_t at = r.find("\"topics\":[");
              std::string topics = r.substr(at, r.find(']', at) - at);
              return topics.find("\"rare earth metals\"") != std::string::npos;
            }),
            2u);
  // The actors timeline files a statement under its speaker and targets.
  EXPECT_GE(expect(*group, [](const std::string& r) {
              const size_t at = r.find("\"targets\":[");
              const std::string targets = r.substr(at, r.find(']', at) - at);
              return r.find("\"speaker\":\"Speaker a\"") != std::string::npos ||
                     targets.find("\"Speaker a\"") != std::string::npos;
            }),
            200u);
  EXPECT_EQ(StopServer(server), 0);
}

// A subscriber that reads nothing while appends go on is cut off at
// --max-subscriber-lag (its connection closed), and resumes with
// Last-Event-ID, missing and repeating nothing.
TEST_F(ServeSseTest, AStalledSubscriberIsCutOffAndResumesExactly) {
  ASSERT_EQ(Run("import " + Quote(kSample)).exit_code, 0);
  Server server = Start({"--http", "0", "--max-subscriber-lag", "20"});
  HttpTestClient http(server.http);
  auto stalled = http.Subscribe("/v1/subscribe?from_seq=1");
  ASSERT_EQ(stalled->status, 200u);
  // ~36 MB of events: far more than the socket buffers between them hold.
  const std::string content(60000, 'x');
  uint64_t head = 12;
  for (int batch = 0; batch < 6; ++batch) {
    std::string body;
    for (int i = 0; i < 100; ++i)
      body += R"({"id":"big-)" + std::to_string(batch * 100 + i) +
              R"(","speaker":"S","verb":"said","occurred_at":"2025","content":")" + content +
              "\"}\n";
    HttpResult r = http.Request(kj::HttpMethod::POST, "/v1/statements", body);
    ASSERT_EQ(r.status, 200u) << r.body.substr(0, 300);
    head += 100;
  }
  // The stalled stream now ends after frames 1..last: closed mid-frame (its
  // last write was blocked), or, when that write had just finished, with
  // the end frame saying why and where to resume.
  uint64_t last = 0;
  std::string end;
  while (auto f = stalled->Next()) {
    if (f->event == "end") {
      end = f->data;
    } else {
      ASSERT_TRUE(end.empty()) << "a frame after the end";
      ASSERT_EQ(f->id, std::to_string(last + 1));
      ++last;
    }
  }
  EXPECT_LT(last, head);
  if (!stalled->cut) {
    EXPECT_THAT(end, HasSubstr("{\"code\":\"RESOURCE_EXHAUSTED\""));
    EXPECT_THAT(end, HasSubstr(",\"last_seq\":" + std::to_string(last) + "}"));
  }
  EXPECT_THAT(ReadFile(server.log), HasSubstr("subscriber too slow"));
  auto resumed = http.Subscribe("/v1/subscribe?from_seq=1", std::to_string(last));
  while (last < head) {
    auto f = resumed->Next();
    ASSERT_TRUE(f.has_value());
    ASSERT_EQ(f->id, std::to_string(last + 1));
    ++last;
  }
  EXPECT_EQ(StopServer(server), 0);
}

// A quiet stream gets a keep-alive comment every --sse-keepalive seconds
// (so proxies keep the connection), and the events after them come as
// before.
TEST_F(ServeSseTest, AQuietStreamGetsKeepAliveComments) {
  Fill();  // 13 events
  Server server = Start({"--http", "0", "--sse-keepalive", "1"});
  HttpTestClient http(server.http);
  auto stream = http.Subscribe("/v1/subscribe?from_seq=14");  // nothing yet: quiet
  ASSERT_EQ(stream->status, 200u);
  ASSERT_TRUE(stream->WaitForComments(3));  // ": subscribed", then two keep-alives
  EXPECT_EQ(stream->comments[0], ": subscribed");
  EXPECT_EQ(stream->comments[1], ": keep-alive");
  EXPECT_EQ(stream->comments[2], ": keep-alive");
  Result a = Run("append --speaker Ada --verb said --content after --at 2018");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto f = stream->Next();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->id, "14");
  EXPECT_NE(f->data.find("\"content\":\"after\""), std::string::npos) << f->data;
  EXPECT_EQ(StopServer(server), 0) << ReadFile(server.log);
}

TEST_F(ServeSseTest, BadSubscriptionsAreJsonErrors) {
  Fill();
  Server server = Start();
  HttpTestClient http(server.http);
  for (const auto& [target, last] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/subscribe?kind=statements", ""},
           {"/v1/subscribe?from_seq=x", ""},
           {"/v1/subscribe?actors=a", ""},
           {"/v1/subscribe?key=a", ""},
           {"/v1/subscribe?projection=actors", ""},
           {"/v1/subscribe?projection=actors&key=a&key=b", ""},
           {"/v1/subscribe", "twelve"}}) {
    auto s = http.Subscribe(target, last);
    EXPECT_EQ(s->status, 400u) << target;
    EXPECT_EQ(s->content_type, "application/json");
  }
  EXPECT_EQ(http.Subscribe("/v1/subscribe?projection=nope&key=a")->status, 404u);
  EXPECT_EQ(http.Request(kj::HttpMethod::POST, "/v1/subscribe").status, 405u);
  EXPECT_EQ(StopServer(server), 0);
}

}  // namespace
}  // namespace annals::test
