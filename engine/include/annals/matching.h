// Finding names across datasets: "Erdogan" for "Recep Tayyip Erdoğan",
// "UNITED STATES" beside "United States". For suggestions and search only:
// timelines, counts and aliases keep their exact matching rules
// (timeline.h: names match after normalisation, case folding and spacing).
//
// Names are folded for this: compatibility decomposition, case folding,
// accents and other marks removed, punctuation and symbols read as spaces,
// whitespace collapsed. Every function here is pure and thread-safe.
#ifndef ANNALS_MATCHING_H_
#define ANNALS_MATCHING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/declarative.h"
#include "annals/engine.h"
#include "annals/visibility.h"

namespace annals {

// The folded form of a name ("Al-Assad" -> "al assad", "Erdoğan" -> "erdogan").
ANNALS_EXPORT std::string FoldName(std::string_view name);

// The names of `names` (Engine::Counts of "actors" or "topics", as it
// shows them) that hold `text` as a substring, after normalisation or
// folded, in their order. None for an empty text.
ANNALS_EXPORT std::vector<GroupCount> SearchNames(std::vector<GroupCount> names,
                                                  std::string_view text);

// Up to `max` names of `names` close to `text`, best first: those equal to
// it folded, then those holding it (or held by it) as whole folded words
// ("Erdogan" -> "Recep Tayyip Erdoğan"), then those within a small edit
// distance of it folded (at most 1 for up to 4 characters, 2 up to 8, else
// 3); ties go to the name with more statements, then the bytewise first.
// Empty when none is close.
ANNALS_EXPORT std::vector<std::string> SuggestNames(const std::vector<GroupCount>& names,
                                                    std::string_view text, size_t max = 5);

// A proposed alias: `alias` and `canonical` may name one actor, because of
// `evidence`. Only a proposal: nothing is appended (`annals alias --file`
// appends a reviewed list of them).
struct AliasSuggestion {
  std::string alias;      // shown as `actors` shows it
  std::string canonical;  // the linked name with the most statements
  // Why, "; "-separated, each reason with the names it links this one to
  // (up to 3, then "N more"): "code USA with U.S. and United States" (they
  // carry CAMEO actor code USA: GDELT's Actor1Code/Actor2Code, PLOVER's
  // actor code, or a name that is a CAMEO country's code or name), "folded
  // erdogan with Erdoğan" (equal once accents, case and punctuation are
  // ignored), "word order with Russia Government" (and "Government of
  // Russia"). The link may run through another name of the group.
  std::string evidence;
  uint64_t alias_count = 0;  // statements naming each (as `actors` counts)
  uint64_t canonical_count = 0;
};

// Proposes aliases from evidence in the current view as of the head
// (corrections applied, retractions left out, aliases in force merged):
// actors linked by any evidence form groups; each group's other names are
// proposed as aliases of its name with the most statements (ties to the
// bytewise first), so applying them all makes no chain and no cycle. Only
// actors with at least `min_count` statements take part. Sorted by
// canonical_count (most first), then canonical, then alias. One walk of
// the log. Errors: a storage error.
ANNALS_EXPORT absl::StatusOr<std::vector<AliasSuggestion>> SuggestAliases(
    const Engine& engine, uint64_t min_count = 1);

}  // namespace annals

#endif  // ANNALS_MATCHING_H_
