// Store.network_columns (db.network_frames): annals::ComputeNetwork
// (annals/network.h) as columns for two pandas frames, nodes and edges.
#ifndef ANNALS_PYTHON_SRC_NETWORK_COLUMNS_H_
#define ANNALS_PYTHON_SRC_NETWORK_COLUMNS_H_

#include <string>
#include <utility>
#include <vector>

#include "annals/network.h"
#include "convert.h"
#include "store.h"

namespace annals::python {

// `start`, `end`, `as_of` as Store.timeline's ("" for none).
inline py::dict NetworkColumns(Store& store, const std::string& actor, int depth,
                               const std::string& start, const std::string& end,
                               const std::string& as_of, std::vector<std::string> where) {
  const std::shared_ptr<Engine> held = store.engine();  // alive through the call
  NetworkQuery q;
  q.actor = actor;
  q.depth = depth;
  if (!start.empty()) q.from = ParseArg("start", start);
  if (!end.empty()) q.to = ParseArg("end", end);
  Check(CheckRange(q.from, q.to));
  if (!as_of.empty()) q.as_of = AsOfArg(*held, as_of);
  q.where = std::move(where);
  Network n = Take(WithoutGil([&] { return ComputeNetwork(*held, q); }));
  py::list id, label, source, target;
  MeasureColumns measures;
  for (const NetworkNode& node : n.nodes) {
    id.append(Text(node.id));
    label.append(Text(node.label));
  }
  for (const NetworkEdge& e : n.edges) {
    source.append(Text(e.source));
    target.append(Text(e.target));
    measures.Add(e);
  }
  py::dict d;
  d["id"] = id;
  d["label"] = label;
  d["source"] = source;
  d["target"] = target;
  measures.Into(d);
  d["as_of"] = n.as_of;
  d["statements"] = n.statements;
  return d;
}

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_NETWORK_COLUMNS_H_
