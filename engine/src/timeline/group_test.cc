// TimelineReader::GroupTest: whether a statement version is filed under one
// group of a timeline projection, for subscriptions filtered by a group
// (annals/client.h SubscriptionMatcher). The group is encoded once, as a
// query for it would (TimelineLayout::QueryGroup), and each statement's
// groups are those its entries are written under (TimelineLayout::Forms).
#include <memory>
#include <utility>

#include "timeline/reader.h"

namespace annals::internal {

absl::StatusOr<std::function<bool(const Statement&)>> TimelineReader::GroupTest(
    const std::string& name, const std::vector<std::string>& key) const {
  auto found = catalog_.FindTimeline(name);
  if (!found.ok()) return found.status();
  std::shared_ptr<const TimelineLayout> layout = found->layout;
  auto group = layout->QueryGroup(key);
  if (!group.ok()) return group.status();
  return [layout, group = *std::move(group)](const Statement& s) {
    for (const auto& [filed, form] : layout->Forms(s))
      if (filed == group) return true;
    return false;
  };
}

}  // namespace annals::internal
