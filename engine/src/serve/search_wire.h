// Full-text search (annals/search.h) over RPC: the query and result on the
// wire, the server's call (on its own index) and the client's reply.
#ifndef ANNALS_ENGINE_SRC_SERVE_SEARCH_WIRE_H_
#define ANNALS_ENGINE_SRC_SERVE_SEARCH_WIRE_H_

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/search.h"
#include "schema/annals_rpc.capnp.h"

namespace annals::internal {

class SearchFollower;

void SearchQueryToWire(const SearchQuery& q, rpc::SearchQuery::Builder out);
SearchQuery SearchQueryFromWire(rpc::SearchQuery::Reader in);

void SearchResultToWire(const SearchResult& r, rpc::Store::SearchResults::Builder out);
absl::StatusOr<SearchResult> SearchResultFromWire(rpc::Store::SearchResults::Reader in);

// The server's search: `engine`'s own index, STORE/search. Unless
// `may_create`, an index of the query's language that does not exist yet
// is not made (kPermissionDenied: a read-only token could otherwise make
// the server build one per language). kResourceExhausted when the hits
// would not fit in one reply (serve/limits.h kReplyBytes). It never waits
// for the index's write lock: when another writer holds it, it waits for
// one round of `follower` (may be null; at most 10 s), tries once more,
// and then answers kUnavailable ("try again"); once `follower` is stopped,
// a catch-up under way ends (kUnavailable, "stopping").
absl::StatusOr<SearchResult> SearchServedStore(const Engine& engine, const SearchQuery& q,
                                               bool may_create, SearchFollower* follower);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_SEARCH_WIRE_H_
