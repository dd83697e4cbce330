// A timeline page whose events are in their stored form (codec/
// event_codec.h), for replies that pass them on without decoding them: the
// server's (serve/store_service.cc).
#ifndef ANNALS_ENGINE_SRC_TIMELINE_STORED_PAGE_H_
#define ANNALS_ENGINE_SRC_TIMELINE_STORED_PAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "annals/timeline.h"

namespace annals::internal {

// A TimelineEntry with `event` in stored form (the bytes the log holds, or
// EncodeEvent's): DecodeEvent gives the entry's event.
struct StoredEntry {
  std::string event;
  EntryStatus status = EntryStatus::kActive;
  uint64_t version_seq = 0;
  Role role = Role::kAny;
};

// A TimelinePage of StoredEntry.
struct StoredPage {
  std::vector<StoredEntry> entries;
  std::string next_cursor;
  uint64_t as_of = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_TIMELINE_STORED_PAGE_H_
