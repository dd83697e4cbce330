// Registering projections (built-in, declarative, custom) and dropping
// them: each registration finds the generation that answers, drops
// leftovers, and starts its worker.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "log/records.h"
#include "model/sv.h"
#include "projection/declarative_projection.h"
#include "projection/grouped_timeline.h"
#include "projection/manager.h"
#include "projection/runner.h"

namespace annals {

const char* ProjectionStateName(ProjectionState state) {
  switch (state) {
    case ProjectionState::kLive: return "live";
    case ProjectionState::kBuilding: return "building";
    case ProjectionState::kRebuilding: return "rebuilding";
    case ProjectionState::kFailed: return "failed";
  }
  return "unknown";
}

namespace internal {
namespace {

absl::Status ReadOnlyError() {
  return absl::FailedPreconditionError("the store was opened read-only");
}

}  // namespace

ProjectionManager::ProjectionManager(const EventLog& log, ProjectionStorage& storage,
                                     const Options& options)
    : log_(log), storage_(storage), options_(options) {}

ProjectionManager::~ProjectionManager() { StopAll(); }

absl::Status ProjectionManager::Start() {
  if (options_.builtin_projections) {
    for (auto timeline : {NewActorTimeline(), NewTopicTimeline()})
      if (auto st = RegisterTimeline(timeline, ProjectionSlot::Origin::kBuiltin, ""); !st.ok())
        return st;
  }
  // Declarative projections defined earlier.
  auto defs = storage_.Definitions();
  if (!defs.ok()) return defs.status();
  for (const auto& [name, text] : *defs)
    if (auto st = RegisterStored(name, text); !st.ok()) return st;
  return absl::OkStatus();
}

absl::Status ProjectionManager::RegisterStored(const std::string& name, const std::string& text) {
  auto def = DecodeDefinition(name, text);
  if (def.ok()) {
    if (absl::Status st = CheckDefinition(*def); !st.ok()) def = st;
  }
  if (!def.ok())
    return absl::DataLossError(absl::StrCat("stored definition of projection ", name, ": ",
                                            def.status().message()));
  auto projection = NewDeclarativeProjection(*def);
  if (!projection.ok()) return projection.status();
  return RegisterTimeline(*std::move(projection), ProjectionSlot::Origin::kDeclarative,
                          FormatProjectionDefinition(*def));
}

absl::StatusOr<ProjectionManager::ActiveRecord> ProjectionManager::ReadActiveRecord(
    const std::string& name, uint32_t version) const {
  ActiveRecord r;
  auto gen = storage_.ActiveGeneration(name);
  if (!gen.ok()) return gen.status();
  if (!gen->has_value()) return r;
  r.gen = **gen;
  auto record = storage_.Generation(name, r.gen);
  // A damaged record, or one of another version, is rebuilt from seq 1.
  if (!record.ok() && !absl::IsDataLoss(record.status())) return record.status();
  if (record.ok() && record->has_value() && (*record)->version == version) {
    r.checkpoint = (*record)->checkpoint;
    r.fresh = false;
  }
  return r;
}

absl::Status ProjectionManager::PrepareGenerations(const std::string& name, uint32_t version,
                                                   ActiveRecord& record) {
  // Generations other than the answering one are leftovers of a rebuild
  // cut short, or of an older version: drop them.
  auto gens = storage_.Generations(name);
  if (!gens.ok()) return gens.status();
  for (uint32_t g : *gens)
    if (record.fresh || g != record.gen)
      if (auto st = storage_.DropGeneration(name, g); !st.ok()) return st;
  if (!record.fresh) return absl::OkStatus();
  record.gen += 1;
  ProjectionBatch batch = storage_.NewBatch();
  batch.PutActive(name, record.gen);
  batch.PutGeneration(name, record.gen, {version, 0});
  return storage_.Commit(batch, false, "registering projection");
}

absl::Status ProjectionManager::RegisterTimeline(std::shared_ptr<const GroupedTimeline> p,
                                                 ProjectionSlot::Origin origin,
                                                 std::string definition) {
  std::shared_ptr<const TimelineLayout> timeline = p;
  return Register(std::move(p), std::move(timeline), origin, std::move(definition));
}

absl::Status ProjectionManager::Register(std::shared_ptr<const Projection> p,
                                         std::shared_ptr<const TimelineLayout> timeline,
                                         ProjectionSlot::Origin origin,
                                         std::string definition) {
  const std::string name = p->name();
  if (auto st = CheckProjectionName(name); !st.ok()) return st;
  absl::MutexLock lock(&registry_mu_);
  if (slots_.count(name))
    return absl::AlreadyExistsError(
        absl::StrCat("a projection named '", name, "' is already registered"));
  auto record = ReadActiveRecord(name, p->version());
  if (!record.ok()) return record.status();
  const bool fresh = record->fresh;
  if (!storage_.read_only()) {
    if (auto st = PrepareGenerations(name, p->version(), *record); !st.ok()) return st;
  }
  auto slot = std::make_shared<ProjectionSlot>();
  slot->projection = p;
  slot->timeline = std::move(timeline);
  slot->origin = origin;
  slot->definition = std::move(definition);
  // New projections answer once they have caught up; an empty log is.
  auto mode = fresh && log_.Head() > 0 ? ProjectionRunner::Mode::kBuilding
                                       : ProjectionRunner::Mode::kLive;
  slot->active = std::make_unique<ProjectionRunner>(*this, name, p, slot->timeline.get(),
                                                    record->gen, record->checkpoint, mode);
  if (!storage_.read_only() && storage_.has_projection_data()) slot->active->Start();
  absl::MutexLock progress(&progress_mu_);
  slots_.emplace(name, std::move(slot));
  return absl::OkStatus();
}

absl::Status ProjectionManager::AddProjection(std::shared_ptr<const Projection> p) {
  if (p == nullptr) return absl::InvalidArgumentError("null projection");
  // A projection from outside the library is never a grouped timeline.
  return Register(std::move(p), nullptr, ProjectionSlot::Origin::kCustom, "");
}

absl::Status ProjectionManager::CreateProjection(const ProjectionDefinition& def) {
  if (storage_.read_only()) return ReadOnlyError();
  if (auto st = CheckProjectionName(def.name); !st.ok()) return st;
  if (auto st = CheckNewDefinition(def); !st.ok()) return st;
  {
    absl::MutexLock lock(&registry_mu_);
    if (slots_.count(def.name))
      return absl::AlreadyExistsError(
          absl::StrCat("a projection named '", def.name, "' already exists"));
  }
  if (auto st = storage_.PutDefinition(def); !st.ok()) return st;
  auto projection = NewDeclarativeProjection(def);
  if (!projection.ok()) return projection.status();
  return RegisterTimeline(*std::move(projection), ProjectionSlot::Origin::kDeclarative,
                          FormatProjectionDefinition(def));
}

absl::Status ProjectionManager::DropProjection(std::string_view name) {
  if (storage_.read_only()) return ReadOnlyError();
  std::shared_ptr<ProjectionSlot> slot;
  {
    absl::MutexLock lock(&registry_mu_);
    auto it = slots_.find(name);
    if (it == slots_.end())
      return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
    if (it->second->origin != ProjectionSlot::Origin::kDeclarative)
      return absl::FailedPreconditionError(absl::StrCat(
          "projection '", AV(name), "' is not declarative and cannot be dropped"));
    slot = it->second;
    absl::MutexLock progress(&progress_mu_);
    slots_.erase(it);
  }
  std::vector<uint32_t> gens;
  if (slot->rebuilding) {
    slot->rebuilding->Stop();
    gens.push_back(slot->rebuilding->gen());
  }
  slot->active->Stop();
  gens.push_back(slot->active->gen());
  for (uint32_t g : gens)
    if (auto st = storage_.DropGeneration(name, g); !st.ok()) return st;
  ProjectionBatch batch = storage_.NewBatch();
  batch.DeleteActive(name);
  batch.DeleteDefinition(name);
  return storage_.Commit(batch, /*sync=*/true, "dropping the projection");
}

void ProjectionManager::StopAll() {
  // After `stopping_` no rebuild switches runners between slot fields, so
  // the pointers collected here stay the ones to stop.
  std::vector<ProjectionRunner*> runners;
  {
    absl::MutexLock lock(&registry_mu_);
    absl::MutexLock progress(&progress_mu_);
    stopping_ = true;
    for (auto& [name, slot] : slots_) {
      if (slot->rebuilding) runners.push_back(slot->rebuilding.get());
      runners.push_back(slot->active.get());
      for (auto& r : slot->retired) runners.push_back(r.get());
    }
  }
  for (ProjectionRunner* r : runners) r->Stop();
}

}  // namespace internal
}  // namespace annals
