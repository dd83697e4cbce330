#include "annals/event.h"

namespace annals {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kStatement: return "statement";
    case EventKind::kCorrection: return "correction";
    case EventKind::kRetraction: return "retraction";
    case EventKind::kActorAlias: return "actor_alias";
    case EventKind::kMention: return "mention";
  }
  return "unknown";
}

}  // namespace annals
