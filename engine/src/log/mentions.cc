// Mentions (annals/mention.h): appended as events of their own kind, each
// with an "m/" record (log/records.h: its outlet, keyed by the mentioned
// event's id and its seq) in the same batch, which MentionsOf reads.
#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "log/log_store.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "model/error_kinds.h"

namespace annals::internal {

absl::StatusOr<std::vector<AppendResult>> LogStore::AppendMentions(
    std::span<const Mention> mentions, const AppendOptions& options) {
  if (options_.read_only)
    return absl::FailedPreconditionError("the store was opened read-only");
  std::vector<Event> events(mentions.size());
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    if (absl::Status st = ValidateMention(m); !st.ok())
      return BadStatementError(
          WithMessage(st, absl::StrCat("mentions[", i, "]: ", st.message())), i,
          /*prefix=*/false);
    Event& e = events[i];
    e.kind = EventKind::kMention;
    e.id = MentionId(m);
    e.mentioned = m.event_id;
    e.statement.source = m.source;
    e.statement.attributes = m.attributes;
  }
  if (events.empty()) return std::vector<AppendResult>();
  absl::StatusOr<std::vector<AppendResult>> results;
  {
    absl::MutexLock lock(&append_mu_);
    results = CommitLocked(std::span<Event>(events), {}, {}, options);
  }
  NotifyHeadMoved();
  return results;
}

absl::StatusOr<std::vector<std::vector<MentionRef>>> LogStore::MentionsOf(
    std::span<const std::string> event_ids, uint64_t as_of) const {
  const uint64_t until = as_of == 0 ? Head() : as_of;
  std::vector<std::vector<MentionRef>> out(event_ids.size());
  // One snapshot for every id: the lists agree with one another.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  absl::Cleanup release = [&] { db_->ReleaseSnapshot(snapshot); };
  for (size_t i = 0; i < event_ids.size(); ++i) {
    const std::string& id = event_ids[i];
    // Keys sort by seq after the prefix: stop past `until`.
    const std::string upper = MentionKey(id, until + 1);
    rocksdb::Slice bound(upper);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.iterate_upper_bound = &bound;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
    for (it->Seek(MentionKeyPrefix(id)); it->Valid(); it->Next()) {
      auto parts = DecodeMentionKey(std::string_view(it->key().data(), it->key().size()));
      if (!parts || parts->event_id != id)
        return absl::DataLossError("a mention record in the metadata is damaged");
      out[i].push_back({parts->seq, it->value().ToString()});
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading mentions");
  }
  return out;
}

}  // namespace annals::internal
