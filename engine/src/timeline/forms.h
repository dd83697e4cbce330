// Written forms and counts as of a point before a projection's checkpoint,
// from what it stores at the checkpoint ('n', 'f' and 'x' of
// projection/entry_keys.h) less the tail after the point: the log's events
// after it (versions added since) and the closures after it (versions
// closed since). The cost follows the tail, not the projection's size.
//
// The display rule (for a group not in an alias pair): the group's values
// as most of its current statements wrote them as of the point; a tie goes
// to the form whose values sort first bytewise (so "UNITED STATES" before
// "United States"), whatever the order the forms appeared in.
#ifndef ANNALS_ENGINE_SRC_TIMELINE_FORMS_H_
#define ANNALS_ENGINE_SRC_TIMELINE_FORMS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "log/event_log.h"
#include "log/projection_storage.h"
#include "projection/timeline_layout.h"
#include "rocksdb/iterator.h"

namespace annals::internal {

class TailDelta {
 public:
  // Nothing changed (the point is the checkpoint).
  TailDelta() = default;
  // What changed in the generation under `data_prefix` between `as_of`
  // and `checkpoint` (as_of < checkpoint), whose layout keeps forms.
  static absl::StatusOr<TailDelta> Load(const EventLog& log, const ProjectionStorage& storage,
                                        const StoreSnapshot& snap, std::string_view data_prefix,
                                        const TimelineLayout& layout, uint64_t as_of,
                                        uint64_t checkpoint);

  // Per group, per form: the count as of the point less the stored count.
  using Forms = std::map<std::string, int64_t>;
  const std::map<std::string, Forms>& groups() const { return groups_; }
  // A group's count as of the point less its stored count.
  int64_t GroupDelta(const std::string& group) const;

 private:
  std::map<std::string, Forms> groups_;
};

// The form `group` shows as of the point (the rule above), read with `it`
// over the generation's data; nullopt when no current statement wrote it.
absl::StatusOr<std::optional<std::string>> ShownForm(rocksdb::Iterator& it,
                                                     std::string_view data_prefix,
                                                     const std::string& group,
                                                     const TailDelta& delta);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_TIMELINE_FORMS_H_
