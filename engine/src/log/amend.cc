// Corrections, retractions and aliases: checked against the log state under
// the append lock, then committed like any event (CommitLocked).
#include <map>

#include "absl/strings/str_cat.h"
#include "codec/event_codec.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/amend_checks.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

absl::Status ReadOnlyError() {
  return absl::FailedPreconditionError("the store was opened read-only");
}

}  // namespace

absl::StatusOr<Event> LogStore::GetUnchecked(uint64_t seq) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), log_, EncodeSeq(seq), &value);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no event with seq ", seq));
  if (!s.ok()) return FromRocks(s, "reading the log");
  auto e = DecodeEvent(value);
  if (!e.ok()) return absl::DataLossError(absl::StrCat("seq ", seq, ": ", e.status().message()));
  return e;
}

absl::StatusOr<Statement> LogStore::CurrentStatement(uint64_t seq) const {
  if (seq == 0 || seq > Head()) return absl::NotFoundError(absl::StrCat("no event with seq ", seq));
  auto original = GetUnchecked(seq);
  if (!original.ok()) return original.status();
  if (original->kind != EventKind::kStatement)
    return absl::NotFoundError(absl::StrCat("seq ", seq,
                                            " is not a statement (it is an event of kind ",
                                            EventKindName(original->kind), ")"));
  rocksdb::ReadOptions ro;
  std::string v;
  rocksdb::Status s = db_->Get(ro, meta_, RetractionKey(seq), &v);
  if (s.ok())
    return RetractedError(absl::StrCat(seq),
                          absl::StrCat("seq ", DecodeAmendRecord(v).value_or(0)));
  if (!s.IsNotFound()) return FromRocks(s, "reading log state");
  s = db_->Get(ro, meta_, CorrectionKey(seq), &v);
  if (s.IsNotFound()) return original->statement;
  if (!s.ok()) return FromRocks(s, "reading log state");
  auto latest = DecodeAmendRecord(v);
  if (!latest) return absl::DataLossError("correction marker is damaged");
  auto correction = GetUnchecked(*latest);
  if (!correction.ok()) return correction.status();
  Statement st = correction->statement;
  st.id = original->id;
  return st;
}

absl::StatusOr<StatementStanding> LogStore::Standing(uint64_t seq) const {
  if (seq == 0 || seq > Head()) return absl::NotFoundError(absl::StrCat("no event with seq ", seq));
  StatementStanding out;
  rocksdb::ReadOptions ro;
  std::string v;
  for (auto [key, field] : {std::pair{CorrectionKey(seq), &out.corrected_by},
                            std::pair{RetractionKey(seq), &out.retracted_by}}) {
    rocksdb::Status s = db_->Get(ro, meta_, key, &v);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "reading log state");
    auto amending = DecodeAmendRecord(v);
    if (!amending) return absl::DataLossError("an amendment marker is damaged");
    *field = *amending;
  }
  return out;
}

absl::StatusOr<AppendResult> LogStore::CommitAmendment(Event event,
                                                       const AppendOptions& options,
                                                       absl::FunctionRef<absl::Status()> check,
                                                       bool check_duplicates) {
  absl::StatusOr<std::vector<AppendResult>> results;
  {
    absl::MutexLock lock(&append_mu_);
    // Re-sending the same amendment is a duplicate (CommitLocked reports
    // it), checked again only when asked.
    if (check_duplicates || !FindById(event.id).ok()) {
      if (absl::Status st = check(); !st.ok()) return st;
    }
    results = CommitLocked(std::span<Event>(&event, 1), {}, {}, options);
  }
  NotifyHeadMoved();
  if (!results.ok()) return results.status();
  return (*results)[0];
}

absl::StatusOr<AppendResult> LogStore::Correct(uint64_t target, const Statement& corrected,
                                               std::string_view reason,
                                               const AppendOptions& options) {
  if (options_.read_only) return ReadOnlyError();
  Statement values = corrected;
  values.id.clear();  // the original's id stays the statement's identity
  if (absl::Status st = Validate(values); !st.ok()) return st;
  if (absl::Status st = CheckReason(reason); !st.ok()) return st;
  Event e;
  e.kind = EventKind::kCorrection;
  e.target = target;
  e.statement = values;
  e.reason = std::string(reason);
  e.id = CorrectionEventId(target, values, reason);
  return CommitAmendment(std::move(e), options, [&]() -> absl::Status {
    auto current = CurrentStatement(target);
    if (!current.ok()) return current.status();
    Statement now = *current;
    now.id.clear();
    return CheckCorrectionChanges(DigestOf(now), DigestOf(values), absl::StrCat(target));
  });
}

absl::StatusOr<AppendResult> LogStore::Retract(uint64_t target, std::string_view reason,
                                               const AppendOptions& options,
                                               const std::vector<Attribute>& attributes) {
  if (options_.read_only) return ReadOnlyError();
  if (absl::Status st = CheckRetractionReason(reason); !st.ok()) return st;
  if (absl::Status st = CheckEventAttributes(attributes); !st.ok()) return st;
  Event e;
  e.kind = EventKind::kRetraction;
  e.statement.attributes = attributes;
  e.target = target;
  e.reason = std::string(reason);
  e.id = RetractionEventId(target, reason);
  return CommitAmendment(std::move(e), options, [&]() -> absl::Status {
    return CurrentStatement(target).status();  // also rejects a 2nd retraction
  });
}

absl::StatusOr<AppendResult> LogStore::Alias(std::string_view alias,
                                             std::string_view canonical,
                                             const AppendOptions& options,
                                             const std::vector<Attribute>& attributes) {
  if (options_.read_only) return ReadOnlyError();
  auto names = CheckAliasNames(alias, canonical);
  if (!names.ok()) return names.status();
  if (absl::Status st = CheckEventAttributes(attributes); !st.ok()) return st;
  Event e;
  e.kind = EventKind::kActorAlias;
  e.statement.attributes = attributes;
  e.alias = std::string(alias);
  e.canonical = std::string(canonical);
  e.id = AliasEventId(*names);
  // Checked even when it repeats an alias: later aliases may have made it
  // a cycle since.
  return CommitAmendment(std::move(e), options, [&]() -> absl::Status {
    absl::MutexLock lock(&aliases_mu_);
    return CheckAliasCycle(alias_links_, *names, alias, canonical);
  }, /*check_duplicates=*/true);
}

std::vector<AliasRecord> LogStore::AliasesAsOf(uint64_t as_of) const {
  absl::MutexLock lock(&aliases_mu_);
  std::vector<AliasRecord> out;
  for (const AliasRecord& r : aliases_) {
    if (r.seq > as_of) break;  // kept in seq order
    out.push_back(r);
  }
  return out;
}

absl::StatusOr<uint64_t> LogStore::SeqAt(int64_t recorded_at) const {
  // recordedAt is non-decreasing along the log: binary search by seq.
  uint64_t lo = 0, hi = Head();  // answer in [lo, hi]
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo + 1) / 2;
    auto e = Get(mid);
    if (!e.ok()) return e.status();
    if (e->recorded_at <= recorded_at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

}  // namespace annals::internal
