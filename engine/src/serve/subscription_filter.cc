// SubscriptionFilterMatches and SubscriptionMatcher (annals/client.h):
// which events a subscription delivers, one rule for the server and for
// readers that filter by themselves.
#include <algorithm>
#include <utility>

#include "annals/client.h"
#include "facade/services.h"
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
  if (!f.projection.empty() || !f.key.empty()) return false;  // SubscriptionMatcher's to judge
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

absl::StatusOr<std::function<bool(const Event&)>> SubscriptionMatcher(
    const Engine& engine, const SubscriptionFilter& filter) {
  SubscriptionFilter normal = NormalizedSubscriptionFilter(filter);
  if (filter.projection.empty()) {
    if (!filter.key.empty())
      return absl::InvalidArgumentError("a subscription's key needs its projection");
    return [normal = std::move(normal)](const Event& e) {
      return SubscriptionFilterMatches(normal, e);
    };
  }
  normal.projection.clear();  // judged here: the plain test gets the rest
  normal.key.clear();
  internal::EngineServices* services = internal::ServicesOf(engine);
  if (services == nullptr)
    return absl::FailedPreconditionError(
        "this engine has no projections of its own: subscribe through its client, whose "
        "server filters by the projection");
  auto in_group = services->GroupTest(filter.projection, filter.key);
  if (!in_group.ok()) return in_group.status();
  // Only statements and corrections are filed under groups (a mention's
  // statement holds its article, a retraction's nothing).
  return [normal = std::move(normal), in_group = *std::move(in_group)](const Event& e) {
    return SubscriptionFilterMatches(normal, e) &&
           (e.kind == EventKind::kStatement || e.kind == EventKind::kCorrection) &&
           in_group(e.statement);
  };
}

}  // namespace annals
