// The append path: validate, derive ids, then under the append lock check
// for duplicates, assign seqs and write log + id index + log state in one
// batch. Corrections, retractions and aliases share CommitLocked (amend.cc).
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "codec/event_codec.h"
#include "log/keys.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"
#include "model/names.h"
#include "model/sv.h"
#include "rocksdb/write_batch.h"

namespace annals::internal {
namespace {

absl::Status ReadOnlyError() {
  return absl::FailedPreconditionError("the store was opened read-only");
}

// Moves `next` over the statement `at` occurred.
void NoteOccurred(const Timestamp& at, LogState& next) {
  if (!next.occurred_min.present() || at < next.occurred_min) next.occurred_min = at;
  if (!next.occurred_max.present() || at > next.occurred_max) next.occurred_max = at;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> LogStore::Prepare(
    std::span<const Statement> statements, bool batch) const {
  if (options_.read_only) return ReadOnlyError();
  // Outside the lock: everything that depends only on the input. A large
  // batch shares it with the helper threads, in contiguous parts, so the
  // first failing part holds the first bad statement.
  const size_t n = statements.size();
  std::vector<std::string> ids(n);
  // Parts of >= 128 statements (~0.4 ms: waking a helper costs tens of
  // µs), several per thread: whichever thread is free takes the next one,
  // so a helper that RocksDB's flush keeps off its core costs little.
  constexpr size_t kMinPerPart = 128;
  const size_t parts = std::clamp<size_t>(n / kMinPerPart, 1, 4 * helpers_->width());
  std::vector<absl::Status> errors(parts);
  helpers_->Run(parts, [&](size_t part) {
    for (size_t i = n * part / parts, end = n * (part + 1) / parts; i < end; ++i) {
      if (absl::Status st = Validate(statements[i]); !st.ok()) {
        errors[part] = BadStatementError(st, i, /*prefix=*/batch);
        return;
      }
      ids[i] = EffectiveId(statements[i]);
    }
  });
  for (absl::Status& st : errors)
    if (!st.ok()) return st;
  return ids;
}

absl::StatusOr<std::vector<AppendResult>> LogStore::AppendValidated(
    std::span<const Statement> statements, std::span<const std::string> ids,
    const AppendOptions& options) {
  if (options_.read_only) return ReadOnlyError();
  if (ids.size() != statements.size())
    return absl::InvalidArgumentError("AppendValidated: one id per statement");
  absl::StatusOr<std::vector<AppendResult>> results;
  {
    absl::MutexLock lock(&append_mu_);
    results = CommitLocked({}, statements, ids, options);
  }
  NotifyHeadMoved();
  return results;
}

absl::StatusOr<std::vector<AppendResult>> LogStore::CommitLocked(
    std::span<Event> events, std::span<const Statement> statements,
    std::span<const std::string> ids, const AppendOptions& options) {
  const bool plain = !statements.empty();  // statements[i] with ids[i]
  const size_t n = plain ? statements.size() : events.size();
  std::vector<AppendResult> results(n);
  rocksdb::WriteBatch batch;
  std::string value;
  LogState next = state_;
  // recordedAt never decreases along the log, even if the clock steps back,
  // so "as of time T" always names a prefix of the log.
  const int64_t recorded_at = std::max(absl::ToUnixMicros(absl::Now()), next.last_recorded_at);
  absl::flat_hash_map<std::string_view, uint64_t> in_batch;
  in_batch.reserve(n);
  std::vector<AliasRecord> new_aliases;
  // Probe the id index for every id at once: one MultiGet shares the
  // lookup of the memtables and files among all keys.
  std::vector<rocksdb::Slice> keys(n);
  for (size_t i = 0; i < n; ++i)
    keys[i] = plain ? rocksdb::Slice(ids[i]) : rocksdb::Slice(events[i].id);
  std::vector<rocksdb::PinnableSlice> found(n);
  std::vector<rocksdb::Status> probes(n);
  db_->MultiGet(rocksdb::ReadOptions(), ids_, n, keys.data(), found.data(), probes.data());
  Event scratch;  // the envelope of each plain statement, reused
  scratch.kind = EventKind::kStatement;
  for (size_t i = 0; i < n; ++i) {
    Event& e = plain ? scratch : events[i];
    const std::string_view id = plain ? std::string_view(ids[i]) : e.id;
    if (auto it = in_batch.find(id); it != in_batch.end()) {
      results[i] = {it->second, true};
      continue;
    }
    if (probes[i].ok()) {
      auto seq = DecodeSeq(std::string_view(found[i].data(), found[i].size()));
      if (!seq)
        return absl::DataLossError(absl::StrCat("id index entry for '", AV(id), "' is damaged"));
      results[i] = {*seq, true};
      continue;
    }
    if (!probes[i].IsNotFound()) return FromRocks(probes[i], "reading the id index");

    if (plain) scratch.id.assign(id);
    e.seq = next.NextSeq();
    e.recorded_at = recorded_at;
    e.schema_version = kSchemaVersion;
    const Statement& st = plain ? statements[i] : e.statement;
    value.clear();
    EncodeEvent(e, st, &value);
    const std::string key = EncodeSeq(e.seq);
    batch.Put(log_, key, value);
    batch.Put(ids_, id, key);
    next.head = e.seq;
    switch (e.kind) {
      case EventKind::kStatement:
        NoteOccurred(st.occurred_at, next);
        break;
      case EventKind::kCorrection:
        batch.Put(meta_, CorrectionKey(e.target), EncodeAmendRecord(e.seq));
        break;
      case EventKind::kRetraction:
        batch.Put(meta_, RetractionKey(e.target), EncodeAmendRecord(e.seq));
        break;
      case EventKind::kActorAlias:
        batch.Put(meta_, AliasKey(e.seq), EncodeAliasRecord(e.alias, e.canonical));
        new_aliases.push_back(
            {e.seq, NormalizeName(e.alias), NormalizeName(e.canonical), e.canonical});
        break;
      case EventKind::kMention:
        batch.Put(meta_, MentionKey(e.mentioned, e.seq), st.source.outlet);
        break;
    }
    in_batch.emplace(id, e.seq);
    results[i] = {e.seq, false};
  }
  if (next.head == state_.head) return results;  // all duplicates

  next.last_recorded_at = recorded_at;
  batch.Put(meta_, kMetaHead, EncodeSeq(next.head));
  batch.Put(meta_, kMetaRecordedAt, EncodeU64(static_cast<uint64_t>(recorded_at)));
  if (next.occurred_min != state_.occurred_min)
    batch.Put(meta_, kMetaOccurredMin, EncodeTimestamp(next.occurred_min));
  if (next.occurred_max != state_.occurred_max)
    batch.Put(meta_, kMetaOccurredMax, EncodeTimestamp(next.occurred_max));

  const bool sync = ShouldSync(options, batch.GetDataSize());
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return FromRocks(s, "writing to the log");
  unsynced_bytes_ = sync ? 0 : unsynced_bytes_ + batch.GetDataSize();
  Publish(next, std::move(new_aliases));
  return results;
}

bool LogStore::ShouldSync(const AppendOptions& options, size_t batch_bytes) const {
  switch (options.durability) {
    case AppendOptions::Durability::kSync:
      return true;
    case AppendOptions::Durability::kBulk:
      break;
    case AppendOptions::Durability::kDefault:
      if (options_.sync_appends) return true;
      break;
  }
  return unsynced_bytes_ + batch_bytes >= options_.bulk_sync_bytes;
}

void LogStore::Publish(const LogState& next, std::vector<AliasRecord> new_aliases) {
  state_ = next;
  if (!new_aliases.empty()) {
    absl::MutexLock lock(&aliases_mu_);
    for (auto& a : new_aliases) {
      alias_links_[a.alias] = a.canonical;
      aliases_.push_back(std::move(a));
    }
  }
  {
    absl::MutexLock lock(&head_mu_);  // wakes WaitForHead
    last_append_ns_.store(absl::ToUnixNanos(absl::Now()), std::memory_order_release);
    head_.store(next.head, std::memory_order_release);
  }
}

void LogStore::NotifyHeadMoved() {
  if (listener_ != nullptr) listener_->OnHeadMoved();
}

absl::Status LogStore::Sync() {
  if (options_.read_only) return absl::OkStatus();
  absl::MutexLock lock(&append_mu_);
  // A write failed (a full disk): RocksDB aborts on syncing that file.
  if (write_errors_->failed()) return write_errors_->error();
  rocksdb::Status s = db_->SyncWAL();
  if (!s.ok()) return FromRocks(s, "syncing the log");
  unsynced_bytes_ = 0;
  return absl::OkStatus();
}

}  // namespace annals::internal
