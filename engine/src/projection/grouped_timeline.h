// A projection that files each statement under one or more groups (an
// actor, a topic, a declarative key) as a versioned timeline entry, so any
// as-of point can be answered (see entry_keys.h). The built-in "actors" and
// "topics" projections and every declarative projection are instances.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_GROUPED_TIMELINE_H_
#define ANNALS_ENGINE_SRC_PROJECTION_GROUPED_TIMELINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/projection.h"
#include "annals/timeline.h"
#include "projection/entry_keys.h"
#include "projection/timeline_layout.h"

namespace annals::internal {

struct Membership {
  std::vector<std::string> key;      // normalised values: the group
  std::vector<std::string> display;  // the same values as written
  uint8_t role = 0;                  // actors: Role bits; others 0
};

class GroupedTimeline : public Projection, public TimelineLayout {
 public:
  // Lists the groups a statement belongs to (may be none).
  using GroupFn = std::function<void(const Statement&, std::vector<Membership>*)>;

  // `actor_keys`: TimelineLayout::actor_keys (default: {actors}).
  // `forms_since`: the first version that kept written forms (HasForms).
  GroupedTimeline(std::string name, uint32_t version, uint32_t forms_since, bool actors,
                  GroupFn groups, std::vector<bool> actor_keys = {})
      : name_(std::move(name)), version_(version), forms_since_(forms_since), actors_(actors),
        groups_(std::move(groups)),
        actor_keys_(actor_keys.empty() ? std::vector<bool>{actors} : std::move(actor_keys)) {}

  std::string name() const override { return name_; }
  uint32_t version() const override { return version_; }
  absl::Status Apply(const Event& event, ProjectionWriter& out) const override;

  // --- TimelineLayout ---
  bool actors() const override { return actors_; }
  std::vector<bool> actor_keys() const override { return actor_keys_; }
  absl::StatusOr<std::string> QueryGroup(const std::vector<std::string>& key) const override;
  // Timelines read only the grouping fields of an event: workers skip
  // decoding content and attributes.
  DecodeDepth decode_depth() const override { return DecodeDepth::kGrouping; }
  std::vector<GroupForm> Forms(const Statement& s) const override;
  bool HasForms(uint32_t version) const override { return version >= forms_since_; }
  // Entries carry `stored` (the event as logged): see entry_keys.h. Apply
  // (with no stored bytes) writes entries that readers complete from the log.
  absl::Status ApplyStored(const Event& event, std::string_view stored,
                           ProjectionWriter& out) const override;

 private:
  struct Group {
    uint8_t role = 0;                  // Role bits, merged over memberships
    std::vector<std::string> display;  // as written
  };
  // A statement version's groups: (encoded group, group), sorted, each once.
  std::vector<std::pair<std::string, Group>> Groups(const Statement& s) const;
  absl::Status AddVersion(uint64_t stmt, uint64_t from, const Statement& s,
                          std::string_view stored, ProjectionWriter& out) const;
  absl::Status CloseVersion(uint64_t stmt, uint64_t at, uint8_t end,
                            ProjectionWriter& out) const;

  const std::string name_;
  const uint32_t version_;
  const uint32_t forms_since_;
  const bool actors_;
  const GroupFn groups_;
  const std::vector<bool> actor_keys_;
};

// The built-ins: "actors" (speaker and targets, with roles) and "topics".
std::shared_ptr<const GroupedTimeline> NewActorTimeline();
std::shared_ptr<const GroupedTimeline> NewTopicTimeline();

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_GROUPED_TIMELINE_H_
