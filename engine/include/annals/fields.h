// The fields of a Statement, listed once.
//
// One table names every field of Statement (and of its Source) with what
// the rest of annals needs to know about it: its JSON Lines and import
// name, its flat column name, its size limits, whether the content id
// covers it, and where it lives in the struct. JSON Lines and CSV reading
// and writing, Validate, ContentId, stored events, the import's duplicate
// check and the Python module's frames are all made from this table, so
// they cannot disagree about the fields. (Statement::id, the idempotency
// key, is not a field here: it identifies the statement.) How to add a
// field: annals/statement.h.
//
// The table is constant; every function here is thread-safe and what they
// return lives for the whole program.
#ifndef ANNALS_FIELDS_H_
#define ANNALS_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "annals/statement.h"
#include "annals/visibility.h"

namespace annals {

enum class FieldType : uint8_t {
  kText,        // std::string; "" is absent
  kTextList,    // std::vector<std::string>; items are never empty
  kTime,        // Timestamp; absent unless present()
  kAttributes,  // std::vector<Attribute>: Statement::attributes
};

struct StatementField {
  // JSON Lines and import name: "speaker", "source.outlet" (a field of a
  // group is an object member in JSON: "source": {"outlet": ...}).
  std::string_view name;
  // Flat name: CSV export, `annals log --format csv`, pandas frames:
  // "speaker", "source_outlet". Also read by CSV import.
  std::string_view column;
  // A further name CSV import reads: "outlet"; "" when none.
  std::string_view alias;
  FieldType type;
  // Limits (Validate): bytes of a text, of each list item, of each
  // attribute value; items of a list or attributes (0 otherwise).
  size_t max_bytes;
  size_t max_items;
  // Text that must be ASCII letters and digits only (CAMEO codes).
  bool ascii_alnum;
  // The field's tags in the content id's canonical bytes (ContentId): one
  // for a text, the count's then each item's for a list ("Tt"), the
  // micros' then the precision's for a time ("op"); "" when the content id
  // does not cover the field. Frozen once released, so stored ids never
  // change: a new field leaves it "".
  std::string_view content_id;
  // Whether grouped timelines read it (projection workers decode only these).
  bool grouping;
  // pandas frames: the name of a column holding the time's precision
  // ("occurred_precision"); "" for none.
  std::string_view precision_column;

  // Where the value lives in a Statement: the one matching `type`.
  std::string* (*text)(Statement& s);
  std::vector<std::string>* (*list)(Statement& s);
  Timestamp* (*time)(Statement& s);

  const std::string& Text(const Statement& s) const { return *text(const_cast<Statement&>(s)); }
  const std::vector<std::string>& List(const Statement& s) const {
    return *list(const_cast<Statement&>(s));
  }
  const Timestamp& Time(const Statement& s) const { return *time(const_cast<Statement&>(s)); }
  // The group of a group's field ("source" for "source.outlet"), or "".
  std::string_view group() const {
    size_t dot = name.find('.');
    return dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
  }
  // The name within its group ("outlet"), or the name.
  std::string_view member() const {
    size_t dot = name.find('.');
    return dot == std::string_view::npos ? name : name.substr(dot + 1);
  }
  // Whether the field holds nothing in `s`.
  bool Empty(const Statement& s) const {
    switch (type) {
      case FieldType::kText: return Text(s).empty();
      case FieldType::kTextList: return List(s).empty();
      case FieldType::kTime: return !Time(s).present();
      case FieldType::kAttributes: return s.attributes.empty();
    }
    return true;
  }
};

// Every field, in the order JSON Lines, CSV and frames show them.
ANNALS_EXPORT std::span<const StatementField> StatementFields();

// The field with this name, column or alias; nullptr if none.
ANNALS_EXPORT const StatementField* FindStatementField(std::string_view name);

}  // namespace annals

#endif  // ANNALS_FIELDS_H_
