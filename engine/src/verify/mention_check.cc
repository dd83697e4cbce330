#include "verify/mention_check.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "log/records.h"
#include "log/rocks_status.h"
#include "xxhash.h"

namespace annals::internal {

uint64_t MentionRecordHash(std::string_view event_id, std::string_view outlet) {
  XXH64_state_t* state = XXH64_createState();
  XXH64_reset(state, 0x6d);
  XXH64_update(state, event_id.data(), event_id.size());
  XXH64_update(state, "\0", 1);  // ids never hold NUL
  XXH64_update(state, outlet.data(), outlet.size());
  const uint64_t h = XXH64_digest(state);
  XXH64_freeState(state);
  return h;
}

absl::Status CheckMentionRecords(rocksdb::Iterator& it,
                                 const std::vector<std::pair<uint64_t, uint64_t>>& expected,
                                 const std::set<uint64_t>& damaged, ProblemSink& sink) {
  std::vector<bool> seen(expected.size());
  const std::string prefix = kMetaMention;
  for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
    auto parts = DecodeMentionKey(std::string_view(it.key().data(), it.key().size()));
    if (!parts) {
      sink.Add(ProblemKind::kAmendRecord, 0, "mention", "a mention record has a malformed key");
      continue;
    }
    if (damaged.count(parts->seq)) continue;  // reported with the event
    auto want = std::lower_bound(expected.begin(), expected.end(),
                                 std::pair<uint64_t, uint64_t>{parts->seq, 0});
    const std::string_view outlet(it.value().data(), it.value().size());
    if (want == expected.end() || want->first != parts->seq)
      sink.Add(ProblemKind::kAmendRecord, parts->seq, "mention",
               absl::StrCat("a mention record for seq ", parts->seq,
                            " has no mention in the log"));
    else if (want->second != MentionRecordHash(parts->event_id, outlet))
      sink.Add(ProblemKind::kAmendRecord, parts->seq, "mention",
               absl::StrCat("the mention record for seq ", parts->seq,
                            " disagrees with the log (its event or outlet)"));
    else
      seen[want - expected.begin()] = true;
  }
  if (!it.status().ok()) return FromRocks(it.status(), "scanning metadata");
  for (size_t i = 0; i < expected.size(); ++i)
    if (!seen[i])
      sink.Add(ProblemKind::kAmendRecord, expected[i].first, "mention",
               absl::StrCat("the mention record for seq ", expected[i].first, " is missing"));
  return absl::OkStatus();
}

}  // namespace annals::internal
