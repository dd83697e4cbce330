// Names as annals compares them (actors, topics).
#ifndef ANNALS_NAMES_H_
#define ANNALS_NAMES_H_

#include <string>
#include <string_view>

#include "annals/visibility.h"

namespace annals {

// A name as timelines (and subscription filters, annals/client.h) compare
// it: Unicode NFC, case folded, each run of whitespace one space, none at
// the ends. Two names name the same actor or topic, aliases aside, when
// these are equal. Thread-safe.
ANNALS_EXPORT std::string NormalizedName(std::string_view name);

}  // namespace annals

#endif  // ANNALS_NAMES_H_
