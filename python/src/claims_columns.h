// Store.claims_columns (db.claims_frame): annals::ComputeClaims
// (annals/claims.h) as frame columns.
#ifndef ANNALS_PYTHON_SRC_CLAIMS_COLUMNS_H_
#define ANNALS_PYTHON_SRC_CLAIMS_COLUMNS_H_

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "annals/claims.h"
#include "convert.h"
#include "store.h"
#include "timeline_args.h"

namespace annals::python {

// `kind` "actor" or "topic"; `role`, `start`, `end`, `as_of` as
// Store.timeline's ("" for none).
inline py::dict ClaimsColumns(Store& store, const std::string& kind, const std::string& name,
                              const std::string& role, const std::string& start,
                              const std::string& end, const std::string& as_of,
                              double similarity, int window_days) {
  const std::shared_ptr<Engine> held = store.engine();  // alive through the call
  ClaimsQuery cq;
  cq.similarity = similarity;
  cq.window_days = window_days;
  const std::string no_projection;
  const std::vector<std::string> no_key;
  cq.timeline = TimelineQueryOf(*held, !store.read_only(),
                                {kind, name, no_projection, no_key, role, start, end, as_of});
  Claims claims = Take(WithoutGil([&] { return ComputeClaims(*held, cq); }));
  py::list first_seq, first_at, last_at, statements, outlets, mentions, seqs, speaker, targets,
      code, content;
  for (const Claim& c : claims.claims) {
    const Statement& s = c.first.event.statement;
    first_seq.append(c.first.event.seq);
    first_at.append(Text(FormatTime(c.first_at)));
    last_at.append(Text(FormatTime(c.last_at)));
    statements.append(c.seqs.size());
    outlets.append(c.outlets);
    mentions.append(c.mentions);
    seqs.append(py::cast(c.seqs));
    speaker.append(Text(s.speaker));
    py::list t;
    for (const std::string& x : s.targets) t.append(Text(x));
    targets.append(t);
    code.append(Text(s.code));
    content.append(Text(s.content.empty() ? s.quote : s.content));
  }
  py::dict d;
  d["first_seq"] = first_seq;
  d["first_at"] = first_at;
  d["last_at"] = last_at;
  d["statements"] = statements;
  d["outlets"] = outlets;
  d["mentions"] = mentions;
  d["seqs"] = seqs;
  d["speaker"] = speaker;
  d["targets"] = targets;
  d["code"] = code;
  d["content"] = content;
  d["as_of"] = claims.as_of;
  return d;
}

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_CLAIMS_COLUMNS_H_
