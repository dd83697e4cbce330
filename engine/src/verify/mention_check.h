// verify's check of the "m/" mention records (log/records.h) against the
// mentions the log scan found.
#ifndef ANNALS_ENGINE_SRC_VERIFY_MENTION_CHECK_H_
#define ANNALS_ENGINE_SRC_VERIFY_MENTION_CHECK_H_

#include <cstdint>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "rocksdb/iterator.h"
#include "verify/problems.h"

namespace annals::internal {

// What a mention's record must hold, remembered during the scan by a hash
// of its event id and outlet (16 bytes a mention, with its seq).
uint64_t MentionRecordHash(std::string_view event_id, std::string_view outlet);

// `it`: an iterator over the metadata family. `expected`: (mention seq,
// MentionRecordHash) in seq order, from the log. Records of `damaged`
// events are not judged. kDataLoss if the scan meets damage.
absl::Status CheckMentionRecords(rocksdb::Iterator& it,
                                 const std::vector<std::pair<uint64_t, uint64_t>>& expected,
                                 const std::set<uint64_t>& damaged, ProblemSink& sink);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_VERIFY_MENTION_CHECK_H_
