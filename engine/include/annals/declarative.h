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
//   the root code), outlet (source outlet), year, month (of occurred_at,
//   "2025", "2025-03"; a month key files a statement dated only to a year
//   under its year, "2025", among the months, rather than leaving it out).
// Filters: FIELD=VALUE on the same fields; names compare after
// normalisation, and for code the value is a prefix ("11" matches 11, 110,
// 1121, ...). Filters on one field are alternatives (code=11 and code=12:
// either), filters on different fields must all hold, and a negated filter
// (its field written "!code" in `where`) must not match. A filter no
// statement can pass (every value of a field also negated) is refused.
// Aliases apply to speaker, target and actor key values at query time.
struct ProjectionDefinition {
  std::string name;                 // [A-Za-z0-9_.-], 1-64 characters
  std::vector<std::string> key;     // e.g. {"speaker", "month"}
  std::vector<std::pair<std::string, std::string>> where;  // {"code", "11"}
};

// Parses `--key a,b` and `--where F=V` strings ("!F=V": a --where-not
// filter; a code, code:N, year or month value may list several,
// comma-separated: "code=11,12"). kInvalidArgument naming the bad field,
// or for a filter no statement can pass.
ANNALS_EXPORT absl::StatusOr<ProjectionDefinition> ParseProjectionDefinition(
    const std::string& name, const std::string& key_list,
    const std::vector<std::string>& where_list);

// A definition as shown by Engine::Projections():
// "key=speaker,month where=code=11 where-not=code=112".
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
