// The bodies of the HTTP/JSON front's catalog endpoints (docs/HTTP.md):
// /v1/actors, /v1/topics, /v1/projections/{name}?counts (the rows of
// `annals actors/topics --format jsonl` and `projection query --counts`),
// /v1/projections (the rows of `annals projection list --format jsonl`)
// and /v1/search. They block: run them off the event loop.
#ifndef ANNALS_ENGINE_SRC_SERVE_HTTP_CATALOG_H_
#define ANNALS_ENGINE_SRC_SERVE_HTTP_CATALOG_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/search.h"
#include "annals/timeline.h"

namespace annals::internal {

// as_of= ("" = not given) into `*out`, as ResolveAsOf (annals/timeline.h)
// reads it; its error's message starts "as_of: ".
absl::Status AsOfParam(const Engine& engine, const std::string& as_of,
                       std::optional<uint64_t>* out);

// {"counts":[{"name":N,"count":C},...]} for actors and topics (`named`),
// {"counts":[{"key":[...],"count":C},...]} for other projections; then,
// when `as_of` is given ("" = the head; as ResolveAsOf takes it), "as_of"
// with the seq it resolved to.
absl::StatusOr<std::string> CountsBody(Engine& engine, CountsQuery q, const std::string& as_of,
                                       bool named);

// /v1/search: {"hits":[row,...],"as_of":N,"estimated_matches":M}, each
// row as `annals search --format jsonl` writes it (SearchHitToJson).
absl::StatusOr<std::string> SearchBody(const absl::StatusOr<SearchResult>& result);

// {"projections":[{"name":...,"version":...,"state":...,...},...]}.
std::string ProjectionsBody(const Engine& engine);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_HTTP_CATALOG_H_
