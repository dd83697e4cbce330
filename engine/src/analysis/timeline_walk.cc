#include "analysis/timeline_walk.h"

namespace annals::internal {

absl::StatusOr<uint64_t> WalkTimeline(const Engine& engine, TimelineQuery q,
                                      const std::function<void(TimelineEntry&)>& f) {
  q.include_retracted = false;
  q.reverse = false;
  q.cursor.clear();
  q.limit = 1000;
  uint64_t as_of = 0;
  for (;;) {
    auto page = engine.Timeline(q);
    if (!page.ok()) return page.status();
    for (TimelineEntry& e : page->entries) f(e);
    as_of = page->as_of;
    q.as_of = page->as_of;  // later pages answer as of the same point
    q.wait = false;
    q.cursor = page->next_cursor;
    if (q.cursor.empty() || page->entries.empty()) return as_of;
  }
}

}  // namespace annals::internal
