// What every connection's Store shares: admission to the server's
// connection places, and replies sized to a message (reads, pages).
#include <algorithm>
#include <cstdint>

#include "facade/services.h"
#include "serve/limits.h"
#include "serve/store_service.h"
#include "serve/wire.h"

namespace annals::internal {

// Up to `limit` events from `from` on, as wire bytes, and about kReplyBytes:
// read from the engine in small chunks, so that no more than one chunk past
// a full reply is ever held.
absl::StatusOr<std::vector<std::string>> ReadReply(Engine& engine, uint64_t from,
                                                   uint64_t limit) {
  constexpr uint64_t kChunk = 256;
  std::vector<std::string> out;
  size_t bytes = 0;
  while (out.size() < limit) {
    const uint64_t want = std::min(kChunk, limit - out.size());
    auto events = engine.Read(from, want);
    if (!events.ok()) return events.status();
    for (const Event& ev : *events)
      if (!AddToReply(EventToWire(ev), out, &bytes)) return out;
    if (events->size() < want) break;  // the head
    from = events->back().seq + 1;
  }
  return out;
}

namespace {

// How many of `entries` fit in one reply (at least one): their sizes, by
// `bytes_of`, add up to about kReplyBytes.
template <typename Entries, typename Size>
size_t FittingEntries(const Entries& entries, Size bytes_of) {
  size_t bytes = 0, fit = 0;
  for (const auto& entry : entries) {
    bytes += bytes_of(entry);
    if (fit > 0 && bytes > kReplyBytes) break;
    ++fit;
  }
  return fit;
}

// `ask(q)` with q's limit bounded by kMaxTimelinePage, then asked again as
// of the same point with the limit that fits, when the page is too big.
template <typename Page, typename Ask, typename Size>
absl::StatusOr<Page> FittedPage(TimelineQuery q, Ask ask, Size bytes_of) {
  if (q.limit == 0 || q.limit > kMaxTimelinePage) q.limit = kMaxTimelinePage;
  auto page = ask(q);
  if (!page.ok()) return page;
  const size_t fit = FittingEntries(page->entries, bytes_of);
  if (fit == page->entries.size()) return page;
  q.limit = fit;
  q.as_of = page->as_of;
  return ask(q);
}

}  // namespace

// A timeline page of at most kMaxTimelinePage entries (limit 0, "no
// limit", asks for that many) and about kReplyBytes of events: a page that
// would be bigger is asked again, as of the same seq, with the limit that
// fits, so that its next_cursor continues exactly after it.
absl::StatusOr<TimelinePage> PageOf(Engine& engine, TimelineQuery q) {
  return FittedPage<TimelinePage>(
      std::move(q), [&engine](const TimelineQuery& x) { return engine.Timeline(x); },
      [](const TimelineEntry& e) { return WireBytesBound(e.event); });
}

absl::StatusOr<StoredPage> StoredPageOf(Engine& engine, TimelineQuery q) {
  const EngineServices* services = ServicesOf(engine);
  if (services == nullptr)  // the server opens its own engine: never
    return absl::FailedPreconditionError("the server's engine is not this library's");
  return FittedPage<StoredPage>(
      std::move(q), [services](const TimelineQuery& x) { return services->StoredTimeline(x); },
      [](const StoredEntry& e) { return e.event.size() + 64; });
}

bool AdmitConnection(ServerState& state) {
  if (state.max_connections != 0 && state.open_connections >= state.max_connections)
    return false;
  ++state.open_connections;
  return true;
}

void ReleaseConnection(ServerState& state) { --state.open_connections; }

bool AdmitLoginWait(ServerState& state) {
  const size_t most =
      state.max_connections == 0 ? SIZE_MAX : std::max<size_t>(1, state.max_connections / 2);
  if (state.logins_pending >= most) return false;
  ++state.logins_pending;
  return true;
}

void EndLoginWait(ServerState& state) { --state.logins_pending; }

}  // namespace annals::internal
