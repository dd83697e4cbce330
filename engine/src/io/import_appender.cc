#include "io/import_appender.h"

#include "absl/strings/str_cat.h"
#include "facade/services.h"
#include "model/statement_fields.h"
#include "model/subject.h"
#include "model/thread_name.h"

namespace annals::internal {

Appender::Appender(Engine& engine, const ImportOptions& options)
    : engine_(engine), services_(ServicesOf(engine)), options_(options), thread_([this] {
        NameThisThread("annals-append");
        Loop();
      }) {}

Appender::~Appender() {
  if (thread_.joinable()) Finish().IgnoreError();
}

absl::Status Appender::Submit(Batch batch) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](Appender* a) { return a->queue_.size() < 2 || !a->error_.ok(); }, this));
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(batch));
  return absl::OkStatus();
}

absl::Status Appender::Finish() {
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  return error_;
}

std::vector<Conflict> Appender::TakeConflicts() {
  absl::MutexLock lock(&mu_);
  return std::move(conflicts_);
}

absl::Status Appender::AppendBatch(const Batch& batch, std::vector<Conflict>* found,
                                   uint64_t* imported, uint64_t* duplicates) {
  if (batch.amend) {
    if (auto st = AppendAmendment(batch, found, imported, duplicates); !st.ok()) return st;
    return ReportDurable(batch, *imported, *duplicates);
  }
  if (!batch.event_ids.empty()) {
    if (auto st = AppendMentions(batch, imported, duplicates); !st.ok()) return st;
    return ReportDurable(batch, *imported, *duplicates);
  }
  AppendOptions ao;
  ao.durability = AppendOptions::Durability::kBulk;
  // Validate and the content ids ran on the parsing thread.
  auto results = services_ != nullptr
                     ? services_->AppendValidated(batch.statements, batch.ids, ao)
                     : engine_.Append(batch.statements, ao);
  if (!results.ok()) return results.status();
  for (size_t i = 0; i < results->size(); ++i) {
    const AppendResult& r = (*results)[i];
    if (!r.duplicate) {
      ++*imported;
      continue;
    }
    auto stored = engine_.Get(r.seq);
    if (!stored.ok()) return stored.status();
    if (SameStatement(stored->statement, batch.statements[i])) {
      ++*duplicates;
      continue;
    }
    taken_ids_.insert(stored->id);
    found->push_back({batch.lines[i], std::string(batch.text(i)),
                      absl::StrCat("id \"", stored->id,
                                   "\" is already taken by a different statement (seq ", r.seq,
                                   "); not imported")});
  }
  return ReportDurable(batch, *imported, *duplicates);
}

absl::Status Appender::ReportDurable(const Batch& batch, uint64_t imported,
                                     uint64_t duplicates) {
  if (!options_.on_durable || batch.lines.empty()) return absl::OkStatus();
  // Report only after a sync, and only whole batches: every row up to the
  // batch's last line is then stored, found duplicate, or rejected (by the
  // parser, or as a conflict above).
  undurable_bytes_ += batch.texts.size() + batch.lines.size();
  if (undurable_bytes_ < options_.durable_every_bytes) return absl::OkStatus();
  if (absl::Status st = engine_.Sync(); !st.ok()) return st;
  undurable_bytes_ = 0;
  options_.on_durable({batch.lines.back(), imported_ + imported, duplicates_ + duplicates,
                       engine_.Head()});
  return absl::OkStatus();
}

absl::Status Appender::AppendMentions(const Batch& batch, uint64_t* imported,
                                      uint64_t* duplicates) {
  std::vector<Mention> mentions(batch.event_ids.size());
  for (size_t i = 0; i < mentions.size(); ++i)
    mentions[i] = {batch.event_ids[i], batch.statements[i].source,
                   batch.statements[i].attributes};
  AppendOptions ao;
  ao.durability = AppendOptions::Durability::kBulk;
  // A mention's id is its content (MentionId): a repeat is a duplicate.
  auto results = engine_.AppendMentions(mentions, ao);
  if (!results.ok()) return results.status();
  for (const AppendResult& r : *results) ++*(r.duplicate ? duplicates : imported);
  return absl::OkStatus();
}

std::string AmendRejectKind(const absl::Status& st) {
  if (std::string subject = SubjectOf(st); !subject.empty()) return subject;
  switch (st.code()) {
    case absl::StatusCode::kNotFound: return "unknown target";
    case absl::StatusCode::kFailedPrecondition: return "target retracted";
    case absl::StatusCode::kInvalidArgument: return "invalid";
    default: return "";
  }
}

absl::Status Appender::AppendAmendment(const Batch& batch, std::vector<Conflict>* found,
                                       uint64_t* imported, uint64_t* duplicates) {
  const Amendment& a = *batch.amend;
  AppendOptions ao;
  ao.durability = AppendOptions::Durability::kBulk;
  absl::StatusOr<AppendResult> r;
  if (a.kind != EventKind::kActorAlias && taken_ids_.contains(a.target_id)) {
    found->push_back({batch.lines[0], std::string(batch.text(0)),
                      TakenTargetReason(a.target_id), "id taken"});
    return absl::OkStatus();
  }
  // A retraction's or alias's provenance (import.source_seq, ...) rides
  // in its statement's attributes, which every Engine keeps.
  const std::vector<Attribute>& attributes = batch.statements[0].attributes;
  if (a.kind == EventKind::kActorAlias) {
    r = engine_.Alias(a.alias, a.canonical, ao, attributes);
  } else if (auto target = engine_.FindById(a.target_id); !target.ok()) {
    r = target.status().code() == absl::StatusCode::kNotFound
            ? absl::NotFoundError(UnknownTargetReason(a.target_id))
            : target.status();
  } else if (a.kind == EventKind::kCorrection) {
    r = engine_.Correct(*target, batch.statements[0], a.reason, ao);
  } else {
    r = engine_.Retract(*target, a.reason, ao, attributes);
  }
  if (r.ok()) {
    ++*(r->duplicate ? duplicates : imported);
    return absl::OkStatus();
  }
  std::string kind = AmendRejectKind(r.status());
  if (kind.empty()) return r.status();
  found->push_back({batch.lines[0], std::string(batch.text(0)),
                    absl::StrCat(r.status().message(), "; not imported"), std::move(kind)});
  return absl::OkStatus();
}

void Appender::Loop() {
  for (;;) {
    Batch* batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Appender* a) { return !a->queue_.empty() || a->done_; }, this));
      if (queue_.empty()) return;
      batch = &queue_.front();  // stays put: deque push_back keeps references
    }
    std::vector<Conflict> found;
    uint64_t imported = 0, duplicates = 0;
    const absl::Status error = AppendBatch(*batch, &found, &imported, &duplicates);
    absl::MutexLock lock(&mu_);
    queue_.pop_front();
    imported_ += imported;
    duplicates_ += duplicates;
    for (Conflict& c : found) conflicts_.push_back(std::move(c));
    if (!error.ok()) {
      error_ = error;
      queue_.clear();
      return;
    }
  }
}

std::string UnknownTargetReason(const std::string& target_id) {
  return absl::StrCat("target: no statement has id \"", target_id,
                      "\" in the store or earlier in the input");
}

std::string TakenTargetReason(const std::string& target_id) {
  return absl::StrCat("target: the input's statement with id \"", target_id,
                      "\" was not imported (a different statement holds that id); not imported");
}

std::string ConflictCheck::CheckTarget(const std::string& target_id, std::string* kind) const {
  if (taken_.contains(target_id)) {
    *kind = "id taken";
    return TakenTargetReason(target_id);
  }
  if (seen_.contains(target_id)) return "";
  if (engine_ != nullptr && engine_->FindById(target_id).ok()) return "";
  *kind = "unknown target";
  return absl::StrCat(UnknownTargetReason(target_id), "; not imported");
}

std::string ConflictCheck::Check(const Statement& s) {
  const std::string id = EffectiveId(s);
  if (engine_ != nullptr) {
    if (auto seq = engine_->FindById(id); seq.ok()) {
      auto stored = engine_->Get(*seq);
      if (stored.ok() && !SameStatement(stored->statement, s)) {
        taken_.insert(id);
        return absl::StrCat("id \"", id, "\" is already taken by a different statement (seq ",
                            *seq, "); not imported");
      }
      return "";
    }
  }
  // A hash of everything SameStatement compares (the same bytes), so the
  // two cannot disagree about which fields count.
  const size_t fingerprint = std::hash<std::string>()(ComparableBytes(s));
  auto [it, inserted] = seen_.try_emplace(id, fingerprint);
  if (inserted || it->second == fingerprint) return "";
  taken_.insert(id);
  return absl::StrCat("id \"", id,
                      "\" is already taken by a different statement earlier in the input; "
                      "not imported");
}

}  // namespace annals::internal
