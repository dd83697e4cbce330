// A capability some projections have: their output is a grouped timeline
// (projection/entry_keys.h), which the read side pages through. The
// registry learns it when a projection is registered (the library's own
// grouped timelines say so; a projection from AddProjection is never one),
// so nothing picks behaviour by a projection's concrete type.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_TIMELINE_LAYOUT_H_
#define ANNALS_ENGINE_SRC_PROJECTION_TIMELINE_LAYOUT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/projection.h"
#include "codec/event_codec.h"

namespace annals::internal {

class TimelineLayout {
 public:
  virtual ~TimelineLayout() = default;
  // Whether queries filter by role (the built-in actor timelines).
  virtual bool actors() const = 0;
  // Which values of a group's key name actors, so that queries and counts
  // resolve their aliases: the built-in actors' one value, a declarative
  // projection's speaker, target and actor fields.
  virtual std::vector<bool> actor_keys() const = 0;
  // The encoded group a query for `key` reads (normalised as the
  // projection files statements).
  virtual absl::StatusOr<std::string> QueryGroup(const std::vector<std::string>& key) const = 0;
  // How much of each event the projection reads: its workers decode no
  // more (codec/event_codec.h).
  virtual DecodeDepth decode_depth() const = 0;
  // The groups a statement version is filed under, each with its values
  // as the statement wrote them (encoded as a group): what the 'f' counts
  // of entry_keys.h count.
  virtual std::vector<std::pair<std::string, std::string>> Forms(const Statement& s) const = 0;
  // Whether a generation stored by `version` of this projection keeps the
  // 'f' counts and 'x' closures (earlier ones kept only 'd').
  virtual bool HasForms(uint32_t version) const = 0;
  // Projection::Apply, given also the event's stored value as read from
  // the log: timeline entries carry it, so a page reads no log event.
  virtual absl::Status ApplyStored(const Event& event, std::string_view stored,
                                   ProjectionWriter& out) const = 0;
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_TIMELINE_LAYOUT_H_
