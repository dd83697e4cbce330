// The read side: timeline pages and group counts, answered from a grouped
// timeline projection's entries (projection/entry_keys.h) and the log's
// events, with aliases resolved as of the query point. Depends on the log
// store (EventLog, ProjectionStorage) and the projection machinery
// (ProjectionCatalog) through their interfaces only. Thread-safe.
#ifndef ANNALS_ENGINE_SRC_TIMELINE_READER_H_
#define ANNALS_ENGINE_SRC_TIMELINE_READER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "annals/declarative.h"
#include "annals/timeline.h"
#include "log/event_log.h"
#include "log/projection_storage.h"
#include "projection/catalog.h"
#include "timeline/stored_page.h"

namespace annals::internal {

class AliasView;
class RowEvents;
struct Hit;

class TimelineReader {
 public:
  // All three must outlive the reader.
  TimelineReader(const EventLog& log, const ProjectionStorage& storage,
                 const ProjectionCatalog& catalog)
      : log_(log), storage_(storage), catalog_(catalog) {}

  // Engine::Timeline and Engine::Counts, with their contracts
  // (timeline/query.cc, timeline/counts.cc).
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& q) const;
  absl::StatusOr<std::vector<GroupCount>> Counts(const CountsQuery& q) const;
  // Timeline's page with each event in its stored form: the bytes an entry
  // carries, passed on unchecked but for their checksum and seq, when the
  // row shows that event unchanged; encoded again otherwise (a corrected
  // row, a renamed actor, a layout-2 entry). Timeline's contract.
  absl::StatusOr<StoredPage> StoredTimeline(const TimelineQuery& q) const;
  // Whether a statement version is filed under the group `key` of timeline
  // projection `name` (its layout as now; the test holds it). kNotFound:
  // no such projection; kInvalidArgument: not a timeline, or `key` does
  // not fit it (timeline/group_test.cc).
  absl::StatusOr<std::function<bool(const Statement&)>> GroupTest(
      const std::string& name, const std::vector<std::string>& key) const;

 private:
  // The answering generation of `name` as of a snapshot, and the point the
  // answer is as of: min(target, the generation's checkpoint).
  struct View {
    std::optional<StoreSnapshot> snapshot;
    uint32_t gen = 0;
    uint32_t version = 0;     // the layout version the generation was built by
    uint64_t as_of = 0;
    uint64_t checkpoint = 0;  // what the generation had applied
  };
  // kUnavailable when `as_of` (given) is beyond the checkpoint and `wait`.
  absl::StatusOr<View> OpenView(const std::string& name, std::optional<uint64_t> as_of,
                                bool wait, uint64_t target) const;
  // Checks and waits shared by Timeline and Counts: the projection, the
  // as-of point against the head, then the view.
  absl::StatusOr<View> Prepare(const std::string& name, std::optional<uint64_t> as_of,
                               bool wait, TimelineHandle* handle) const;

  // What a page's rows share: the point, the kind of timeline, the aliases,
  // and how many rows there are.
  struct RowContext {
    uint64_t as_of;
    bool actors;
    const AliasView& aliases;
    size_t rows;
  };
  // The ends of a page: its point and its next cursor.
  struct PageEnds {
    uint64_t as_of = 0;
    std::string next_cursor;
  };
  using RowFn = absl::FunctionRef<absl::Status(const Hit&, RowEvents&, const RowContext&)>;
  // Finds the rows of page `q` and gives each to `row`, in page order.
  absl::StatusOr<PageEnds> WalkRows(const TimelineQuery& q, RowFn row) const;

  const EventLog& log_;
  const ProjectionStorage& storage_;
  const ProjectionCatalog& catalog_;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_TIMELINE_READER_H_
