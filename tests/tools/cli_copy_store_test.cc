// Issue 17.6: `annals log --format jsonl | annals --db COPY import -` copies
// a store -- statements, corrections (of corrections), retractions and
// aliases -- so that every view of the copy equals the source's, even when
// the copy numbers the events differently; a second import adds nothing.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "annals/engine.h"
#include "annals/options.h"
#include "absl/strings/str_cat.h"
#include "annals/statement.h"
#include "annals/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cli_harness.h"

namespace annals {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kNames = {"Ada", "ada ", "Bob", "United States", "UNITED STATES",
                                         "USA", "Cleo", "Dov"};
// Applied in this order, each at most once: no cycles.
const std::vector<std::pair<std::string, std::string>> kAliases = {
    {"USA", "United States"}, {"Dov", "Cleo"}, {"bob", "Ada"}};

Statement RandomStatement(std::mt19937& rng, int i) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  Statement s;
  s.speaker = kNames[pick(kNames.size())];
  s.targets = {kNames[pick(kNames.size())]};
  s.verb = pick(2) ? "said" : "accused";
  s.code = pick(2) ? "112" : "042";
  s.content = "statement " + std::to_string(i);
  const int day = 1 + static_cast<int>(pick(28)), month = 1 + static_cast<int>(pick(12));
  auto t = ParseTime(pick(4) == 0 ? "2018" : absl::StrCat("2018-", month < 10 ? "0" : "", month,
                                                           "-", day < 10 ? "0" : "", day));
  s.occurred_at = *t;
  if (pick(3) == 0) s.attributes = {{"note", "n" + std::to_string(i)}};
  return s;
}

// A random store in `path`, made through the library; returns its head.
uint64_t MakeRandomStore(const std::filesystem::path& path, unsigned seed) {
  std::mt19937 rng(seed);
  Options o;
  o.sync_appends = false;
  auto engine = Engine::Open(path.string(), o);
  EXPECT_TRUE(engine.ok()) << engine.status();
  Engine& e = **engine;
  std::vector<uint64_t> live;  // statements not retracted
  size_t aliases = 0;
  for (int i = 0; i < 90; ++i) {
    const unsigned roll = rng() % 20;
    // Statement 1 is corrected twice (a correction of a correction).
    const bool forced = i == 3 || i == 4;
    if (!forced && (live.empty() || roll < 11)) {
      auto r = e.Append(RandomStatement(rng, i));
      EXPECT_TRUE(r.ok()) << r.status();
      if (r.ok() && !r->duplicate) live.push_back(r->seq);
    } else if (forced || roll < 15) {
      const uint64_t target = forced ? live[0] : live[rng() % live.size()];
      auto now = e.CurrentStatement(target);
      EXPECT_TRUE(now.ok()) << now.status();
      if (!now.ok()) break;
      Statement c = *now;
      c.content += " (corrected " + std::to_string(i) + ")";
      if (rng() % 2) c.speaker = kNames[rng() % kNames.size()];
      if (rng() % 3 == 0) c.occurred_at = *ParseTime("2019-05");
      auto r = e.Correct(target, c, rng() % 2 ? "typo" : "");
      EXPECT_TRUE(r.ok()) << r.status();
    } else if (roll < 18 && live.size() > 1) {
      const size_t k = rng() % live.size();
      auto r = e.Retract(live[k], "wrong " + std::to_string(i));
      EXPECT_TRUE(r.ok()) << r.status();
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    } else if (aliases < kAliases.size()) {
      auto r = e.Alias(kAliases[aliases].first, kAliases[aliases].second);
      EXPECT_TRUE(r.ok()) << r.status();
      ++aliases;
    }
  }
  return e.Head();
}

// A view's output without what differs between two copies of one log:
// seqs, recorded_at, an amendment's target seq, the import.* provenance
// attributes; and without the lines naming `drop` (a statement the copy
// had before the import).
std::string Normalized(const std::string& out, const std::string& drop = "") {
  static const std::regex kVolatile(
      R"re("seq":\d+,|"recorded_at":"[^"]*",|,"target":\d+|"import\.[a-z_]+":"[^"]*",?)re");
  static const std::regex kDanglingComma(R"re(,\})re");
  std::string result;
  for (const std::string& line : test::Lines(out)) {
    if (!drop.empty() && line.find(drop) != std::string::npos) continue;
    std::string l = std::regex_replace(line, kVolatile, "");
    result += std::regex_replace(l, kDanglingComma, "}") + "\n";
  }
  return result;
}

class CliCopyStoreTest : public test::CliFixture,
                         public ::testing::WithParamInterface<unsigned> {};

TEST_P(CliCopyStoreTest, LogPipedIntoImportCopiesEveryView) {
  const std::filesystem::path source = dir_ / "source";
  const uint64_t head = MakeRandomStore(source, GetParam());
  if (HasFatalFailure()) return;
  // The copy holds one statement first, so every event is renumbered.
  const std::filesystem::path copy = db_;
  ASSERT_EQ(Run("append --speaker Zed --verb said --content zero --at 2017").exit_code, 0);

  test::Result log = RunOn(source, "log --format jsonl");
  ASSERT_EQ(log.exit_code, 0) << log.err;
  test::Result imported = Run("import -", log.out);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out + imported.err, HasSubstr("read " + std::to_string(head) + ", imported " +
                                      std::to_string(head) + ", duplicates 0, rejected 0"));
  test::Result again = Run("import -", log.out);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out + again.err, HasSubstr("imported 0, duplicates " + std::to_string(head) +
                                   ", rejected 0"));
  test::Result copy_log = Run("log --format jsonl");
  ASSERT_EQ(test::Lines(copy_log.out).size(), head + 1);
  // Each copied event keeps the source's seq and recorded_at as provenance.
  for (const std::string& line : test::Lines(copy_log.out)) {
    if (line.find("\"kind\":\"statement\"") != std::string::npos && line.find("Zed") == line.npos)
      EXPECT_THAT(line, HasSubstr("\"import.source_seq\":"));
  }

  auto same = [&](const std::string& args) {
    SCOPED_TRACE(args);
    test::Result a = RunOn(source, args), b = Run(args);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(Normalized(a.out), Normalized(b.out, "Zed"));
  };
  for (const char* actor : {"Ada", "Bob", "United States", "Cleo", "USA", "dov"}) {
    same(std::string("timeline --format jsonl --actor ") + test::Quote(actor));
    same(std::string("timeline --format jsonl --include-retracted --actor ") + test::Quote(actor));
  }
  same("actors --format jsonl");
  same("export --format jsonl");
  same("export --format jsonl --include-retracted");
  ASSERT_EQ(RunOn(source, "projection create spk --key speaker").exit_code, 0);
  ASSERT_EQ(Run("projection create spk --key speaker").exit_code, 0);
  same("projection query spk --counts --format jsonl");
  // As of a point: source seq k is copy seq k + 1.
  for (uint64_t k : {head / 3, head / 2, head - 5}) {
    SCOPED_TRACE(k);
    const std::string q = "timeline --format jsonl --actor Ada --as-of ";
    EXPECT_EQ(Normalized(RunOn(source, q + std::to_string(k)).out),
              Normalized(Run(q + std::to_string(k + 1)).out, "Zed"));
    const std::string c = "projection query spk --counts --format jsonl --as-of ";
    EXPECT_EQ(Normalized(RunOn(source, c + std::to_string(k)).out),
              Normalized(Run(c + std::to_string(k + 1)).out, "Zed"));
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CliCopyStoreTest, ::testing::Values(1u, 2u, 3u));

class CliImportAmendTest : public test::CliFixture {};

// An amendment whose target is neither in the store nor earlier in the
// input is a rejected row, with its kind, like any other.
TEST_F(CliImportAmendTest, AmendmentOfAnUnknownStatementIsRejected) {
  const std::filesystem::path source = dir_ / "source";
  ASSERT_EQ(RunOn(source, "append --speaker Ada --verb said --content one --at 2018").exit_code, 0);
  ASSERT_EQ(RunOn(source, "correct 1 --content two --reason typo").exit_code, 0);
  ASSERT_EQ(RunOn(source, "retract 1 --reason wrong").exit_code, 0);
  std::vector<std::string> log = test::Lines(RunOn(source, "log --format jsonl").out);
  ASSERT_EQ(log.size(), 3u);
  test::Result r = Run("import --rejects " + test::Quote((dir_ / "rejects").string()) + " -",
                      log[1] + "\n" + log[2] + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out + r.err, HasSubstr("read 2, imported 0, duplicates 0, rejected 2"));
  EXPECT_THAT(r.err, HasSubstr("-:1: target: no statement has id"));
  // A row without target_id (as older versions wrote them) names it by seq.
  std::string old_style = log[1];
  old_style.erase(old_style.find(",\"target_id\":"),
                  old_style.find('"', old_style.find("\"target_id\":\"") + 13) + 1 -
                      old_style.find(",\"target_id\":"));
  ASSERT_EQ(old_style.find("target_id"), std::string::npos) << old_style;
  r = Run("import -", old_style + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("-:1: target: the correction amends seq 1, which is not a "
                               "statement earlier in the input"));
  // Named by id (log writes target_id), the target is found in the store.
  ASSERT_EQ(Run("append --speaker Ada --verb said --content one --at 2018").exit_code, 0);
  r = Run("import -", log[1] + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Run("export --format jsonl").out, HasSubstr("\"content\":\"two\""));
}

}  // namespace
}  // namespace annals
