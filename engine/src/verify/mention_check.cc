#include "verify/mention_check.h"

#include "absl/strings/str_cat.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "xxhash.h"

namespace annals::internal {

uint64_t MentionedHash(std::string_view event_id) {
  return XXH64(event_id.data(), event_id.size(), 0x6d);
}

absl::Status CheckMentionRecords(rocksdb::Iterator& it,
                                 const std::map<uint64_t, uint64_t>& expected,
                                 const std::set<uint64_t>& damaged, ProblemSink& sink) {
  std::set<uint64_t> seen;
  const std::string prefix = kMetaMention;
  for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
    auto parts = DecodeMentionKey(std::string_view(it.key().data(), it.key().size()));
    if (!parts) {
      sink.Add(ProblemKind::kAmendRecord, 0, "mention", "a mention record has a malformed key");
      continue;
    }
    if (damaged.count(parts->seq)) continue;  // reported with the event
    auto want = expected.find(parts->seq);
    if (want == expected.end())
      sink.Add(ProblemKind::kAmendRecord, parts->seq, "mention",
               absl::StrCat("a mention record for seq ", parts->seq,
                            " has no mention in the log"));
    else if (want->second != MentionedHash(parts->event_id))
      sink.Add(ProblemKind::kAmendRecord, parts->seq, "mention",
               absl::StrCat("the mention record for seq ", parts->seq,
                            " names another event than the log"));
    else
      seen.insert(parts->seq);
  }
  if (!it.status().ok()) return FromRocks(it.status(), "scanning metadata");
  for (const auto& [seq, hash] : expected)
    if (!seen.count(seq))
      sink.Add(ProblemKind::kAmendRecord, seq, "mention",
               absl::StrCat("the mention record for seq ", seq, " is missing"));
  return absl::OkStatus();
}

}  // namespace annals::internal
