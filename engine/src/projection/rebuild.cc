// Rebuilding projections beside the live version and switching over, and
// what the registry reports: Projections(), ReadProjection, and the
// catalog the read side looks timelines up in.
#include "absl/strings/str_cat.h"
#include "log/records.h"
#include "model/sv.h"
#include "projection/manager.h"
#include "projection/runner.h"

namespace annals::internal {

absl::Status ProjectionManager::Rebuild(std::string_view name) {
  if (storage_.read_only())
    return absl::FailedPreconditionError("the store was opened read-only");
  absl::MutexLock lock(&registry_mu_);
  auto it = slots_.find(name);
  if (it == slots_.end())
    return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
  ProjectionSlot& slot = *it->second;
  if (slot.rebuilding)
    return absl::FailedPreconditionError(
        absl::StrCat("projection '", AV(name), "' is already being rebuilt"));
  const uint32_t gen = slot.active->gen() + 1;
  ProjectionBatch batch = storage_.NewBatch();
  batch.PutGeneration(name, gen, {slot.projection->version(), 0});
  if (auto st = storage_.Commit(batch, false, "starting the rebuild"); !st.ok()) return st;
  for (auto& r : slot.retired) r->Stop();  // reap failed rebuilds
  slot.retired.clear();
  {
    absl::MutexLock progress(&progress_mu_);
    slot.rebuild_outcome = absl::OkStatus();
    slot.rebuilding = std::make_unique<ProjectionRunner>(*this, std::string(name),
                                                         slot.projection, slot.timeline.get(),
                                                         gen, 0, ProjectionRunner::Mode::kRebuild);
  }
  slot.rebuilding->Start();
  return absl::OkStatus();
}

void ProjectionManager::OnRebuildProgress(const std::string& name, ProjectionRunner* runner) {
  const bool failed = runner->failed();
  if (!failed && runner->checkpoint() < log_.Head()) return;
  // Caught up (or failed): switch over, or give up the new generation.
  std::unique_ptr<ProjectionRunner> retired;
  uint32_t dead_gen = 0;
  {
    absl::MutexLock lock(&registry_mu_);
    if (stopping_) return;
    auto it = slots_.find(name);
    if (it == slots_.end() || it->second->rebuilding.get() != runner) return;
    ProjectionSlot& slot = *it->second;
    if (failed) {
      absl::MutexLock progress(&progress_mu_);
      slot.rebuild_outcome = absl::AbortedError(absl::StrCat(
          "rebuild of ", name, " failed at seq ", runner->failed_seq(), ": ", runner->error()));
      // This thread is the failed runner's own worker, about to exit: it
      // cannot join itself, so the runner waits in the slot to be reaped.
      dead_gen = runner->gen();
      slot.retired.push_back(std::move(slot.rebuilding));
    } else {
      ProjectionBatch batch = storage_.NewBatch();
      batch.PutActive(name, runner->gen());
      absl::Status st = storage_.Commit(batch, false, "switching to the rebuilt projection");
      absl::MutexLock progress(&progress_mu_);
      if (!st.ok()) {
        slot.rebuild_outcome = st;
        return;  // stays a rebuild; retried after its next batch
      }
      runner->set_mode(ProjectionRunner::Mode::kLive);
      retired = std::move(slot.active);
      slot.active = std::move(slot.rebuilding);
    }
  }
  if (retired) {
    dead_gen = retired->gen();
    retired->Stop();  // the old live worker: another thread, safe to join
    retired.reset();
  }
  // Queries holding a snapshot keep reading the old generation's data.
  (void)storage_.DropGeneration(name, dead_gen);
}

std::vector<ProjectionInfo> ProjectionManager::Projections() const {
  std::vector<ProjectionInfo> out;
  const uint64_t head = log_.Head();
  absl::MutexLock lock(&registry_mu_);
  for (const auto& [name, slot] : slots_) {
    ProjectionInfo info;
    info.name = name;
    info.version = slot->projection->version();
    info.head = head;
    info.definition = slot->definition;
    const ProjectionRunner& a = *slot->active;
    info.checkpoint = a.checkpoint();
    info.lag = head > info.checkpoint ? head - info.checkpoint : 0;
    if (a.failed()) {
      info.state = ProjectionState::kFailed;
      info.failed_seq = a.failed_seq();
      info.error = a.error();
    } else if (a.mode() == ProjectionRunner::Mode::kBuilding) {
      info.state = ProjectionState::kBuilding;
      info.rebuild_checkpoint = info.checkpoint;
    } else if (slot->rebuilding) {
      info.state = ProjectionState::kRebuilding;
      info.rebuild_checkpoint = slot->rebuilding->checkpoint();
    }
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> ProjectionManager::ReadProjection(
    std::string_view name, std::string_view key) const {
  if (!storage_.has_projection_data())
    return absl::UnavailableError("this store has no projection data");
  std::string prefix;
  {
    absl::MutexLock lock(&registry_mu_);
    auto it = slots_.find(name);
    if (it == slots_.end())
      return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
    prefix = it->second->active->prefix();
  }
  return storage_.GetData(absl::StrCat(prefix, AV(key)));
}

absl::StatusOr<TimelineHandle> ProjectionManager::FindTimeline(std::string_view name) const {
  absl::MutexLock lock(&registry_mu_);
  auto it = slots_.find(name);
  if (it == slots_.end())
    return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
  const ProjectionSlot& slot = *it->second;
  if (slot.timeline == nullptr)
    return absl::InvalidArgumentError(
        absl::StrCat("projection '", AV(name), "' is not a timeline"));
  TimelineHandle h;
  h.layout = slot.timeline;
  h.building = slot.active->mode() == ProjectionRunner::Mode::kBuilding;
  h.checkpoint = slot.active->checkpoint();
  return h;
}

}  // namespace annals::internal
