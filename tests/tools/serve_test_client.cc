// A client process for serve_test.
//   serve_test_client ADDRESS PREFIX COUNT BATCH
// appends COUNT statements with ids PREFIX-0.. in batches of BATCH through
// the server at ADDRESS, printing "ack ID SEQ" for each statement
// acknowledged. Exit 0 when all were; 2 at the first failed batch.
//   serve_test_client subscribe ADDRESS FROM UNTIL
// prints "event SEQ ID" for each event from seq FROM on, and exits 0 once
// it has printed seq UNTIL (after "subscribed" on fd 3, if open); when
// the subscription ends first, prints
// "end RESUME_FROM" and exits 3.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "annals/client.h"
#include "annals/time.h"

namespace {

int Subscribe(const std::string& address, uint64_t from, uint64_t until) {
  auto client = annals::Connect(address);
  if (!client.ok()) {
    std::fprintf(stderr, "connect: %s\n", client.status().ToString().c_str());
    return 2;
  }
  auto sub = (*client)->Subscribe(from, {}, [until](const annals::Event& e) {
    std::printf("event %llu %s\n", static_cast<unsigned long long>(e.seq), e.id.c_str());
    std::fflush(stdout);
    if (e.seq >= until) std::_Exit(0);
  });
  if (!sub.ok()) {
    std::fprintf(stderr, "subscribe: %s\n", sub.status().ToString().c_str());
    return 2;
  }
  (void)!write(3, "subscribed\n", 11);  // for a test holding a pipe there
  absl::Status why = (*sub)->Wait();
  std::printf("end %llu\n", static_cast<unsigned long long>((*sub)->resume_from()));
  std::fprintf(stderr, "ended: %s\n", why.ToString().c_str());
  std::fflush(stdout);
  std::_Exit(3);  // not destroying the client while its I/O thread may call back
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "subscribe")
    return Subscribe(argv[2], std::strtoull(argv[3], nullptr, 10),
                     std::strtoull(argv[4], nullptr, 10));
  if (argc != 5) return 1;
  auto client = annals::Connect(argv[1]);
  if (!client.ok()) {
    std::fprintf(stderr, "connect: %s\n", client.status().ToString().c_str());
    return 2;
  }
  std::string prefix = argv[2];
  int count = std::atoi(argv[3]), batch = std::atoi(argv[4]);
  for (int at = 0; at < count; at += batch) {
    std::vector<annals::Statement> statements;
    for (int i = at; i < count && i < at + batch; ++i) {
      annals::Statement s;
      s.id = prefix + "-" + std::to_string(i);
      s.speaker = "Speaker " + prefix;
      s.targets = {"Target"};
      s.verb = "said";
      s.content = "statement " + s.id;
      s.occurred_at = *annals::ParseTime("2024-06-01");
      statements.push_back(std::move(s));
    }
    auto results = (*client)->Append(statements);
    if (!results.ok()) {
      std::fprintf(stderr, "append: %s\n", results.status().ToString().c_str());
      return 2;
    }
    for (size_t i = 0; i < statements.size(); ++i)
      std::printf("ack %s %llu\n", statements[i].id.c_str(),
                  static_cast<unsigned long long>((*results)[i].seq));
    std::fflush(stdout);
  }
  return 0;
}
