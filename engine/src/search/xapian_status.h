// The one seam between Xapian, which throws, and the engine's Status: every
// Xapian call of search/ runs inside XapianCall.
#ifndef ANNALS_ENGINE_SRC_SEARCH_XAPIAN_STATUS_H_
#define ANNALS_ENGINE_SRC_SEARCH_XAPIAN_STATUS_H_

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace annals::internal {

// Xapian's exception (or any std::exception) as a Status saying `what` was
// being done: a query Xapian cannot parse or an unknown stemmer is
// kInvalidArgument, a damaged index kDataLoss, an index another process
// changed twice while this one read it kAborted (read it again), an
// index whose write lock another writer holds (when not waiting)
// kUnavailable, an index that cannot be opened or written
// kFailedPrecondition, anything else kInternal.
absl::Status CurrentXapianError(std::string_view what);

// Runs `f` (returning absl::Status or absl::StatusOr<T>), turning a thrown
// Xapian error into its Status.
template <typename F>
auto XapianCall(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return std::forward<F>(f)();
  } catch (...) {
    return CurrentXapianError(what);
  }
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_SEARCH_XAPIAN_STATUS_H_
