// Alias resolution as of a log position: which names a query for one name
// covers, and the canonical name to show for each.
#ifndef ANNALS_ENGINE_SRC_TIMELINE_ALIASES_H_
#define ANNALS_ENGINE_SRC_TIMELINE_ALIASES_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "log/log_state.h"

namespace annals::internal {

class AliasView {
 public:
  // `aliases` in seq order; later events for the same alias win.
  explicit AliasView(const std::vector<AliasRecord>& aliases);

  // Follows alias -> canonical links to the end (stops on a cycle).
  std::string Root(const std::string& normalized) const;
  // Every name whose root is the root of `normalized`, itself included.
  std::set<std::string> ClassOf(const std::string& normalized) const;
  // The name to show for `written`: the canonical text of its alias class
  // (as the alias that named the root wrote it) when the name is in one,
  // else `written` unchanged.
  std::string Display(const std::string& written) const;
  // That canonical text for a root (normalised); null when it is in no
  // alias pair.
  const std::string* CanonicalDisplay(const std::string& root) const;
  bool empty() const { return parent_.empty(); }

 private:
  std::map<std::string, std::string> parent_;
  std::map<std::string, std::string> display_;  // normalised -> as written
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_TIMELINE_ALIASES_H_
