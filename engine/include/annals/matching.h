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
#include <string>
#include <string_view>
#include <vector>

#include "annals/declarative.h"
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

}  // namespace annals

#endif  // ANNALS_MATCHING_H_
