// A mention: an article that reported an event (issue 21, "one event, many
// reports"), as GDELT 2.0's Mentions files record them, one row per article
// per event. A mention names its event by id ("gdelt:1061070484"), so it
// may be stored before that event, or without it; it is linked whenever an
// event with that id is in the log (Engine::MentionsOf). Mentions are
// events of the log (EventKind::kMention): immutable, replayed, copied by
// `log --format jsonl | import -`. Timelines, counts and projections of
// statements leave them out.
//
// Plain value types, copied freely.
#ifndef ANNALS_MENTION_H_
#define ANNALS_MENTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "annals/statement.h"
#include "annals/visibility.h"

namespace annals {

// A mention's id is always MentionId: the same row read twice is one
// mention, and a mention's id never names another event.
struct Mention {
  std::string event_id;               // the id of the event reported; required
  Source source;                      // the article: outlet, url, published_at
  std::vector<Attribute> attributes;  // the row's other columns, in order

  bool operator==(const Mention&) const = default;
};

// One mention of an event, as Engine::MentionsOf lists it.
struct MentionRef {
  uint64_t seq = 0;    // the mention event's seq
  std::string outlet;  // its source.outlet as written; "" if none

  bool operator==(const MentionRef&) const = default;
};

// Checks a mention as Validate checks a statement: event_id present, every
// text valid UTF-8 without NUL and within Limits (event_id: kId; outlet and
// via: kOutlet; url: kUrl; attributes as a statement's), published_at
// valid if present. kInvalidArgument naming the field: "event_id: ...".
ANNALS_EXPORT absl::Status ValidateMention(const Mention& m);

// "h:" + 32 hex digits of XXH3-128 over the mention's event_id, source and
// attributes, under a tag of its own (no statement's content id equals
// it). Attributes whose key starts with "import." (the provenance an
// import adds: which file and line) are left out, so the same row read
// from two files is one mention. Frozen, as ContentId is.
ANNALS_EXPORT std::string MentionId(const Mention& m);

}  // namespace annals

#endif  // ANNALS_MENTION_H_
