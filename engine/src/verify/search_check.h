// verify's check of the full-text search indexes (search/search_index.h)
// against a replay of the log.
#ifndef ANNALS_ENGINE_SRC_VERIFY_SEARCH_CHECK_H_
#define ANNALS_ENGINE_SRC_VERIFY_SEARCH_CHECK_H_

#include <cstdint>
#include <string>

#include "log/raw_store.h"
#include "verify/problems.h"

namespace annals::internal {

struct SearchCheck {
  const RawStore* store = nullptr;
  std::string root;       // STORE/search: one index per language below it
  uint64_t log_end = 0;   // the last seq both the log and its head marker hold
  bool log_damaged = false;
};

// For each index under `root`: one that search would use as it is (ours,
// this layout, of this log up to its checkpoint) must hold exactly the
// documents a replay of the log up to its checkpoint makes (terms with
// their frequencies, values, data; the terms' positions in one document
// of eight) and the id of every event it applied;
// each difference is a kSearchMismatch. Indexes search would rebuild (of
// another log or layout) and indexes ahead of the log are noted, not
// compared. Appends "search:LANG" to projections_checked for each one
// compared. An index Xapian finds damaged is a kSearchMismatch; one that
// cannot be read for another reason (or a log scan that fails) is a note.
void CheckSearchIndexes(const SearchCheck& check, ProblemSink& sink);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_VERIFY_SEARCH_CHECK_H_
