// verify's check of the "m/" mention records (log/records.h) against the
// mentions the log scan found.
#ifndef ANNALS_ENGINE_SRC_VERIFY_MENTION_CHECK_H_
#define ANNALS_ENGINE_SRC_VERIFY_MENTION_CHECK_H_

#include <cstdint>
#include <map>
#include <set>
#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/iterator.h"
#include "verify/problems.h"

namespace annals::internal {

// The hash a mention's event id is remembered by, during the scan.
uint64_t MentionedHash(std::string_view event_id);

// `it`: an iterator over the metadata family. `expected`: mention seq ->
// MentionedHash of its event id, from the log. Records written by a
// `damaged` event are not judged. kDataLoss if the scan meets damage.
absl::Status CheckMentionRecords(rocksdb::Iterator& it,
                                 const std::map<uint64_t, uint64_t>& expected,
                                 const std::set<uint64_t>& damaged, ProblemSink& sink);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_VERIFY_MENTION_CHECK_H_
