// Mentions (annals/mention.h): appended as events of their own kind, each
// with an "m/" record (log/records.h) in the same batch, which MentionsOf
// reads by the mentioned event's id.
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

absl::StatusOr<std::vector<uint64_t>> LogStore::MentionsOf(std::string_view event_id,
                                                           uint64_t as_of) const {
  const uint64_t until = as_of == 0 ? Head() : as_of;
  const std::string prefix = MentionKeyPrefix(event_id);
  // Keys sort by seq after the prefix: stop past `until`.
  const std::string upper = MentionKey(event_id, until + 1 == 0 ? until : until + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice bound(upper);
  ro.iterate_upper_bound = &bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
  std::vector<uint64_t> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto parts = DecodeMentionKey(std::string_view(it->key().data(), it->key().size()));
    if (!parts || parts->event_id != event_id)
      return absl::DataLossError("a mention record in the metadata is damaged");
    if (parts->seq <= until) out.push_back(parts->seq);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading mentions");
  return out;
}

}  // namespace annals::internal
