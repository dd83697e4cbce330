// `annals timeline --follow`: the timeline as it stands, then a row for
// each arriving event that changes it. The follower keeps which statements
// are in the timeline (and in which roles) as the log moves, starting from
// the rows it printed, so each amendment is judged by what its statement
// was just before it:
//   - a statement: a row (active) when it concerns the timeline;
//   - a correction: its new values (corrected) when they concern the
//     timeline; when they no longer do but the statement was in it, a row
//     with status "left" (the new values, the roles it had);
//   - a retraction of a statement in the timeline: the values it had then
//     (its latest correction, or as stated), retracted;
//   - aliases: nothing (they are not applied to what arrives, as in
//     subscriptions).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "annals/names.h"
#include "cli/commands.h"
#include "cli/follow.h"
#include "cli/output.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

// How statement values `s` stand in the timeline `q` names (aliases aside,
// as subscriptions): their roles for an actor, kAny for a topic; 0 when
// they are not in it (the role filter and date range applied).
uint8_t RolesIn(const TimelineQuery& q, const std::string& name, const Statement& s) {
  if (!InDateRange(s.occurred_at, q.from, q.to)) return 0;
  if (q.kind == TimelineKind::kTopic) {
    for (const std::string& t : s.topics)
      if (NormalizedName(t) == name) return static_cast<uint8_t>(Role::kAny);
    return 0;
  }
  uint8_t roles = NormalizedName(s.speaker) == name ? static_cast<uint8_t>(Role::kSpeaker) : 0;
  for (const std::string& t : s.targets)
    if (NormalizedName(t) == name) roles |= static_cast<uint8_t>(Role::kTarget);
  return roles & static_cast<uint8_t>(q.role);
}

class TimelineFollower {
 public:
  TimelineFollower(const TimelineQuery& q, TimelineTail& tail)
      : q_(q), name_(NormalizedName(q.name)), tail_(tail) {}

  absl::Status Print(const Event& e, const Engine& lookups) {
    switch (e.kind) {
      case EventKind::kStatement:
        return OnStatement(e);
      case EventKind::kCorrection:
        return OnCorrection(e, lookups);
      case EventKind::kRetraction:
        return OnRetraction(e, lookups);
      default:
        return absl::OkStatus();  // aliases change no row as they arrive
    }
  }

 private:
  void Emit(TimelineEntry entry, bool left = false) {
    if (left) tail_.writer->WriteLeft(entry);
    else tail_.writer->Write(entry);
    FlushOutput();
  }

  // Where statement `seq` stood just before this event: its roles, 0 when
  // not in the timeline.
  uint8_t Before(uint64_t seq) const {
    auto it = tail_.members.find(seq);
    return it == tail_.members.end() ? 0 : it->second;
  }

  absl::Status OnStatement(const Event& e) {
    const uint8_t roles = RolesIn(q_, name_, e.statement);
    if (roles == 0) return absl::OkStatus();
    tail_.members[e.seq] = roles;
    TimelineEntry entry;
    entry.event = e;
    entry.version_seq = e.seq;
    entry.role = static_cast<Role>(roles);
    Emit(std::move(entry));
    return absl::OkStatus();
  }

  absl::Status OnCorrection(const Event& e, const Engine& lookups) {
    const uint8_t before = Before(e.target);
    const uint8_t after = RolesIn(q_, name_, e.statement);
    if (before == 0 && after == 0) return absl::OkStatus();
    auto target = lookups.Get(e.target);  // its seq, id and recorded_at
    if (!target.ok()) return target.status();
    TimelineEntry entry;
    entry.event = *std::move(target);
    entry.event.statement = e.statement;
    entry.event.statement.id = entry.event.id;
    entry.version_seq = e.seq;
    entry.status = EntryStatus::kCorrected;
    if (after == 0) {
      tail_.members.erase(e.target);
      entry.role = static_cast<Role>(before);
      Emit(std::move(entry), /*left=*/true);
      return absl::OkStatus();
    }
    tail_.members[e.target] = after;
    entry.role = static_cast<Role>(after);
    Emit(std::move(entry));
    return absl::OkStatus();
  }

  // A retracted statement is never corrected again, so its latest
  // correction (as of any later head) is the one it had when retracted.
  absl::Status OnRetraction(const Event& e, const Engine& lookups) {
    const uint8_t before = Before(e.target);
    if (before == 0) return absl::OkStatus();
    tail_.members.erase(e.target);
    auto target = lookups.Get(e.target);
    if (!target.ok()) return target.status();
    auto standing = lookups.Standing(e.target);
    if (!standing.ok()) return standing.status();
    TimelineEntry entry;
    entry.event = *std::move(target);
    entry.version_seq = e.target;
    if (standing->corrected_by != 0) {
      auto correction = lookups.Get(standing->corrected_by);
      if (!correction.ok()) return correction.status();
      entry.event.statement = std::move(correction->statement);
      entry.event.statement.id = entry.event.id;
      entry.version_seq = standing->corrected_by;
    }
    entry.status = EntryStatus::kRetracted;
    entry.role = static_cast<Role>(before);
    Emit(std::move(entry));
    return absl::OkStatus();
  }

  const TimelineQuery q_;
  const std::string name_;
  TimelineTail& tail_;
};

}  // namespace

int FollowTimeline(const GlobalFlags& g, const TimelineFlags& f, TimelineQuery q) {
  const int signal_fd = BlockFollowSignals();  // before anything starts a thread
  TimelineTail tail;
  if (int code = RunTimeline(g, f, q, &tail); code != kExitOk) return code;
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail("timeline", st);
  TimelineFollower follower(q, tail);
  return FollowLog(g, signal_fd, tail.as_of + 1,
                   [&](const Event& e, const Engine& lookups) {
                     return follower.Print(e, lookups);
                   });
}

}  // namespace annals::cli
