// The parameters of the HTTP/JSON front's endpoints (docs/HTTP.md), read
// from a parsed target (serve/http_target.h) into engine queries: pure
// functions, driven by the fuzz target (fuzz/http_request_fuzzer.cc).
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_PARAMS_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_PARAMS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "annals/search.h"
#include "annals/timeline.h"
#include "serve/http_target.h"

namespace annals::internal {

// Rows per page when `limit` is not given (/v1/events, /v1/timeline).
inline constexpr uint64_t kDefaultLimit = 100;

// /v1/timeline's parameters, the vocabulary of `annals timeline`: actor=
// or topic= (exactly one), role=, from=, to= (dates), limit=, cursor=,
// reverse=, include_retracted=; as_of= is the caller's (it needs the
// store). kInvalidArgument naming the parameter.
absl::StatusOr<TimelineQuery> TimelineQueryOf(const HttpTarget& target);

// /v1/projections/{projection}?key=...: a declarative projection's group
// timeline, one key= per key field, and TimelineQueryOf's other
// parameters but actor, topic and role.
absl::StatusOr<TimelineQuery> ProjectionQueryOf(const HttpTarget& target,
                                                const std::string& projection);

// /v1/actors, /v1/topics, /v1/projections/{name}?counts: prefix=, top=,
// from=, to= (as_of= is the caller's), as `annals actors`.
absl::StatusOr<CountsQuery> CountsQueryOf(const HttpTarget& target, const std::string& projection);

// /v1/search: q= (the query, required), actor=, topic=, from=, to=,
// limit= (default 20), lang= (default english), as `annals search`; as_of=
// is the caller's. Limits and the query's syntax are Search's to check.
absl::StatusOr<SearchQuery> SearchQueryOf(const HttpTarget& target);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_PARAMS_H_
