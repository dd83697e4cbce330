// Declarative projections: group statements by fields, optionally filtered,
// without writing C++. Each one is a timeline per group key, with the same
// current-view and as-of semantics as the built-in timelines (timeline.h).
#ifndef ANNALS_DECLARATIVE_H_
#define ANNALS_DECLARATIVE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/visibility.h"

namespace annals {

// Key fields, one or more (a statement with several targets or topics falls
// into one group per combination):
//   speaker, target, actor (speaker or target), topic, verb, event_type,
//   code (whole CAMEO code), code:N (its first N characters, e.g. code:2 is
//   the root code), outlet (source outlet), attr.NAME (the value of the
//   statement's attribute NAME, e.g. attr.Actor1CountryCode; names compare
//   normalised), quad (the CAMEO quad class 1-4 of the code through the
//   built-in codebook, cameo.h, for statements of any format; a code the
//   codebook lacks is read as its longest prefix the codebook has), root
//   (the root code through the codebook, "11"), goldstein (the statement's
//   attribute GoldsteinScale when it is a number, else the codebook's score
//   for its code), day, week (ISO 8601, "2025-W14"), month, year (of
//   occurred_at, "2025-03-31", "2025", ...). A statement dated more coarsely
//   than a date key goes into a bucket at its own precision ("2025" among
//   the months, "2025-03" among the days or weeks), never dropped. A
//   statement without a value for a key field is in no group.
// Filters: FIELD=VALUE on the same fields; names compare after
// normalisation, and for code the value is a prefix ("11" matches 11, 110,
// 1121, ...); numbers (quad, goldstein) compare as numbers. quad, goldstein
// and attr.NAME also take bounds, FIELD<=NUMBER (<, <=, >, >=): a value
// that is not a number never passes one. Filters on one field: its
// equalities are alternatives (code=11 and code=12: either) and its bounds
// all hold (goldstein>=-5 and goldstein<=5: a band), for one of the
// statement's values; filters on different fields must all hold, and a
// negated filter (its field written "!code" in `where`) must not match. A
// filter no statement can pass (every value of a field also negated, bounds
// that leave no number) is refused, and so, when a definition is created, is
// a value no statement can have (quad=5, goldstein>10, root=112,
// day=2025-02-30).
// Aliases apply to speaker, target and actor key values at query time.
struct ProjectionDefinition {
  std::string name;                 // [A-Za-z0-9_.-], 1-64 characters
  std::vector<std::string> key;     // e.g. {"speaker", "month"}
  std::vector<std::pair<std::string, std::string>> where;  // {"code", "11"}
};

// Parses `--key a,b` and `--where F=V` strings ("!F=V": a --where-not
// filter; "F<=N", "F<N", "F>=N", "F>N": a bound, stored as the pair
// {"F<=", "N"}; a code, code:N, root, quad, goldstein or date value may
// list several, comma-separated: "code=11,12", not an attribute's, which
// may hold commas). kInvalidArgument naming the bad field, or for a filter
// no statement can pass or a value no statement can have.
ANNALS_EXPORT absl::StatusOr<ProjectionDefinition> ParseProjectionDefinition(
    const std::string& name, const std::string& key_list,
    const std::vector<std::string>& where_list);

// A definition as shown by Engine::Projections():
// "key=speaker,month where=code=11 where-not=code=112 where=goldstein<=-5".
ANNALS_EXPORT std::string FormatProjectionDefinition(const ProjectionDefinition& def);

// One group of a projection and how many statements it holds now (current
// view: corrected statements counted under their latest values, retracted
// ones not counted).
struct GroupCount {
  std::vector<std::string> key;  // display forms of the key values
  uint64_t count = 0;
};

}  // namespace annals

#endif  // ANNALS_DECLARATIVE_H_
