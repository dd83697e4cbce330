// "Did you mean": a timeline or series query naming an actor or topic with
// no statements says so on stderr, with up to 5 close names
// (annals/matching.h). The answer itself, and the exit status, are unchanged.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/engine.h"
#include "annals/matching.h"
#include "cli/commands.h"
#include "cli/terminal.h"

namespace annals::cli {

void NoteIfNoStatements(const Engine& engine, TimelineQuery q) {
  if (!q.projection.empty()) return;
  // Statements outside --from/--to still count: the name has some.
  q.from = Timestamp{};
  q.to = Timestamp{};
  q.limit = 1;
  q.cursor.clear();
  q.role = Role::kAny;
  q.include_retracted = false;
  q.wait = false;
  auto page = engine.Timeline(q);
  if (!page.ok() || !page->entries.empty()) return;
  CountsQuery c;
  c.projection = q.kind == TimelineKind::kActor ? "actors" : "topics";
  c.as_of = page->as_of;
  c.wait = false;
  auto names = engine.Counts(c);
  std::string note = absl::StrCat("annals: no statements ",
                                  q.kind == TimelineKind::kActor ? "by or about " : "on ", "'",
                                  EscapeForTerminal(q.name), "'");
  if (names.ok()) {
    std::vector<std::string> close = SuggestNames(*names, q.name);
    for (size_t i = 0; i < close.size(); ++i)
      absl::StrAppend(&note, i ? ", " : "; did you mean ", "'", EscapeForTerminal(close[i]), "'");
    if (!close.empty()) note += "?";
  }
  std::fprintf(stderr, "%s\n", note.c_str());
}

}  // namespace annals::cli
