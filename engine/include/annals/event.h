// An entry of the log, as read back.
#ifndef ANNALS_EVENT_H_
#define ANNALS_EVENT_H_

#include <cstdint>
#include <string>

#include "annals/statement.h"

namespace annals {

enum class EventKind : uint8_t {
  kStatement = 0,
  kCorrection = 1,  // reserved: not yet appended by this version
  kRetraction = 2,  // reserved
  kActorAlias = 3,  // reserved
};

// Returns "statement", "correction", "retraction" or "actor_alias".
const char* EventKindName(EventKind kind);

struct Event {
  uint64_t seq = 0;          // position in the log, gapless from 1
  int64_t recorded_at = 0;   // UTC microseconds when appended; non-decreasing
  std::string id;            // idempotency key as stored
  uint16_t schema_version = 0;
  EventKind kind = EventKind::kStatement;
  Statement statement;       // for kStatement; statement.id == id

  bool operator==(const Event&) const = default;
};

}  // namespace annals

#endif  // ANNALS_EVENT_H_
