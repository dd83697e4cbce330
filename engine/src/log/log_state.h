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
