// A damaged write-ahead log (issue 16.1), end to end with the real CLI: an
// import is SIGKILLed right after a sync it reported durable, so the
// newest WAL holds unflushed events; bytes inside the events it reported
// durable are flipped.
// Every command must then refuse the store (exit 2, naming the WAL file
// and the last intact seq) and change nothing; `annals repair` salvages
// it, after which `verify` is clean but for a note on the recorded gap and
// the next append takes a seq above every lost one.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/child_process.h"
#include "tools/cli_harness.h"

namespace annals::test {
namespace {

namespace fs = std::filesystem;

void WriteCorpus(const fs::path& path, int n) {
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < n; ++i)
    out << "{\"id\":\"wal-" << i << "\",\"speaker\":\"Speaker " << i % 97
        << "\",\"targets\":[\"Target " << i % 31 << "\"],\"verb\":\"said\",\"topics\":[\"t"
        << i % 13 << "\"],\"content\":\"" << std::string(200, 'x') << " " << i
        << "\",\"occurred_at\":\"2020-01-0" << 1 + i % 9 << "\"}\n";
}

// The head of the first "durable" report at or beyond `want`, reading the
// child's fd 3 as it reports; 0 if it ended first.
uint64_t AwaitDurableHead(const Child& child, uint64_t want) {
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = read(child.fd3, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    text.append(buf, static_cast<size_t>(n));
    size_t end;
    while ((end = text.find('\n')) != std::string::npos) {
      std::string line = text.substr(0, end);
      text.erase(0, end + 1);
      if (line.rfind("durable ", 0) != 0) continue;
      for (absl::string_view field : absl::StrSplit(line, ' ')) {
        uint64_t v = 0;
        if (absl::ConsumePrefix(&field, "head=") && absl::SimpleAtoi(field, &v) && v >= want)
          return v;
      }
    }
  }
}

fs::path NewestWal(const fs::path& store) {
  fs::path newest;
  for (const auto& e : fs::directory_iterator(store))
    if (e.path().extension() == ".log" && e.path().filename().string()[0] != 'L' &&
        (newest.empty() || e.path().filename() > newest.filename()))
      newest = e.path();
  return newest;
}

// Where `wal` holds input line `i`'s id (seq i + 1), or npos.
size_t LineOffset(const std::string& wal, uint64_t i) {
  return wal.find("wal-" + std::to_string(i) + std::string(1, '\0'));
}

// Flips 4 bytes of `file` inside the events reported durable (seqs
// 1..durable, input lines 0..durable-1): at the id of the line halfway
// between the first of them the WAL holds and the last. (The middle of the
// file was not enough: a slow import, under ASan, wrote on well past its
// last durable report before the kill, and the middle fell after it.)
// False if the WAL holds none of them.
bool FlipWithinDurable(const fs::path& file, uint64_t durable) {
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (durable == 0 || LineOffset(bytes, durable - 1) == std::string::npos) return false;
  uint64_t lo = 0, hi = durable - 1;  // the WAL holds a suffix of the lines
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (LineOffset(bytes, mid) == std::string::npos) lo = mid + 1;
    else hi = mid;
  }
  const auto at = static_cast<std::streamoff>(LineOffset(bytes, lo + (durable - 1 - lo) / 2));
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(at);
  char b[4];
  f.read(b, 4);
  for (char& c : b) c = static_cast<char>(c ^ 0x5a);
  f.seekp(at);
  f.write(b, 4);
  return static_cast<bool>(f);
}

class CliWalDamageTest : public CliFixture {};

TEST_F(CliWalDamageTest, DamagedWalRefusesEveryOpenAndRepairKeepsSeqsUnique) {
  const fs::path input = dir_ / "input.jsonl";
  WriteCorpus(input, 60000);
  Child child = Spawn({CliPath(), "--db", db_.string(), "import", input.string(),
                       "--progress-fd", "3", "--progress-every", "65536"},
                      (dir_ / "child.log").string(), true);
  ASSERT_GT(child.pid, 0);
  const uint64_t durable = AwaitDurableHead(child, 3000);
  kill(child.pid, SIGKILL);
  DrainFd3(child);
  const int status = Wait(child);
  ASSERT_GT(durable, 0u) << ReadFile(dir_ / "child.log");
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it was killed";

  const fs::path wal = NewestWal(db_);
  ASSERT_FALSE(wal.empty());
  ASSERT_GT(fs::file_size(wal), 256u << 10) << "the newest WAL should hold the import";
  ASSERT_TRUE(FlipWithinDurable(wal, durable)) << "the newest WAL holds no durable event";
  const std::string wal_name = wal.filename().string();
  const auto files_before = fs::file_size(wal);

  for (const std::string args :
       {"verify --no-projections", "stats", "log --limit 1", "actors",
        "timeline --actor 'Speaker 1'", "append --speaker S --verb said --content c "
        "--at 2020-01-01"}) {
    SCOPED_TRACE(args);
    Result r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    // verify lists it as a problem on stdout; the others fail on stderr.
    const std::string said = r.out + r.err;
    EXPECT_NE(said.find(wal_name), std::string::npos) << said;
    EXPECT_NE(said.find("last seq that can be read intact"), std::string::npos) << said;
  }
  // Nothing was changed: the damaged WAL is still there, as it was.
  ASSERT_TRUE(fs::exists(wal));
  EXPECT_EQ(fs::file_size(wal), files_before);

  const fs::path damaged = dir_ / "damaged";
  Result repair = Run("repair --damaged-dir " + Quote(damaged.string()));
  ASSERT_EQ(repair.exit_code, 0) << repair.out << repair.err;
  EXPECT_NE(repair.out.find("lost"), std::string::npos) << repair.out;
  ASSERT_TRUE(fs::exists(damaged / wal_name)) << "the damaged WAL is kept aside";

  Result verify = Run("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("recorded as lost"), std::string::npos) << verify.out;

  // The first lost seq and the last: "lost seqs A..B recorded ...".
  uint64_t first = 0, last = 0;
  for (absl::string_view line : absl::StrSplit(repair.out, '\n')) {
    if (!absl::ConsumePrefix(&line, "lost")) continue;
    line = absl::StripLeadingAsciiWhitespace(line);
    ASSERT_TRUE(absl::ConsumePrefix(&line, "seqs "));
    std::vector<absl::string_view> parts = absl::StrSplit(line.substr(0, line.find(' ')), "..");
    ASSERT_EQ(parts.size(), 2u);
    ASSERT_TRUE(absl::SimpleAtoi(parts[0], &first));
    ASSERT_TRUE(absl::SimpleAtoi(parts[1], &last));
  }
  ASSERT_GT(first, 1u);
  EXPECT_LT(first, durable + 1) << "the damage was in events reported durable";
  EXPECT_GE(last, durable) << "every seq the import used may be lost, so none is reused";

  Result append = Run("append --speaker S --verb said --content after --at 2020-01-01");
  ASSERT_EQ(append.exit_code, 0) << append.err;
  uint64_t seq = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(append.out), &seq)) << append.out;
  EXPECT_EQ(seq, last + 1);

  Result stats = Run("stats --format jsonl");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find(absl::StrCat("\"lost\":", last - first + 1)), std::string::npos)
      << stats.out;
  EXPECT_NE(stats.out.find(absl::StrCat("\"events\":", first)), std::string::npos)
      << stats.out;  // 1..first-1 and the new one

  verify = Run("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // A full-text search as of a lost seq answers as of the statements
  // before it, from the index as it stands (no rebuild, no "try again").
  Result built = Run("search after --format csv");  // the index, at the head
  ASSERT_EQ(built.exit_code, 0) << built.err;
  ASSERT_GT(first, 2u);
  const auto checkpoint = [&] {
    return Xapian::Database((db_ / "search" / "english").string())
        .get_metadata("annals.checkpoint");
  };
  const std::string head = checkpoint();
  EXPECT_EQ(head, absl::StrCat(last + 1));
  for (uint64_t lost : {first, last}) {
    Result then = Run(absl::StrCat("search 1 --as-of ", lost, " --format csv"));
    EXPECT_EQ(then.exit_code, 0) << then.err;
    EXPECT_NE(then.out.find("\n1,"), std::string::npos) << then.out;
    EXPECT_NE(then.out.find(",2,2,"), std::string::npos) << then.out;  // "... 1" is seq 2
    EXPECT_EQ(checkpoint(), head) << "the index was rebuilt";
  }
  verify = Run("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace annals::test
