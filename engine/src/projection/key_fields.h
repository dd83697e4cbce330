// The fields declarative projections key and filter on (annals/declarative.h),
// listed once in a table (key_fields.cc): statement fields, attributes
// (attr.NAME) and derived fields (quad, root, goldstein, day, week, month,
// year; model/derived.h). What each field's values are for a statement,
// how they compare, which filters they take and which values can exist.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_KEY_FIELDS_H_
#define ANNALS_ENGINE_SRC_PROJECTION_KEY_FIELDS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/statement.h"

namespace annals::internal {

struct FieldSpec;  // a row of the table

// A field as a definition names it: "speaker", "code:2", "attr.QuadClass".
struct KeyField {
  std::string text;   // as written (trimmed)
  const FieldSpec* spec = nullptr;
  std::string arg;    // attr.NAME: NAME
  size_t prefix = 0;  // code:N: N
};

// kInvalidArgument naming the field and listing the known ones.
absl::StatusOr<KeyField> ParseKeyField(std::string_view text);

// The field's values in `s`, as written (empty ones left out).
std::vector<std::string> FieldValues(const KeyField& f, const Statement& s);
// A value as the field groups and compares it: names normalised
// (model/names.h), numbers in their shortest form, codes and dates as they are.
std::string NormalValue(const KeyField& f, const std::string& v);
// Whether the field names actors (aliases apply at query time).
bool IsActorField(const KeyField& f);
// Whether reading the field needs the statement's attributes (workers then
// decode whole events).
bool ReadsAttributes(const KeyField& f);
// Whether "a,b" lists alternatives for the field (codes, dates, quads ...).
bool ListsValues(const KeyField& f);

enum class Compare { kEq, kLt, kLe, kGt, kGe };

// One filter: FIELD=VALUE or FIELD<=NUMBER (<, <=, >, >=), negated for
// --where-not. Stored in a definition's where pairs as (field with the
// operator unless '=', with a leading '!' when negated; value):
// ("!goldstein<=", "-5").
struct Filter {
  KeyField f;
  Compare op = Compare::kEq;
  std::string value;             // NormalValue (codes: as written)
  std::optional<double> number;  // comparisons: the bound
  bool negate = false;
};

// A stored where pair as a filter. kInvalidArgument for an unknown field,
// an empty value, or a comparison on a field that is not numeric (quad,
// goldstein, attr.NAME) or with a bound that is not a number.
absl::StatusOr<Filter> ParseFilter(std::string_view field, std::string_view value);

// Splits "goldstein<=-5" into its stored pair ("goldstein<=", "-5");
// "code=11" into ("code", "11"). kInvalidArgument without an operator or a field.
absl::StatusOr<std::pair<std::string, std::string>> SplitFilter(std::string_view item);

// Filters on one field: its equalities are alternatives, its comparisons
// all hold, for one of the statement's values; filters on different fields
// must all hold; no negated one may match any value.
bool Passes(const std::vector<Filter>& filters, const Statement& s);

// kInvalidArgument if no statement can pass the filters: every value a
// field's filters allow is excluded by its other filters (a value also
// negated, a code excluded by a prefix of it, bounds that leave no number).
absl::Status CheckPossible(const std::vector<Filter>& filters);

// kInvalidArgument for a value the field can never have: a quad outside
// 1-4, a root code the codebook lacks, a Goldstein score outside -10..10,
// a date that is not one ("2025-02-30", "2025-W54"), bounds that lie
// inside a negated comparison on their field. For new definitions:
// stored ones are read as they were accepted.
absl::Status CheckValues(const std::vector<Filter>& filters);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_KEY_FIELDS_H_
