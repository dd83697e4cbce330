// `annals actors --suggest-aliases [--min-count N]` (suggest_aliases.cc).
#ifndef ANNALS_TOOLS_CLI_SUGGEST_ALIASES_H_
#define ANNALS_TOOLS_CLI_SUGGEST_ALIASES_H_

#include <cstdint>

#include "cli/common.h"

namespace annals::cli {

// Prints SuggestAliases(store, min_count) as CSV (alias, canonical,
// evidence, alias_count, canonical_count), raw, as alias --file reads it;
// returns the exit status.
int PrintAliasSuggestions(const GlobalFlags& g, uint64_t min_count);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_SUGGEST_ALIASES_H_
