#include "serve/search_wire.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "facade/services.h"
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

absl::StatusOr<SearchResult> SearchServedStore(const Engine& engine, const SearchQuery& q,
                                               bool may_create) {
  EngineServices* services = ServicesOf(engine);
  if (services == nullptr)
    return absl::FailedPreconditionError("the server's engine has no store directory");
  const std::string root = services->store_path() + "/search";
  std::error_code ec;
  if (!may_create && !std::filesystem::exists(root + "/" + q.language + "/iamglass", ec))
    return absl::PermissionDeniedError(absl::StrCat(
        "the server has no \"", q.language, "\" search index yet, and this connection's "
        "token is read-only: a client that may write makes it by searching once"));
  auto result = Search(engine, root, q);
  if (!result.ok()) return result;
  size_t bytes = 0;
  for (const SearchHit& h : result->hits) bytes += WireBytesBound(h.event) + 64;
  if (bytes > kReplyBytes)
    return absl::ResourceExhaustedError(absl::StrCat(
        "the ", result->hits.size(), " hits take more than a reply's ", kReplyBytes >> 20,
        " MiB: ask for fewer (limit)"));
  return result;
}

}  // namespace annals::internal
