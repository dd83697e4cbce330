#include "analysis/actor_names.h"

#include <algorithm>

#include "facade/services.h"
#include "model/names.h"

namespace annals::internal {

absl::StatusOr<std::vector<AliasRecord>> AliasesAsOf(const Engine& engine, uint64_t as_of) {
  if (EngineServices* s = ServicesOf(engine)) return s->AliasesAsOf(as_of);
  std::vector<AliasRecord> out;
  constexpr size_t kPage = 1000;
  for (uint64_t seq = 1; seq <= as_of;) {
    auto events = engine.Read(seq, std::min<uint64_t>(kPage, as_of - seq + 1));
    if (!events.ok()) return events.status();
    if (events->empty()) break;
    for (const Event& e : *events) {
      if (e.seq > as_of || e.kind != EventKind::kActorAlias) continue;
      out.push_back({e.seq, NormalizeName(e.alias), NormalizeName(e.canonical), e.canonical});
    }
    seq = events->back().seq + 1;
  }
  return out;
}

std::string ActorLabel(const std::string& id, const FormCounts* forms,
                       const AliasView& aliases) {
  if (const std::string* canonical = aliases.CanonicalDisplay(id)) return *canonical;
  if (forms == nullptr) return id;
  const std::string* best = nullptr;
  uint64_t most = 0;
  for (const auto& [form, n] : *forms)  // bytewise order: ties to the first
    if (n > most) best = &form, most = n;
  return best == nullptr ? id : *best;
}

}  // namespace annals::internal
