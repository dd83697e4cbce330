#include "timeline/aliases.h"

#include "model/names.h"

namespace annals::internal {

AliasView::AliasView(const std::vector<AliasRecord>& aliases) {
  for (const AliasRecord& a : aliases) {
    parent_[a.alias] = a.canonical;
    display_[a.canonical] = a.display;
  }
}

std::string AliasView::Root(const std::string& normalized) const {
  std::string x = normalized;
  std::set<std::string> seen;
  for (;;) {
    auto it = parent_.find(x);
    if (it == parent_.end() || !seen.insert(x).second) return x;
    x = it->second;
  }
}

std::set<std::string> AliasView::ClassOf(const std::string& normalized) const {
  std::string root = Root(normalized);
  std::set<std::string> out = {normalized, root};
  for (const auto& [alias, canonical] : parent_) {
    if (Root(alias) == root) out.insert(alias);
    if (Root(canonical) == root) out.insert(canonical);
  }
  return out;
}

std::string AliasView::Display(const std::string& written) const {
  if (parent_.empty()) return written;
  const std::string* shown = CanonicalDisplay(Root(NormalizeName(written)));
  return shown == nullptr ? written : *shown;
}

const std::string* AliasView::CanonicalDisplay(const std::string& root) const {
  auto it = display_.find(root);
  return it == display_.end() ? nullptr : &it->second;
}

}  // namespace annals::internal
