// Timeline queries: the statements by or about an actor, or on a topic,
// ordered by when they occurred (then seq), as of any point of the log.
//
// Current view by default: corrected statements show their latest values,
// retracted ones are left out. Names match after Unicode normalisation (NFC),
// case folding and whitespace collapsing. For actors, aliases apply: a query
// for either name of an alias pair returns the statements recorded under
// both, with the canonical name shown.
//
// As of seq N, the answer is exactly what the query gave when the log ended
// at N (later statements, corrections, retractions and aliases ignored), and
// it stays byte-identical however much is appended later.
#ifndef ANNALS_TIMELINE_H_
#define ANNALS_TIMELINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/event.h"
#include "annals/time.h"
#include "annals/visibility.h"

namespace annals {

enum class TimelineKind { kActor, kTopic };

enum class Role : uint8_t {  // bit set: a statement can be both
  kSpeaker = 1,
  kTarget = 2,
  kAny = 3,
};

struct TimelineQuery {
  TimelineKind kind = TimelineKind::kActor;
  std::string name;              // actor or topic, as the user wrote it
  // A declarative projection instead (declarative.h): its name and one
  // value per key field. When set, `kind`, `name` and `role` are ignored.
  std::string projection;
  std::vector<std::string> key;
  Role role = Role::kAny;        // actors only
  Timestamp from;                // absent: no lower bound. Inclusive.
  Timestamp to;                  // absent: no upper bound. Inclusive of the
                                 // whole period: to=2025-04 ends 2025-04-30.
  std::optional<uint64_t> as_of; // a log seq; absent: the head
  bool include_retracted = false;  // show retracted statements, marked
  size_t limit = 100;            // rows per page; 0 = no limit
  bool reverse = false;          // newest first
  std::string cursor;            // from TimelinePage::next_cursor; "" = start
  bool wait = true;              // first wait until the projection has
                                 // applied the head (or as_of)
};

enum class EntryStatus : uint8_t {
  kActive = 0,     // as first stated
  kCorrected = 1,  // shown with the values of its latest correction
  kRetracted = 2,  // only with include_retracted
};

// Returns "active", "corrected" or "retracted".
ANNALS_EXPORT const char* EntryStatusName(EntryStatus status);

// Returns "speaker", "target" or "both" (kAny: speaker and target at once).
ANNALS_EXPORT const char* RoleName(Role role);

struct TimelineEntry {
  // The statement as of the query point: seq, id and recorded_at of the
  // original statement; `statement` holds its latest corrected values, with
  // aliased actor names replaced by their canonical names.
  Event event;
  EntryStatus status = EntryStatus::kActive;
  uint64_t version_seq = 0;  // seq of the event whose values are shown
  Role role = Role::kAny;    // actor timelines: how the actor appears;
                             // kAny for the others
};

struct TimelinePage {
  std::vector<TimelineEntry> entries;
  std::string next_cursor;  // "" when there is nothing more
  uint64_t as_of = 0;       // the log seq this answer is as of
};

// A counts query (Engine::Counts): the groups of a grouped projection
// ("actors", "topics" or a declarative one) with how many statements each
// holds in the current view as of a point: corrected statements counted
// under their latest values, retracted ones not counted, only statements
// that occurred in [from, to], exactly the statements the group's timeline
// lists with the same as_of/from/to. For actors, the names of an alias pair
// (as of that point) are one group, shown by the canonical name, and a
// statement naming both is counted once.
struct CountsQuery {
  std::string projection;          // "actors", "topics" or a declarative one
  std::string prefix;              // only groups whose first key value starts
                                   // with it (after normalisation); "" = all
  size_t top = 0;                  // only the N largest; 0 = all
  Timestamp from;                  // as TimelineQuery::from (inclusive)
  Timestamp to;                    // as TimelineQuery::to (whole period)
  std::optional<uint64_t> as_of;   // a log seq; absent: the head
  bool wait = true;                // first wait until the projection has
                                   // applied the head (or as_of)
};

class Engine;  // annals/engine.h

// An as-of point as users write it (`annals timeline --as-of`, `export
// --as-of`, Python's as_of=): all digits is a log seq, returned as given
// (the query checks it against the head); anything else is an ISO 8601 time
// (ParseTime) meaning the end of the period it names, resolved to the last
// seq recorded by then: Engine::SeqAt(EndOfPeriod(t)), 0 when the log has
// nothing that old. kInvalidArgument for a seq above 2^64-1 or text that is
// neither; otherwise SeqAt's errors. Safe to call concurrently, as SeqAt is.
ANNALS_EXPORT absl::StatusOr<uint64_t> ResolveAsOf(const Engine& engine, std::string_view text);

}  // namespace annals

#endif  // ANNALS_TIMELINE_H_
