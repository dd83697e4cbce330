#include "serve/search_wire.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "facade/services.h"
#include "search/search_follower.h"
#include "search/search_with.h"
#include "serve/limits.h"
#include "serve/wire.h"

namespace annals::internal {

void SearchQueryToWire(const SearchQuery& q, rpc::SearchQuery::Builder out) {
  out.setText(q.text);
  out.setActor(q.actor);
  out.setTopic(q.topic);
  out.setFromMicros(q.from.micros);
  out.setFromPrecision(static_cast<uint8_t>(q.from.precision));
  out.setToMicros(q.to.micros);
  out.setToPrecision(static_cast<uint8_t>(q.to.precision));
  out.setHasAsOf(q.as_of.has_value());
  out.setAsOf(q.as_of.value_or(0));
  out.setLimit(q.limit);
  out.setLanguage(q.language);
}

SearchQuery SearchQueryFromWire(rpc::SearchQuery::Reader in) {
  SearchQuery q;
  q.text = TextOf(in.getText());
  q.actor = TextOf(in.getActor());
  q.topic = TextOf(in.getTopic());
  q.from = TimeFrom(in.getFromMicros(), in.getFromPrecision());
  q.to = TimeFrom(in.getToMicros(), in.getToPrecision());
  if (in.getHasAsOf()) q.as_of = in.getAsOf();
  q.limit = static_cast<size_t>(in.getLimit());
  q.language = TextOf(in.getLanguage());
  return q;
}

void SearchResultToWire(const SearchResult& r, rpc::Store::SearchResults::Builder out) {
  out.setAsOf(r.as_of);
  out.setEstimatedMatches(r.estimated_matches);
  auto hits = out.initHits(static_cast<unsigned>(r.hits.size()));
  for (unsigned i = 0; i < hits.size(); ++i) {
    const SearchHit& h = r.hits[i];
    hits[i].setSeq(h.seq);
    hits[i].setVersionSeq(h.version_seq);
    hits[i].setScore(h.score);
    hits[i].setEvent(AsData(EventToWire(h.event)));
  }
}

absl::StatusOr<SearchResult> SearchResultFromWire(rpc::Store::SearchResults::Reader in) {
  if (auto st = StatusFromWire(in.getStatus()); !st.ok()) return st;
  SearchResult r;
  r.as_of = in.getAsOf();
  r.estimated_matches = in.getEstimatedMatches();
  for (auto h : in.getHits()) {
    auto event = EventFromWire(h.getEvent());
    if (!event.ok()) return event.status();
    r.hits.push_back(SearchHit{h.getSeq(), h.getVersionSeq(), h.getScore(), *std::move(event)});
  }
  return r;
}

namespace {

// How long a search waits at most for a round of the server's follower
// (which may be catching up a big import) before answering kUnavailable.
constexpr absl::Duration kFollowerWait = absl::Seconds(10);

// The server's search never waits for an index's write lock, which would
// hold one of its slow threads for as long as another writer (a search in
// another process building the index) keeps it, and could not be cut short
// at shutdown. When the lock is taken, it waits for one round of the
// follower instead (in steps of 10,000 events, it is most likely the one
// holding it), then tries once more.
absl::StatusOr<SearchResult> SearchBehindNoWriter(const Engine& engine, const std::string& root,
                                                  SearchQuery q, SearchFollower* follower) {
  if (!q.as_of.has_value()) q.as_of = engine.Head();  // one point for both tries
  CatchUpLimits limits;
  limits.wait_for_lock = false;
  limits.cancel = follower != nullptr ? follower->stopping() : nullptr;
  auto result = SearchWith(engine, root, q, limits);
  if (absl::IsUnavailable(result.status()) && follower != nullptr) {
    // Its round may also catch up only some indexes: this one is tried again.
    (void)follower->CatchUpFor(*q.as_of, kFollowerWait);
    result = SearchWith(engine, root, q, limits);
  }
  if (absl::IsCancelled(result.status()))
    return absl::UnavailableError("the server is stopping");
  if (absl::IsUnavailable(result.status()))
    return absl::UnavailableError(absl::StrCat(
        "the \"", q.language, "\" search index is being brought up to date by another writer "
        "(a search in another process building it, a backup or verify); try again (",
        result.status().message(), ")"));
  return result;
}

}  // namespace

absl::StatusOr<SearchResult> SearchServedStore(const Engine& engine, const SearchQuery& q,
                                               bool may_create, SearchFollower* follower) {
  EngineServices* services = ServicesOf(engine);
  if (services == nullptr)
    return absl::FailedPreconditionError("the server's engine has no store directory");
  const std::string root = services->store_path() + "/search";
  std::error_code ec;
  if (!may_create && !std::filesystem::exists(root + "/" + q.language + "/iamglass", ec))
    return absl::PermissionDeniedError(absl::StrCat(
        "the server has no \"", q.language, "\" search index yet, and this connection's "
        "token is read-only: a client that may write makes it by searching once"));
  auto result = SearchBehindNoWriter(engine, root, q, follower);
  if (!result.ok()) return result;
  if (follower != nullptr) follower->IndexMayExist();  // this search may have made it
  size_t bytes = 0;
  for (const SearchHit& h : result->hits) bytes += WireBytesBound(h.event) + 64;
  if (bytes > kReplyBytes)
    return absl::ResourceExhaustedError(absl::StrCat(
        "the ", result->hits.size(), " hits take more than a reply's ", kReplyBytes >> 20,
        " MiB: ask for fewer (limit)"));
  return result;
}

}  // namespace annals::internal
