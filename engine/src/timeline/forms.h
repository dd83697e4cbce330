// Written forms and counts as of a point before a projection's checkpoint
// ('n', 'f' and 'x' of projection/entry_keys.h), from whichever end of the
// log is nearer the point: the stored counts less the tail after it (the
// log's events after the point add versions, the closures after it close
// them), or, for a point in the first half, the same sums over the log's
// start up to the point. The cost follows the shorter part of the log,
// never the projection's size.
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
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  // The counts as of `as_of` in the generation under `data_prefix`, whose
  // layout keeps forms, checkpoint `checkpoint` (as_of < checkpoint).
  static absl::StatusOr<TailDelta> Load(const EventLog& log, const ProjectionStorage& storage,
                                        const StoreSnapshot& snap, std::string_view data_prefix,
                                        const TimelineLayout& layout, uint64_t as_of,
                                        uint64_t checkpoint);

  // Whether the counts below are the whole answer (summed from the log's
  // start), not changes to the stored counts.
  bool absolute() const { return absolute_; }
  // Per group + form (FormKey without its tag): the count as of the point,
  // less the stored count unless absolute().
  const absl::flat_hash_map<std::string, int64_t>& forms() const { return forms_; }
  // Per group: the same, summed over its forms.
  const absl::flat_hash_map<std::string, int64_t>& groups() const { return groups_; }
  // One group's forms' counts (as forms()), by form.
  std::map<std::string, int64_t> FormsOf(const std::string& group) const;

 private:
  // Adds `sign` for each form of the versions added by the log's events in
  // [from, to] and -sign for each closed by one of them.
  absl::Status Sum(const EventLog& log, const ProjectionStorage& storage,
                   const StoreSnapshot& snap, std::string_view data_prefix,
                   const TimelineLayout& layout, uint64_t from, uint64_t to, int sign);

  bool absolute_ = false;
  absl::flat_hash_map<std::string, int64_t> forms_;
  absl::flat_hash_map<std::string, int64_t> groups_;
  // Per group: its forms (for FormsOf).
  absl::flat_hash_map<std::string, std::vector<std::string>> by_group_;
};

// The form `group` shows as of the point (the rule above), read with `it`
// over the generation's data; nullopt when no current statement wrote it.
absl::StatusOr<std::optional<std::string>> ShownForm(rocksdb::Iterator& it,
                                                     std::string_view data_prefix,
                                                     const std::string& group,
                                                     const TailDelta& delta);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_TIMELINE_FORMS_H_
