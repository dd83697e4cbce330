// What the log store keeps in memory about the log: the state appends move
// forward (persisted in `meta` in the same batch) and the alias events.
#ifndef ANNALS_ENGINE_SRC_LOG_LOG_STATE_H_
#define ANNALS_ENGINE_SRC_LOG_LOG_STATE_H_

#include <cstdint>
#include <string>

#include "annals/time.h"

namespace annals::internal {

// State that appends move forward; persisted in `meta` in the same batch.
struct LogState {
  uint64_t head = 0;
  int64_t last_recorded_at = 0;
  Timestamp occurred_min;
  Timestamp occurred_max;
  // Seqs lost to a damaged write-ahead log, recorded by `annals repair`
  // ("l/" records in `meta`): the highest (appends continue above it) and
  // how many of them.
  uint64_t lost_through = 0;
  uint64_t lost_count = 0;
  // The seq the next append takes.
  uint64_t NextSeq() const { return (head > lost_through ? head : lost_through) + 1; }
};

// An alias event as the query path needs it.
struct AliasRecord {
  uint64_t seq = 0;
  std::string alias;      // normalised
  std::string canonical;  // normalised
  std::string display;    // canonical as written
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_LOG_LOG_STATE_H_
