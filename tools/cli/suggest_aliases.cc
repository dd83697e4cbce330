// annals actors --suggest-aliases: proposed aliases as a CSV that
// `annals alias --file` reads once a person has reviewed it. Never appends.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "annals/export.h"
#include "annals/matching.h"
#include "cli/commands.h"
#include "cli/suggest_aliases.h"

namespace annals::cli {

int PrintAliasSuggestions(const GlobalFlags& g, uint64_t min_count) {
  auto engine = OpenForRead(g);
  if (!engine.ok()) return Fail("", engine.status());
  auto suggested = SuggestAliases(**engine, min_count);
  if (!suggested.ok()) return Fail("actors --suggest-aliases", suggested.status());
  std::string out = "alias,canonical,evidence,alias_count,canonical_count\r\n";
  for (const AliasSuggestion& s : *suggested) {
    for (const std::string* text : {&s.alias, &s.canonical, &s.evidence}) {
      AppendCsvField(*text, &out);
      out += ',';
    }
    absl::StrAppend(&out, s.alias_count, ",", s.canonical_count, "\r\n");
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (suggested->empty())
    std::fputs("annals: no aliases to suggest (no two actors share a code, a folded "
               "name or a word order)\n", stderr);
  return kExitOk;
}

}  // namespace annals::cli
