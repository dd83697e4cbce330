// Search (annals/search.h) with limits on how it catches its index up: the
// server's searches neither wait for another writer's lock nor outlive the
// server's stop.
#ifndef ANNALS_ENGINE_SRC_SEARCH_SEARCH_WITH_H_
#define ANNALS_ENGINE_SRC_SEARCH_SEARCH_WITH_H_

#include <string>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/search.h"
#include "search/search_index.h"

namespace annals::internal {

// As annals::Search, catching the index up to the query point under
// `limits` (SearchIndex::OpenCaughtUp): kUnavailable when the lock is not
// waited for and another writer holds it, kCancelled when limits.cancel
// turns true during the catch-up.
absl::StatusOr<SearchResult> SearchWith(const Engine& engine, const std::string& index_root,
                                        const SearchQuery& query, const CatchUpLimits& limits);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SEARCH_SEARCH_WITH_H_
