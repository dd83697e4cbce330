// What the library derives from the field table (annals/fields.h) besides
// what the table's users do themselves.
#ifndef ANNALS_ENGINE_SRC_MODEL_STATEMENT_FIELDS_H_
#define ANNALS_ENGINE_SRC_MODEL_STATEMENT_FIELDS_H_

#include <string>
#include <string_view>

#include "annals/fields.h"
#include "annals/statement.h"

namespace annals::internal {

// Provenance attributes (import.format, import.file, import.line, ...) say
// where a copy of a statement came from, not what it says.
inline constexpr std::string_view kProvenancePrefix = "import.";

// Every field of `s` (each table field in order, attributes without the
// provenance ones) as bytes, each value tagged and length-prefixed: two
// statements say the same thing exactly when these bytes are equal. For
// the import's duplicate checks (SameStatement, and a hash of these).
std::string ComparableBytes(const Statement& s);

// ComparableBytes with the provenance attributes too: equal exactly when
// the statements are == but for their ids.
std::string EveryValueBytes(const Statement& s);

// Whether `a` and `b` say the same thing: equal but for ids and
// provenance attributes, which differ between two copies of one file.
inline bool SameStatement(const Statement& a, const Statement& b) {
  return ComparableBytes(a) == ComparableBytes(b);
}

// A field's value as flat text (a CSV cell): a list joined with ";", a
// time as FormatTime. Not for kAttributes.
std::string FlatValue(const StatementField& f, const Statement& s);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_STATEMENT_FIELDS_H_
