// An entry of the log, as read back.
#ifndef ANNALS_EVENT_H_
#define ANNALS_EVENT_H_

#include <cstdint>
#include <string>

#include "annals/statement.h"
#include "annals/visibility.h"

namespace annals {

enum class EventKind : uint8_t {
  kStatement = 0,
  kCorrection = 1,  // statement `target` now reads as `statement`
  kRetraction = 2,  // statement `target` is withdrawn, for `reason`
  kActorAlias = 3,  // `alias` names the same actor as `canonical`
  kMention = 4,     // an article (statement.source) reported event `mentioned`
};

// Returns "statement", "correction", "retraction", "actor_alias" or
// "mention".
ANNALS_EXPORT const char* EventKindName(EventKind kind);

struct Event {
  uint64_t seq = 0;          // position in the log, gapless from 1
  int64_t recorded_at = 0;   // UTC microseconds when appended; non-decreasing
  std::string id;            // idempotency key as stored
  uint16_t schema_version = 0;
  EventKind kind = EventKind::kStatement;
  // kStatement: the statement (statement.id == id). kCorrection: the
  // corrected statement, whole. kRetraction, kActorAlias: only attributes,
  // the event's own (the provenance an import gives a copied event; empty
  // in events stored before they could carry any). kMention: the article
  // (source) and the row's other columns (attributes); nothing else.
  Statement statement;
  uint64_t target = 0;       // kCorrection, kRetraction: the original's seq
  std::string reason;        // kCorrection (optional), kRetraction
  std::string alias;         // kActorAlias
  std::string canonical;     // kActorAlias
  std::string mentioned;     // kMention: the id of the event reported

  bool operator==(const Event&) const = default;
};

}  // namespace annals

#endif  // ANNALS_EVENT_H_
