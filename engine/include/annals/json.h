// Statements and events as JSON objects, the form of `annals import` input
// and `annals log --format jsonl` output.
//
// Field names: id, speaker, targets, verb, code, event_type, topics, content,
// quote, occurred_at (ISO 8601, see ParseTime), source {outlet, url,
// published_at, via}, attributes {key: value}. Output adds seq, recorded_at
// and kind, which input accepts and ignores, so `log --format jsonl` output
// imports into another store unchanged. Events that amend others say what
// they amend, last: target (the amended statement's seq) and reason for a
// correction or retraction, alias and canonical for an actor alias (the
// arguments of `annals correct/retract SEQ --reason R`, `annals alias ALIAS
// CANONICAL`), and in `log --format jsonl` target_id (the amended
// statement's id). `annals import` reads every kind (annals/import.h).
#ifndef ANNALS_JSON_H_
#define ANNALS_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "annals/event.h"
#include "annals/search.h"
#include "annals/statement.h"
#include "annals/timeline.h"
#include "annals/visibility.h"

namespace annals {

class Engine;
struct GroupCount;
struct StoreStats;

// Parses one JSON object into a Statement. Does not run Validate. Errors are
// kInvalidArgument "FIELD: reason" (e.g. "targets: expected a list of
// strings"); "line: ..." when the text is not a JSON object at all. Unknown
// fields are errors, so a misspelt field is never dropped silently.
// CAMEO codes must be JSON strings: a number would lose leading zeros.
// The keys `log --format jsonl` adds (seq, recorded_at, kind, ...) are
// accepted; an event of another kind than "statement" is an error ("kind:
// ..."): ImportFile reads those.
ANNALS_EXPORT absl::StatusOr<Statement> ParseStatementJson(std::string_view json);

// One JSON object, no newline. Every statement field is present: absent
// text is null, absent lists are [], attributes is an object in stored
// order. Then, for kind "correction" and "retraction", "target" (a number)
// and "reason" (null when none was given); for "actor_alias", "alias" and
// "canonical". The Python module's event dicts are this object, parsed.
ANNALS_EXPORT std::string EventToJson(const Event& event);

// EventToJson with, for a correction or retraction, "target_id" after
// "target": `target_id`, the id of the statement it amends (not written
// when empty). The rows of `annals log --format jsonl`: an import finds the
// target by this id, so a log that starts after its targets (`log
// --from-seq N`) imports into a store holding them (annals/import.h).
ANNALS_EXPORT std::string EventToJson(const Event& event, std::string_view target_id);

// A timeline row (`timeline --format jsonl`, the HTTP front's timeline
// pages): EventToJson(entry.event) plus "status" (`status`, or
// EntryStatusName(entry.status) when null) and, `with_role`, "role"
// (RoleName). One object, no newline.
ANNALS_EXPORT std::string TimelineEntryToJson(const TimelineEntry& entry, bool with_role,
                                              const char* status = nullptr);

// A search hit (`search --format jsonl`, the HTTP front's /v1/search):
// "rank" (`rank`, from 1), "score", "version_seq", then EventToJson(
// hit.event)'s keys. One object, no newline.
ANNALS_EXPORT std::string SearchHitToJson(const SearchHit& hit, size_t rank);

// The id of the statement `event` amends (a correction's or retraction's
// target), read from `engine`; "" for other kinds. Errors as Engine::Get.
ANNALS_EXPORT absl::StatusOr<std::string> AmendedStatementId(const Engine& engine,
                                                             const Event& event);

// `annals stats --format jsonl`'s object (the keys of Python's
// Store.stats() and "store", the path given), no newline; absent times are
// null.
ANNALS_EXPORT std::string StatsToJson(std::string_view store, const StoreStats& stats);

// One group of a count (`annals projection counts --format jsonl`, HTTP's
// counts), no newline: {"name": the key values joined by " | ", "count"}
// when `named` (a declarative projection with no fields), else {"key":
// [values], "count"}.
ANNALS_EXPORT std::string GroupCountToJson(const GroupCount& count, bool named);

// Appends `s` to `out` as a JSON string literal (quoted, escaped).
ANNALS_EXPORT void AppendJsonString(std::string_view s, std::string* out);

}  // namespace annals

#endif  // ANNALS_JSON_H_
