// The arguments the Store's timeline-shaped calls share (Store.timeline,
// series_columns, claims_columns, ...): the query they name, checked as
// the CLI checks its flags, and running engine calls without the GIL.
#ifndef ANNALS_PYTHON_SRC_TIMELINE_ARGS_H_
#define ANNALS_PYTHON_SRC_TIMELINE_ARGS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/engine.h"
#include "annals/timeline.h"
#include "convert.h"

namespace annals::python {

// Runs `f` with the GIL released (engine calls block on RocksDB and waits;
// other Python threads go on meanwhile) and returns what it returns.
template <typename F>
auto WithoutGil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

// `as_of` (a seq's digits or an ISO time) as a seq.
inline uint64_t AsOfArg(const Engine& e, const std::string& as_of) {
  absl::StatusOr<uint64_t> seq = WithoutGil([&] { return ResolveAsOf(e, as_of); });
  if (absl::IsInvalidArgument(seq.status()))
    throw StatusError{absl::InvalidArgumentError(
        absl::StrCat("as_of: ", std::string(seq.status().message())))};
  return Take(std::move(seq));
}

// What names a timeline: `kind` "actor" or "topic"; `projection` and `key`
// for a declarative projection's group; `role` "speaker", "target" or
// "any"; `start`, `end` and `as_of` "" for none.
struct TimelineArgs {
  const std::string& kind;
  const std::string& name;
  const std::string& projection;
  const std::vector<std::string>& key;
  const std::string& role;
  const std::string& start;
  const std::string& end;
  const std::string& as_of;
};

// The query `a` names, with TimelineQuery::wait = `wait`.
inline TimelineQuery TimelineQueryOf(const Engine& e, bool wait, const TimelineArgs& a) {
  TimelineQuery q;
  q.kind = a.kind == "topic" ? TimelineKind::kTopic : TimelineKind::kActor;
  q.name = a.name;
  q.projection = a.projection;
  q.key = a.key;
  if (a.role == "speaker") q.role = Role::kSpeaker;
  else if (a.role == "target") q.role = Role::kTarget;
  else if (a.role == "any") q.role = Role::kAny;
  else
    throw StatusError{absl::InvalidArgumentError(
        absl::StrCat("role: expected \"speaker\", \"target\" or \"any\", not '", a.role, "'"))};
  if (!a.start.empty()) q.from = ParseArg("start", a.start);
  if (!a.end.empty()) q.to = ParseArg("end", a.end);
  Check(CheckRange(q.from, q.to));
  if (!a.as_of.empty()) q.as_of = AsOfArg(e, a.as_of);
  q.wait = wait;
  return q;
}

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_TIMELINE_ARGS_H_
