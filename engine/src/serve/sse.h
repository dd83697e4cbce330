// GET /v1/subscribe (docs/HTTP.md): a subscription (serve/subscription.h,
// the RPC machinery: catch-up, then live, bounded lag) whose sink writes
// Server-Sent Events to an HTTP response: "id: SEQ\ndata: ROW\n\n" per
// event, ROW a `log --format jsonl` row; when it ends (cut off as too slow,
// a read failed), "event: end\ndata: {code, message, last_seq}\n\n" and
// the response ends. Loop thread only.
#ifndef ANNALS_ENGINE_SRC_SERVE_SSE_H_
#define ANNALS_ENGINE_SRC_SERVE_SSE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "kj/async-io.h"
#include "serve/http_target.h"
#include "serve/subscription.h"

namespace annals::internal {

struct SseRequest {
  uint64_t from_seq = 1;
  EventFilter filter;
  EventMatcher matches;  // the caller's: SubscriptionMatcher(engine, filter)
};

// The subscription a request asks for: from_seq (default 1), or the seq
// after `last_event_id` (the Last-Event-ID header) when given; filters
// actor=, topic=, kind= (one value each), projection= with one key= per
// key field. kInvalidArgument naming what is wrong.
absl::StatusOr<SseRequest> ParseSseRequest(const HttpTarget& target,
                                           const std::optional<std::string>& last_event_id);

// How often a quiet stream gets a ": keep-alive" comment line.
struct SseKeepalive {
  kj::Timer* timer = nullptr;  // null: never
  kj::Duration every = 15 * kj::SECONDS;
};

// Streams the subscription to `out` until it ends or `out` fails; then
// resolves. `out` must outlive the promise.
kj::Promise<void> StreamEvents(SubscriptionContext context, SseRequest request,
                               kj::AsyncOutputStream& out, SseKeepalive keepalive = {});

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SERVE_SSE_H_
