// Registering projections, reporting on them, waiting for them, and
// rebuilding them beside the live version.
#include <algorithm>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "declarative/declarative_projection.h"
#include "log/db_engine.h"
#include "log/keys.h"
#include "log/records.h"
#include "model/sv.h"
#include "projection/runner.h"
#include "timeline/grouped_timeline.h"


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

// Deletes a generation's data and its checkpoint record.
absl::Status DropGeneration(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* proj,
                            rocksdb::ColumnFamilyHandle* meta,
                            std::string_view name, uint32_t gen) {
  std::string begin = ProjectionPrefix(name, gen);
  std::string end = ProjectionPrefix(name, gen + 1);
  rocksdb::WriteBatch batch;
  if (proj != nullptr) batch.DeleteRange(proj, begin, end);
  batch.Delete(meta, GenerationKey(name, gen));
  rocksdb::Status s = db->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return FromRocks(s, "dropping projection data");
  // The range tombstone hides the data, but the files holding it (a bulk
  // rebuild ingests them at the bottom levels, where nothing else would
  // compact them soon) would keep their space: compact the range now.
  // Data a snapshot still sees is kept until it is released.
  if (proj != nullptr) {
    rocksdb::Slice b(begin), e(end);
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    (void)db->CompactRange(co, proj, &b, &e);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DbEngine::StartProjections() {
  if (options_.builtin_projections) {
    if (auto st = Register(NewActorTimeline(), ProjectionSlot::Origin::kBuiltin, "");
        !st.ok())
      return st;
    if (auto st = Register(NewTopicTimeline(), ProjectionSlot::Origin::kBuiltin, "");
        !st.ok())
      return st;
  }
  // Declarative projections defined earlier.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
  std::vector<std::pair<std::string, std::string>> defs;
  const std::string prefix = kMetaDefinition;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    defs.emplace_back(*DecodeDefinitionKey(it->key().ToString()), it->value().ToString());
  if (!it->status().ok()) return FromRocks(it->status(), "reading definitions");
  for (const auto& [name, text] : defs)
    if (auto st = RegisterStored(name, text); !st.ok()) return st;
  return absl::OkStatus();
}

absl::Status DbEngine::RegisterStored(const std::string& name, const std::string& text) {
  auto def = DecodeDefinition(name, text);
  if (def.ok()) {
    if (absl::Status st = CheckDefinition(*def); !st.ok()) def = st;
  }
  if (!def.ok())
    return absl::DataLossError(absl::StrCat("stored definition of projection ",
                                            name, ": ", def.status().message()));
  auto projection = NewDeclarativeProjection(*def);
  if (!projection.ok()) return projection.status();
  return Register(*std::move(projection), ProjectionSlot::Origin::kDeclarative,
                  FormatProjectionDefinition(*def));
}

absl::StatusOr<DbEngine::ActiveRecord> DbEngine::ReadActiveRecord(
    const std::string& name, uint32_t version) const {
  ActiveRecord r;
  rocksdb::ReadOptions ro;
  std::string v;
  rocksdb::Status s = db_->Get(ro, meta_, ActiveKey(name), &v);
  if (s.IsNotFound()) return r;
  if (!s.ok()) return FromRocks(s, "reading projection record");
  auto g = DecodeActiveRecord(v);
  if (!g) return absl::DataLossError(absl::StrCat("projection ", name, ": damaged record"));
  r.gen = *g;
  s = db_->Get(ro, meta_, GenerationKey(name, r.gen), &v);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading projection record");
  // A damaged record, or one of another version, is rebuilt from seq 1.
  auto record = s.ok() ? DecodeGeneration(v) : std::nullopt;
  if (record && record->version == version) {
    r.checkpoint = record->checkpoint;
    r.fresh = false;
  }
  return r;
}

absl::Status DbEngine::Register(std::shared_ptr<const Projection> p,
                                ProjectionSlot::Origin origin,
                                std::string definition) {
  const std::string name = p->name();
  if (auto st = CheckProjectionName(name); !st.ok()) return st;
  absl::MutexLock lock(&registry_mu_);
  if (slots_.count(name))
    return absl::AlreadyExistsError(absl::StrCat("a projection named '", name,
                                                 "' is already registered"));
  auto slot = std::make_shared<ProjectionSlot>();
  slot->projection = p;
  slot->origin = origin;
  slot->definition = std::move(definition);

  auto record = ReadActiveRecord(name, p->version());
  if (!record.ok()) return record.status();
  uint32_t gen = record->gen;
  const uint64_t checkpoint = record->checkpoint;
  const bool fresh = record->fresh;
  rocksdb::ReadOptions ro;

  if (!options_.read_only) {
    // Generations other than the answering one are leftovers of a rebuild
    // cut short, or of an older version: drop them.
    std::vector<uint32_t> stale;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
    std::string prefix = GenerationKeyPrefix(name);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto g = DecodeGenerationKey(it->key().ToString(), name);
      if (g && (fresh || *g != gen)) stale.push_back(*g);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading projection records");
    for (uint32_t g : stale)
      if (auto st = DropGeneration(db_.get(), proj_, meta_, name, g); !st.ok()) return st;
    if (fresh) {
      gen += 1;
      rocksdb::WriteBatch batch;
      batch.Put(meta_, ActiveKey(name), EncodeActiveRecord(gen));
      batch.Put(meta_, GenerationKey(name, gen), EncodeGeneration(p->version(), 0));
      if (auto st = FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                              "registering projection");
          !st.ok())
        return st;
    }
  }
  // New projections answer once they have caught up; an empty log is.
  auto mode = fresh && Head() > 0 ? ProjectionRunner::Mode::kBuilding
                                  : ProjectionRunner::Mode::kLive;
  slot->active = std::make_unique<ProjectionRunner>(this, name, p, gen, checkpoint, mode);
  if (!options_.read_only && proj_ != nullptr) slot->active->Start();
  absl::MutexLock progress(&progress_mu_);
  slots_.emplace(name, std::move(slot));
  return absl::OkStatus();
}

absl::Status DbEngine::AddProjection(std::shared_ptr<const Projection> p) {
  if (p == nullptr) return absl::InvalidArgumentError("null projection");
  return Register(std::move(p), ProjectionSlot::Origin::kCustom, "");
}

absl::Status DbEngine::CreateProjection(const ProjectionDefinition& def) {
  if (options_.read_only)
    return absl::FailedPreconditionError("the store was opened read-only");
  if (auto st = CheckProjectionName(def.name); !st.ok()) return st;
  if (auto st = CheckDefinition(def); !st.ok()) return st;
  {
    absl::MutexLock lock(&registry_mu_);
    if (slots_.count(def.name))
      return absl::AlreadyExistsError(absl::StrCat(
          "a projection named '", def.name, "' already exists"));
  }
  std::string text = EncodeDefinition(def);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (auto st = FromRocks(
          db_->Put(wo, meta_, DefinitionKey(def.name), text),
          "storing the definition");
      !st.ok())
    return st;
  auto projection = NewDeclarativeProjection(def);
  if (!projection.ok()) return projection.status();
  return Register(*std::move(projection), ProjectionSlot::Origin::kDeclarative,
                  FormatProjectionDefinition(def));
}

absl::Status DbEngine::DropProjection(std::string_view name) {
  if (options_.read_only)
    return absl::FailedPreconditionError("the store was opened read-only");
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
    if (auto st = DropGeneration(db_.get(), proj_, meta_, name, g); !st.ok()) return st;
  rocksdb::WriteBatch batch;
  batch.Delete(meta_, ActiveKey(name));
  batch.Delete(meta_, DefinitionKey(name));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &batch), "dropping the projection");
}

absl::Status DbEngine::Rebuild(std::string_view name) {
  if (options_.read_only)
    return absl::FailedPreconditionError("the store was opened read-only");
  absl::MutexLock lock(&registry_mu_);
  auto it = slots_.find(name);
  if (it == slots_.end())
    return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
  ProjectionSlot& slot = *it->second;
  if (slot.rebuilding)
    return absl::FailedPreconditionError(absl::StrCat(
        "projection '", AV(name), "' is already being rebuilt"));
  uint32_t gen = slot.active->gen() + 1;
  rocksdb::Status s = db_->Put(rocksdb::WriteOptions(), meta_, GenerationKey(name, gen),
                               EncodeGeneration(slot.projection->version(), 0));
  if (!s.ok()) return FromRocks(s, "starting the rebuild");
  for (auto& r : slot.retired) r->Stop();  // reap failed rebuilds
  slot.retired.clear();
  {
    absl::MutexLock progress(&progress_mu_);
    slot.rebuild_outcome = absl::OkStatus();
    slot.rebuilding = std::make_unique<ProjectionRunner>(
        this, std::string(name), slot.projection, gen, 0, ProjectionRunner::Mode::kRebuild);
  }
  slot.rebuilding->Start();
  return absl::OkStatus();
}

void DbEngine::OnRebuildProgress(const std::string& name, ProjectionRunner* runner) {
  bool failed = runner->failed();
  if (!failed && runner->checkpoint() < Head()) return;
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
          "rebuild of ", name, " failed at seq ", runner->failed_seq(), ": ",
          runner->error()));
      // This thread is the failed runner's own worker, about to exit: it
      // cannot join itself, so the runner waits in the slot to be reaped.
      dead_gen = runner->gen();
      slot.retired.push_back(std::move(slot.rebuilding));
    } else {
      rocksdb::Status s = db_->Put(rocksdb::WriteOptions(), meta_,
                                   ActiveKey(name), EncodeActiveRecord(runner->gen()));
      absl::MutexLock progress(&progress_mu_);
      if (!s.ok()) {
        slot.rebuild_outcome = FromRocks(s, "switching to the rebuilt projection");
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
  (void)DropGeneration(db_.get(), proj_, meta_, name, dead_gen);
}

std::vector<ProjectionInfo> DbEngine::Projections() const {
  std::vector<ProjectionInfo> out;
  uint64_t head = Head();
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

absl::StatusOr<std::optional<std::string>> DbEngine::ReadProjection(
    std::string_view name, std::string_view key) const {
  if (proj_ == nullptr) return absl::UnavailableError("this store has no projection data");
  std::string prefix;
  {
    absl::MutexLock lock(&registry_mu_);
    auto it = slots_.find(name);
    if (it == slots_.end())
      return absl::NotFoundError(absl::StrCat("no projection named '", AV(name), "'"));
    prefix = it->second->active->prefix();
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), proj_,
                               absl::StrCat(prefix, AV(key)), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading projection data");
  return value;
}

void DbEngine::StopAll() {
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
