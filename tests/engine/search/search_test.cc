// Full-text search (annals/search.h) against a brute-force oracle on random
// logs with corrections, retractions, aliases and as-of points; and the
// index's life: catching up, another log's index rebuilt, a foreign
// database refused, stemming.
#include "annals/search.h"
#include "annals/verify.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/search/search_seqs.h"
#include "engine/test_util.h"
#include "engine/timeline/model.h"
#include "engine/timeline/random_log.h"
#include "gtest/gtest.h"
#include "search/search_index.h"

namespace annals {
namespace {

using test::FastOptions;
using test::Seqs;
using test::Generator;
using test::ModelLog;
using test::Norm;
using test::PeriodEnd;
using test::T;
using test::TempDir;

const std::vector<std::string> kWords = {"alpha", "bravo", "charlie", "delta",
                                         "echo",  "foxtrot", "golf", "hotel"};

// Content and quote of a few vocabulary words each (language "none": the
// oracle compares words as written).
void Decorate(Statement& s, std::mt19937_64& rng) {
  auto text = [&](int most) {
    std::string out;
    const int n = std::uniform_int_distribution<int>(0, most)(rng);
    for (int i = 0; i < n; ++i)
      out += (i ? " " : "") + kWords[std::uniform_int_distribution<size_t>(0, 7)(rng)];
    return out;
  };
  s.content = text(6);
  if (s.content.empty()) s.content = "zulu";
  s.quote = text(3);
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool Has(const std::vector<std::string>& words, const std::string& w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// `a b` adjacent in one field.
bool HasPhrase(const std::vector<std::string>& words, const std::string& a,
               const std::string& b) {
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == a && words[i + 1] == b) return true;
  return false;
}

// The words of a name: split at ASCII spaces and punctuation (language
// "none": unstemmed).
std::set<std::string> NameWords(const std::string& name) {
  std::set<std::string> out;
  std::string word;
  for (char c : name + " ") {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      word += c;
    } else if (!word.empty()) {
      out.insert(word);
      word.clear();
    }
  }
  return out;
}

bool Includes(const std::set<std::string>& have, const std::set<std::string>& want) {
  return !want.empty() && std::includes(have.begin(), have.end(), want.begin(), want.end());
}

// The oracle's reading of the few query shapes the test asks.
struct Shape {
  std::string text;
  std::function<bool(const Statement&)> match;
};

std::vector<Shape> Shapes(const std::string& a, const std::string& b) {
  auto all = [](const Statement& s) {
    std::vector<std::string> w = Words(s.content);
    for (const std::string& q : Words(s.quote)) w.push_back(q);
    return w;
  };
  return {
      {a, [=](const Statement& s) { return Has(all(s), a); }},
      {a + " " + b, [=](const Statement& s) { return Has(all(s), a) && Has(all(s), b); }},
      {a + " OR " + b, [=](const Statement& s) { return Has(all(s), a) || Has(all(s), b); }},
      {a + " AND NOT " + b,
       [=](const Statement& s) { return Has(all(s), a) && !Has(all(s), b); }},
      {"\"" + a + " " + b + "\"",
       [=](const Statement& s) {
         return HasPhrase(Words(s.content), a, b) || HasPhrase(Words(s.quote), a, b);
       }},
      {a.substr(0, 2) + "*",
       [=](const Statement& s) {
         for (const std::string& w : all(s))
           if (w.compare(0, 2, a.substr(0, 2)) == 0) return true;
         return false;
       }},
  };
}

// The seqs the oracle finds, each with its current statement.
std::map<uint64_t, Statement> Oracle(const ModelLog& model, uint64_t as_of,
                                     const SearchQuery& q, const Shape& shape) {
  const ModelLog::View v = model.ViewAt(as_of);
  std::map<uint64_t, Statement> out;
  for (uint64_t seq : model.statement_seqs()) {
    if (seq > as_of) break;
    if (v.retracted.count(seq)) continue;
    const Statement& s = v.Current(seq);
    if (q.from.present() && s.occurred_at.micros < q.from.micros) continue;
    if (q.to.present() && s.occurred_at.micros >= PeriodEnd(q.to)) continue;
    if (!q.actor.empty()) {
      const std::string root = v.Root(Norm(q.actor));
      bool named = !s.speaker.empty() && v.Root(Norm(s.speaker)) == root;
      for (const std::string& t : s.targets) named = named || v.Root(Norm(t)) == root;
      if (!named) continue;
    }
    if (!q.topic.empty()) {
      bool listed = false;
      for (const std::string& t : s.topics)
        listed = listed || Norm(t) == Norm(q.topic) || Includes(NameWords(Norm(t)),
                                                              NameWords(Norm(q.topic)));
      if (!listed) continue;
    }
    if (shape.match(s)) out[seq] = s;
  }
  return out;
}

class SearchModelTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SearchModelTest, RandomLogMatchesTheOracle) {
  TempDir dir;
  auto opened = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Engine> engine = *std::move(opened);
  ModelLog generated;
  test::GenOptions options;
  options.decorate = Decorate;
  Generator gen(GetParam(), engine.get(), &generated, options);
  // In the store, where verify looks for it.
  const std::string index = dir.Sub("store") + "/search";
  // Transactions of a few events: many commits, each with its checkpoint.
  internal::SetSearchBatchEventsForTest(GetParam() % 7 + 2);
  // Half the log, a search (the index follows), the rest: the second
  // round's searches catch the index up from its checkpoint.
  const uint64_t size = test::RandomLogSize(GetParam());
  ASSERT_TRUE(test::GrowLog(gen, generated, size / 2));
  SearchQuery first;
  first.text = "alpha";
  first.language = "none";
  ASSERT_TRUE(Search(*engine, index, first).ok());
  ASSERT_TRUE(test::GrowLog(gen, generated, size));
  auto model = ModelLog::FromEngine(*engine);
  ASSERT_TRUE(model.ok()) << model.status();

  std::vector<uint64_t> points = {model->head(), size / 2};
  for (int i = 0; i < 3; ++i)
    points.push_back(static_cast<uint64_t>(gen.Uniform(1, static_cast<int>(model->head()))));
  std::vector<std::string> actors = {""};
  for (const std::string& a : gen.ActorQueries()) actors.push_back(a);
  int checked = 0, nonempty = 0;
  for (uint64_t as_of : points) {
    for (size_t i = 0; i < actors.size(); ++i) {
      const std::string a = kWords[(as_of + i) % kWords.size()];
      const std::string b = kWords[(as_of + 3 * i + 1) % kWords.size()];
      for (const Shape& shape : Shapes(a, b)) {
        SearchQuery q;
        q.text = shape.text;
        q.language = "none";
        q.as_of = as_of;
        q.actor = actors[i];
        q.limit = 10000;
        if (i % 3 == 1) q.from = T("2024"), q.to = T("2024-12");
        if (i % 4 == 2) q.topic = gen.TopicName();
        // Words of topics: "us" is one of "US-Russia relations".
        const char* words[] = {"earth", "RARE  Earth", "us", "oil", "process"};
        if (i % 4 == 3) q.topic = words[(as_of + i) % 5];
        auto got = Search(*engine, index, q);
        ASSERT_TRUE(got.ok()) << got.status() << " " << q.text;
        EXPECT_EQ(got->as_of, as_of);
        const std::map<uint64_t, Statement> want = Oracle(*model, as_of, q, shape);
        std::map<uint64_t, Statement> have;
        double last = 1e300;
        const ModelLog::View view = model->ViewAt(as_of);
        for (const SearchHit& h : got->hits) {
          have[h.seq] = h.event.statement;
          auto latest = view.latest_correction.find(h.seq);
          EXPECT_EQ(h.version_seq, latest == view.latest_correction.end() ? h.seq
                                                                          : latest->second);
          EXPECT_EQ(h.event.seq, h.seq);
          EXPECT_LE(h.score, last) << "not ranked by score";
          last = h.score;
        }
        EXPECT_EQ(have, want) << "query " << q.text << " as of " << as_of << " actor \""
                              << q.actor << "\" topic \"" << q.topic << "\"";
        ++checked;
        nonempty += !want.empty();
      }
    }
  }
  EXPECT_GT(nonempty, checked / 4) << "the oracle found too little to test";
  internal::SetSearchBatchEventsForTest(0);

  // verify replays the log into the documents the index must hold: this
  // index, built in many small transactions, is exactly that.
  engine.reset();
  auto report = VerifyStore(dir.Sub("store"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->problem_count, 0u)
      << (report->problems.empty() ? "" : report->problems[0].detail);
  EXPECT_NE(std::find(report->projections_checked.begin(), report->projections_checked.end(),
                      "search:none"),
            report->projections_checked.end());
}

INSTANTIATE_TEST_SUITE_P(Seeds, SearchModelTest, ::testing::Values(7, 311, 4242));

Statement Said(const std::string& speaker, const std::string& content) {
  Statement s;
  s.speaker = speaker;
  s.verb = "said";
  s.content = content;
  s.occurred_at = T("2025-03-01");
  return s;
}

TEST(SearchTest, EnglishStemsAndPhrasesKeepWordOrder) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE(
      (*engine)->Append(Said("Kirill Dmitriev", "Talks on rare earth metals and minerals")).ok());
  ASSERT_TRUE((*engine)->Append(Said("Donald Trump", "The earth is not rare, he talked")).ok());
  SearchQuery q;
  q.text = "talk";  // "Talks", "talked"
  std::vector<uint64_t> both = Seqs(Search(**engine, dir.Sub("search"), q));
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (std::vector<uint64_t>{1, 2}));
  q.text = "\"rare earth\"";
  EXPECT_EQ(Seqs(Search(**engine, dir.Sub("search"), q)), (std::vector<uint64_t>{1}));
  q.text = "minera*";  // a prefix of the word as written, longer than its stem
  EXPECT_EQ(Seqs(Search(**engine, dir.Sub("search"), q)), (std::vector<uint64_t>{1}));
  q.text = "metal*";
  EXPECT_EQ(Seqs(Search(**engine, dir.Sub("search"), q)), (std::vector<uint64_t>{1}));
  q.text = "rare AND";
  EXPECT_TRUE(absl::IsInvalidArgument(Search(**engine, dir.Sub("search"), q).status()));
  q.text = "   ";
  EXPECT_TRUE(absl::IsInvalidArgument(Search(**engine, dir.Sub("search"), q).status()));
  q.text = "rare";
  q.language = "klingon";
  EXPECT_TRUE(absl::IsInvalidArgument(Search(**engine, dir.Sub("search"), q).status()));
  q.language = "english";
  q.as_of = 3;
  EXPECT_TRUE(absl::IsOutOfRange(Search(**engine, dir.Sub("search"), q).status()));
}

TEST(SearchTest, AnIndexOfAnotherLogIsRebuilt) {
  TempDir dir;
  const std::string index = dir.Sub("search");
  SearchQuery q;
  q.text = "metals";
  {
    auto a = Engine::Open(dir.Sub("a"), FastOptions());
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE((*a)->Append(Said("A", "metals here")).ok());
    ASSERT_TRUE((*a)->Append(Said("A", "more metals")).ok());
    EXPECT_EQ(Seqs(Search(**a, index, q)), (std::vector<uint64_t>{1, 2}));
  }
  auto b = Engine::Open(dir.Sub("b"), FastOptions());  // same length, other events
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Append(Said("B", "no match")).ok());
  ASSERT_TRUE((*b)->Append(Said("B", "metals at last")).ok());
  EXPECT_EQ(Seqs(Search(**b, index, q)), (std::vector<uint64_t>{2}));
  auto c = Engine::Open(dir.Sub("c"), FastOptions());  // shorter than the index
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Append(Said("C", "metals")).ok());
  EXPECT_EQ(Seqs(Search(**c, index, q)), (std::vector<uint64_t>{1}));
}

TEST(SearchTest, AForeignXapianDatabaseIsRefusedAndKept) {
  TempDir dir;
  const std::string index = dir.Sub("search");
  std::filesystem::create_directories(index);
  {
    Xapian::WritableDatabase foreign(index + "/english", Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document d;
    d.add_term("someone");
    foreign.add_document(d);
    foreign.commit();
  }
  auto engine = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)->Append(Said("A", "someone")).ok());
  SearchQuery q;
  q.text = "someone";
  EXPECT_TRUE(absl::IsFailedPrecondition(Search(**engine, index, q).status()));
  Xapian::Database kept(index + "/english");
  EXPECT_EQ(kept.get_doccount(), 1u);
}


TEST(SearchTest, AReadOnlyEngineBehindTheIndexReadsItAsItIs) {
  TempDir dir;
  const std::string index = dir.Sub("search");
  auto writer = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(writer.ok());
  auto append = [&](int i) {
    return (*writer)->Append(Said("A", "cobalt " + std::to_string(i))).ok();
  };
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(append(i));
  Options ro = FastOptions();
  ro.read_only = true;
  auto reader = Engine::Open(dir.Sub("store"), ro);  // sees 10 events
  ASSERT_TRUE(reader.ok()) << reader.status();
  for (int i = 10; i < 20; ++i) ASSERT_TRUE(append(i));
  SearchQuery q;
  q.text = "cobalt";
  q.limit = 100;
  EXPECT_EQ(Seqs(Search(**writer, index, q)).size(), 20u);  // the index at 20
  const auto docs = [&] { return Xapian::Database(index + "/english").get_doccount(); };
  ASSERT_EQ(docs(), 20u);
  std::vector<uint64_t> seen = Seqs(Search(**reader, index, q));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(docs(), 20u);  // read, not rebuilt
  EXPECT_EQ(Xapian::Database(index + "/english").get_metadata("annals.checkpoint"), "20");
}

TEST(SearchTest, TiesGoByOccurredAtThenSeqAndLongNamesFilter) {
  TempDir dir;
  auto engine = Engine::Open(dir.Sub("store"), FastOptions());
  ASSERT_TRUE(engine.ok());
  const std::string long_name(300, 'n');
  Statement a = Said(long_name, "same words here");
  a.occurred_at = T("2025-03-02");
  Statement b = Said("B", "same words here");
  Statement c = Said("C", "same words here");
  ASSERT_TRUE((*engine)->Append(a).ok());  // 1, the latest date
  ASSERT_TRUE((*engine)->Append(b).ok());  // 2
  ASSERT_TRUE((*engine)->Append(c).ok());  // 3
  Statement b2 = b;
  b2.verb = "stated";
  ASSERT_TRUE((*engine)->Correct(2, b2, "verb").ok());  // a later version of 2
  SearchQuery q;
  q.text = "same words";
  EXPECT_EQ(Seqs(Search(**engine, dir.Sub("search"), q)), (std::vector<uint64_t>{2, 3, 1}));
  q.actor = long_name;
  EXPECT_EQ(Seqs(Search(**engine, dir.Sub("search"), q)), (std::vector<uint64_t>{1}));
  q.actor = std::string(299, 'n');
  EXPECT_TRUE(Seqs(Search(**engine, dir.Sub("search"), q)).empty());
}
}  // namespace
}  // namespace annals
