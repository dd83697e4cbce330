// The statement: who said what, to whom, about what, and when.
//
// Plain value types, copied freely. Text is UTF-8. An empty string means the
// field is absent (a statement cannot carry an empty-but-present speaker).
//
// Every field is listed once, in the field table (annals/fields.h), which
// JSON Lines and CSV names, Validate's limits, ContentId, stored events,
// the import's duplicate check, exports and Python frames are made from.
// Adding a field takes four edits and nothing else:
//  1. schema/annals.capnp: the field at the end of Statement (or of Source)
//     with the next ordinal, never renumbering (the schema's rules);
//  2. the struct below (Statement or Source): the member;
//  3. the table, engine/src/model/statement_fields.cc: its row, in the
//     schema's order (a Source field next to the other "source." rows):
//     its JSON Lines name (the schema's name in snake_case), its flat
//     column, its type and limits, whether timelines read it, and
//     content_id "" (the content id's fields are frozen, so stored ids
//     never change);
//  4. the tests: set it in test::FullStatement (tests/engine/test_util.h);
//     tests/engine/model/field_table_test.cc fails until 1-3 agree.
// A rule that ties the field to others belongs in Validate
// (engine/src/model/validate.cc); the CLI's human-facing flags and layouts
// (`annals append`, `show`) are curated and list it only if they should.
#ifndef ANNALS_STATEMENT_H_
#define ANNALS_STATEMENT_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "annals/time.h"
#include "annals/visibility.h"

namespace annals {

struct Source {
  std::string outlet;     // e.g. "Izvestia"
  std::string url;
  Timestamp published_at;  // absent unless given
  std::string via;        // relaying outlet, e.g. "The Moscow Times"

  bool operator==(const Source&) const = default;
};

struct Attribute {
  std::string key;
  std::string value;

  bool operator==(const Attribute&) const = default;
};

struct Statement {
  // Idempotency key. Empty: the engine derives one from the canonical fields
  // (see ContentId). Caller ids must not start with "h:" (reserved for those).
  std::string id;

  std::string speaker;               // name as written; may be absent
  std::vector<std::string> targets;  // whom it was said to or about
  std::string verb;                  // "said", "accused", "threatened"
  std::string code;                  // CAMEO code as text: "0211", "112"
  std::string event_type;            // PLOVER type, optional
  std::vector<std::string> topics;
  std::string content;               // paraphrase of what was stated
  std::string quote;                 // verbatim words, optional
  Timestamp occurred_at;             // required
  Source source;
  std::vector<Attribute> attributes;  // format-specific extras, in order

  bool operator==(const Statement&) const = default;
};

// Size limits, in bytes of UTF-8 (or items, for lists). Chosen to admit any
// real news statement while bounding one event to well under 1 MiB.
struct Limits {
  static constexpr size_t kId = 256;
  static constexpr size_t kName = 512;      // speaker, each target, each topic
  static constexpr size_t kVerb = 256;      // verb, event_type
  static constexpr size_t kCode = 16;       // ASCII letters and digits only
  static constexpr size_t kContent = 65536;  // content, quote
  static constexpr size_t kOutlet = 512;    // outlet, via
  static constexpr size_t kUrl = 4096;
  static constexpr size_t kListItems = 64;  // targets, topics
  static constexpr size_t kAttributes = 256;
  static constexpr size_t kAttributeKey = 256;
  static constexpr size_t kAttributeValue = 16384;
};

// Checks the rules every stored statement satisfies:
//  - at least one of speaker / targets; at least one of verb / code;
//  - occurred_at present; at least one of content / quote / code;
//  - every text valid UTF-8 without NUL (U+0000) and within Limits; no
//    empty target or topic;
//    code is ASCII letters/digits; attribute keys non-empty;
//  - a caller id does not start with "h:".
// Returns kInvalidArgument whose message starts with the field name, then
// ": " and the reason, e.g. "speaker: not valid UTF-8 at byte 3".
ANNALS_EXPORT absl::Status Validate(const Statement& s);

// The stable id of a statement without a caller id: "h:" followed by 32 hex
// digits of XXH3-128 over the canonical fields (the table's content_id
// fields: speaker, targets, verb, code, content, quote, occurred_at, source
// url), each text NFC-normalised and length-prefixed. Never changes between
// versions: stored ids depend on it.
ANNALS_EXPORT std::string ContentId(const Statement& s);

// The id the engine stores for `s`: s.id if set, else ContentId(s).
ANNALS_EXPORT std::string EffectiveId(const Statement& s);

}  // namespace annals

#endif  // ANNALS_STATEMENT_H_
