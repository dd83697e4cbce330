#include "io/amend_check.h"

#include "absl/strings/str_cat.h"
#include "analysis/actor_names.h"

namespace annals::internal {

void AmendCheck::NoteStatement(const std::string& id, const Statement& s) {
  if (input_values_.contains(id)) return;
  Statement values = s;
  values.id.clear();
  input_values_.emplace(id, DigestOf(values));
}

absl::StatusOr<StatementDigest> AmendCheck::Current(const std::string& id,
                                                    std::optional<uint64_t> stored_seq) const {
  if (auto it = amended_.find(id); it != amended_.end()) {
    if (it->second.retracted_line != 0)
      return RetractedError(id, absl::StrCat("on line ", it->second.retracted_line,
                                             " of the input"));
    return it->second.values;
  }
  if (stored_seq) {
    auto now = engine_.CurrentStatement(*stored_seq);
    if (!now.ok()) return now.status();
    now->id.clear();
    return DigestOf(*now);
  }
  auto it = input_values_.find(id);
  if (it == input_values_.end())  // ConflictCheck::CheckTarget has passed
    return absl::InternalError(absl::StrCat("target ", id, " is neither stored nor in the input"));
  return it->second;
}

absl::Status AmendCheck::Check(const Amendment& a, const Statement& values, uint64_t line) {
  if (a.kind == EventKind::kActorAlias) return CheckAlias(a);
  const bool correction = a.kind == EventKind::kCorrection;
  if (absl::Status st = correction ? CheckReason(a.reason) : CheckRetractionReason(a.reason);
      !st.ok())
    return st;
  Statement v = values;
  v.id.clear();
  std::optional<uint64_t> stored_seq;
  if (auto seq = engine_.FindById(a.target_id); seq.ok()) stored_seq = *seq;
  else if (seq.status().code() != absl::StatusCode::kNotFound) return seq.status();
  // A repeat of an amendment already stored, or passed earlier in the
  // input, is a duplicate: the append checks it no further.
  const std::string key = absl::StrCat(
      a.target_id, "\n",
      correction ? CorrectionEventId(0, v, a.reason) : RetractionEventId(0, a.reason));
  if (accepted_.contains(key)) return absl::OkStatus();
  if (stored_seq) {
    const std::string id = correction ? CorrectionEventId(*stored_seq, v, a.reason)
                                      : RetractionEventId(*stored_seq, a.reason);
    if (engine_.FindById(id).ok()) return absl::OkStatus();
  }
  auto now = Current(a.target_id, stored_seq);
  if (!now.ok()) return now.status();
  if (correction) {
    const StatementDigest corrected = DigestOf(v);
    if (absl::Status st = CheckCorrectionChanges(*now, corrected, a.target_id); !st.ok())
      return st;
    amended_[a.target_id] = {corrected, 0};
  } else {
    amended_[a.target_id].retracted_line = line;
  }
  accepted_.insert(key);
  return absl::OkStatus();
}

absl::Status AmendCheck::CheckAlias(const Amendment& a) {
  auto names = CheckAliasNames(a.alias, a.canonical);
  if (!names.ok()) return names.status();
  if (!links_) {
    // Any engine's: a server's too (read from its log), so that a dry run
    // or --strict through a server sees the aliases it holds.
    auto stored = AliasesAsOf(engine_, engine_.Head());
    if (!stored.ok()) return stored.status();
    links_.emplace();
    for (const AliasRecord& r : *stored) (*links_)[r.alias] = r.canonical;
  }
  if (absl::Status st = CheckAliasCycle(*links_, *names, a.alias, a.canonical); !st.ok())
    return st;
  (*links_)[names->alias] = names->canonical;
  return absl::OkStatus();
}

// In a pass that writes nothing: why amendment `a` (line `line`,
// `values` a correction's) would be refused by the append, with its reject
// kind in *kind; "" when it would not. A storage error ends the pass.
absl::StatusOr<std::string> DryAmendProblem(const ConflictCheck& check,
                                            internal::AmendCheck& amend_check,
                                            const internal::Amendment& a,
                                            const Statement& values, uint64_t line,
                                            std::string* kind) {
  if (a.kind != EventKind::kActorAlias)
    if (std::string problem = check.CheckTarget(a.target_id, kind); !problem.empty())
      return problem;
  absl::Status st = amend_check.Check(a, values, line);
  if (st.ok()) return std::string();
  *kind = internal::AmendRejectKind(st);
  if (kind->empty()) return st;
  return absl::StrCat(st.message(), "; not imported");
}

}  // namespace annals::internal
