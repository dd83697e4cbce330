// SubscriptionFilterMatches (annals/client.h): which events a subscription
// delivers, one rule for the server and for readers that filter by
// themselves.
#include <algorithm>

#include "annals/client.h"
#include "model/names.h"

namespace annals {
namespace {

bool AnyOf(const std::vector<std::string>& wanted, const std::string& name) {
  return std::find(wanted.begin(), wanted.end(), internal::NormalizeName(name)) != wanted.end();
}

}  // namespace

SubscriptionFilter NormalizedSubscriptionFilter(SubscriptionFilter filter) {
  for (std::string& a : filter.actors) a = internal::NormalizeName(a);
  for (std::string& t : filter.topics) t = internal::NormalizeName(t);
  return filter;
}

bool SubscriptionFilterMatches(const SubscriptionFilter& f, const Event& e) {
  if (!f.kinds.empty() && std::find(f.kinds.begin(), f.kinds.end(), e.kind) == f.kinds.end())
    return false;
  const Statement& s = e.statement;
  if (!f.actors.empty()) {
    bool hit = !s.speaker.empty() && AnyOf(f.actors, s.speaker);
    for (const std::string& t : s.targets) hit = hit || AnyOf(f.actors, t);
    if (!hit) return false;
  }
  if (!f.topics.empty()) {
    bool hit = false;
    for (const std::string& t : s.topics) hit = hit || AnyOf(f.topics, t);
    if (!hit) return false;
  }
  return true;
}

}  // namespace annals
