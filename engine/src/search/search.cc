// annals/search.h: catch the language's index up with the log, then one
// Xapian query with the as-of, date, actor and topic filters as boolean
// filters (they do not change the BM25 scores). A topic filter also takes
// the topics whose words include its words.
#include "annals/search.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <xapian.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/actor_names.h"
#include "facade/services.h"
#include "model/names.h"
#include "search/search_index.h"
#include "search/search_with.h"
#include "search/xapian_status.h"
#include "timeline/aliases.h"

namespace annals {
namespace {

using internal::NameTerm;
using internal::OrderedValue;

constexpr size_t kMaxLimit = 10000;

absl::Status CheckQuery(const SearchQuery& q) {
  if (q.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return absl::InvalidArgumentError("the query is empty");
  if (q.limit < 1 || q.limit > kMaxLimit)
    return absl::InvalidArgumentError(absl::StrCat("limit must be 1..", kMaxLimit));
  const std::vector<std::string> langs = SearchLanguages();
  if (std::find(langs.begin(), langs.end(), q.language) == langs.end())
    return absl::InvalidArgumentError(
        absl::StrCat("no stemmer for language \"", q.language,
                     "\" (one of: ", absl::StrJoin(langs, ", "), ")"));
  return CheckRange(q.from, q.to);
}

// The boolean filter: the version current at `as_of`, within the dates,
// naming the actor (any name of its alias class) and the topic.
absl::StatusOr<Xapian::Query> Filters(const Engine& engine, const SearchQuery& q,
                                      uint64_t as_of) {
  std::vector<Xapian::Query> all = {
      Xapian::Query(Xapian::Query::OP_VALUE_LE, internal::kValidFrom,
                    OrderedValue(static_cast<int64_t>(as_of))),
      Xapian::Query(Xapian::Query::OP_VALUE_GE, internal::kValidUntil,
                    OrderedValue(static_cast<int64_t>(as_of + 1)))};
  if (q.from.present())
    all.emplace_back(Xapian::Query::OP_VALUE_GE, internal::kOccurred,
                     OrderedValue(q.from.micros));
  if (q.to.present())
    all.emplace_back(Xapian::Query::OP_VALUE_LE, internal::kOccurred,
                     OrderedValue(EndOfPeriod(q.to)));
  if (!q.actor.empty()) {
    auto aliases = internal::AliasesAsOf(engine, as_of);
    if (!aliases.ok()) return aliases.status();
    const internal::AliasView view(*aliases);
    std::vector<Xapian::Query> names;
    for (const std::string& n : view.ClassOf(internal::NormalizeName(q.actor)))
      names.emplace_back(NameTerm("XA", n));
    all.emplace_back(Xapian::Query::OP_OR, names.begin(), names.end());
  }
  return Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
}

// The words of a normalised name, split at ASCII spaces and punctuation
// (other bytes are letters), each stemmed.
std::set<std::string> NameWords(std::string_view name, const Xapian::Stem& stem) {
  std::set<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    const unsigned char c = i < name.size() ? static_cast<unsigned char>(name[i]) : ' ';
    if (c >= 0x80 || std::isalnum(c)) continue;
    if (i > start) out.insert(stem(std::string(name.substr(start, i - start))));
    start = i + 1;
  }
  return out;
}

// Statements listing the topic, or any topic whose words (stemmed) include
// all of its words: "rare earth" finds "rare earth metals" and
// "Rare-earth exports". Topics are found among the index's own topic terms.
Xapian::Query TopicFilter(const Xapian::Database& db, const SearchQuery& q) {
  const std::string exact = internal::NormalizeName(q.topic);
  std::vector<Xapian::Query> any = {Xapian::Query(NameTerm("XT", exact))};
  const Xapian::Stem stem(q.language);
  const std::set<std::string> want = NameWords(exact, stem);
  if (want.empty()) return any.front();
  for (auto t = db.allterms_begin("XT"); t != db.allterms_end("XT"); ++t) {
    const std::string term = *t;
    if (term.size() < 3 || term[2] == '\0') continue;  // a hashed long name
    const std::set<std::string> have = NameWords(std::string_view(term).substr(2), stem);
    if (std::includes(have.begin(), have.end(), want.begin(), want.end())) any.emplace_back(term);
  }
  return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
}

absl::StatusOr<Xapian::Query> Parse(Xapian::Database& db, const SearchQuery& q) {
  Xapian::QueryParser qp;
  qp.set_stemmer(Xapian::Stem(q.language));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_database(db);  // for prefix* expansion
  qp.set_default_op(Xapian::Query::OP_AND);
  // "a*" could name every word: its 1,000 most frequent completions.
  qp.set_max_expansion(1000, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_LOVEHATE |
                         Xapian::QueryParser::FLAG_WILDCARD;
  Xapian::Query parsed = qp.parse_query(q.text, flags);
  if (parsed.empty())
    return absl::InvalidArgumentError(
        absl::StrCat("the query \"", q.text, "\" has no word to search for"));
  return parsed;
}

absl::StatusOr<SearchHit> Hit(const Engine& engine, const Xapian::MSetIterator& m) {
  SearchHit hit;
  std::istringstream data(m.get_document().get_data());
  if (!(data >> hit.seq >> hit.version_seq))
    return absl::DataLossError("a search index document names no statement");
  hit.score = m.get_weight();
  auto original = engine.Get(hit.seq);
  if (!original.ok()) return original.status();
  hit.event = *std::move(original);
  if (hit.version_seq != hit.seq) {
    auto version = engine.Get(hit.version_seq);
    if (!version.ok()) return version.status();
    hit.event.statement = std::move(version->statement);
  }
  return hit;
}

}  // namespace

absl::StatusOr<std::vector<SearchIndexUpdate>> UpdateSearchIndexes(
    const Engine& engine, const std::string& index_root) {
  std::error_code ec;
  const std::vector<std::string> languages = internal::IndexedLanguages(index_root, &ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list the search indexes in ", index_root, ": ", ec.message()));
  internal::CatchUpLimits limits;
  limits.wait_for_lock = false;
  const uint64_t head = engine.Head();
  std::vector<SearchIndexUpdate> out;
  for (const std::string& language : languages) {
    auto done = internal::CatchUpIndex(engine, index_root + "/" + language, language, head,
                                       limits);
    out.push_back({language, done.status()});
  }
  return out;
}

std::vector<std::string> SearchLanguages() {
  std::vector<std::string> out = absl::StrSplit(Xapian::Stem::get_available_languages(), ' ',
                                                absl::SkipEmpty());
  std::sort(out.begin(), out.end());
  out.push_back("none");
  return out;
}

absl::StatusOr<SearchResult> Search(const Engine& engine, const std::string& index_root,
                                    const SearchQuery& q) {
  auto result = internal::SearchWith(engine, index_root, q, internal::CatchUpLimits{});
  // The engine's own follower (Options::follow_search_indexes) follows an
  // index this search made from now on.
  if (const internal::EngineServices* s = internal::ServicesOf(engine); s != nullptr)
    if (internal::LiveSearch* live = s->live_search(); live != nullptr) live->IndexMayExist();
  return result;
}

absl::StatusOr<SearchResult> internal::SearchWith(const Engine& engine,
                                                  const std::string& index_root,
                                                  const SearchQuery& q,
                                                  const CatchUpLimits& limits) {
  if (absl::Status s = CheckQuery(q); !s.ok()) return s;
  const uint64_t head = engine.Head();
  const uint64_t as_of = q.as_of.value_or(head);
  if (as_of > head)
    return absl::OutOfRangeError(absl::StrCat("as_of ", as_of, " is beyond the head ", head));
  // An index caught up to the query point answers for it: each document
  // carries the seqs it is valid between.
  auto index = internal::SearchIndex::OpenCaughtUp(engine, index_root + "/" + q.language,
                                                   q.language, as_of, limits);
  if (!index.ok()) return index.status();
  auto filters = internal::XapianCall("searching", [&] { return Filters(engine, q, as_of); });
  if (!filters.ok()) return filters.status();
  return internal::XapianCall("searching", [&]() -> absl::StatusOr<SearchResult> {
    Xapian::Database& db = (*index)->db();
    auto parsed = Parse(db, q);
    if (!parsed.ok()) return parsed.status();
    Xapian::Query filter = *filters;
    if (!q.topic.empty())
      filter = Xapian::Query(Xapian::Query::OP_AND, filter, TopicFilter(db, q));
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *parsed, filter));
    enquire.set_sort_by_relevance_then_value(internal::kTieOrder, /*reverse=*/false);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(q.limit));
    SearchResult result;
    result.as_of = as_of;
    result.estimated_matches = mset.get_matches_estimated();
    for (auto m = mset.begin(); m != mset.end(); ++m) {
      auto hit = Hit(engine, m);
      if (!hit.ok()) return hit.status();
      result.hits.push_back(*std::move(hit));
    }
    return result;
  });
}

}  // namespace annals
