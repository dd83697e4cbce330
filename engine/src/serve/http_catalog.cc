#include "serve/http_catalog.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "annals/declarative.h"
#include "annals/json.h"
#include "annals/projection.h"
#include "model/error_kinds.h"

namespace annals::internal {
namespace {

void AppendJsonOrNull(const std::string& s, std::string* out) {
  if (s.empty()) out->append("null");
  else AppendJsonString(s, out);
}

std::string InfoJson(const ProjectionInfo& i) {
  std::string out = "{\"name\":";
  AppendJsonString(i.name, &out);
  absl::StrAppend(&out, ",\"version\":", i.version, ",\"state\":\"",
                  ProjectionStateName(i.state), "\",\"checkpoint\":", i.checkpoint,
                  ",\"head\":", i.head, ",\"lag\":", i.lag,
                  ",\"rebuild_checkpoint\":", i.rebuild_checkpoint,
                  ",\"failed_seq\":", i.failed_seq, ",\"error\":");
  AppendJsonOrNull(i.error, &out);
  out += ",\"definition\":";
  AppendJsonOrNull(i.definition, &out);
  out += "}";
  return out;
}

}  // namespace

absl::Status AsOfParam(const Engine& engine, const std::string& as_of,
                       std::optional<uint64_t>* out) {
  if (as_of.empty()) return absl::OkStatus();
  auto seq = ResolveAsOf(engine, as_of);
  if (!seq.ok()) return WithMessage(seq.status(), absl::StrCat("as_of: ", seq.status().message()));
  *out = *seq;
  return absl::OkStatus();
}

absl::StatusOr<std::string> CountsBody(Engine& engine, CountsQuery q, const std::string& as_of,
                                       bool named) {
  if (absl::Status st = AsOfParam(engine, as_of, &q.as_of); !st.ok()) return st;
  auto counts = engine.Counts(q);
  if (!counts.ok()) return counts.status();
  std::string out = "{\"counts\":[";
  for (size_t n = 0; n < counts->size(); ++n) {
    if (n) out.push_back(',');
    out += GroupCountToJson((*counts)[n], named);
  }
  out += "]";
  if (q.as_of.has_value()) absl::StrAppend(&out, ",\"as_of\":", *q.as_of);
  out += "}\n";
  return out;
}

absl::StatusOr<std::string> SearchBody(const absl::StatusOr<SearchResult>& result) {
  if (!result.ok()) return result.status();
  std::string out = "{\"hits\":[";
  for (size_t i = 0; i < result->hits.size(); ++i) {
    if (i) out.push_back(',');
    out += SearchHitToJson(result->hits[i], i + 1);
  }
  absl::StrAppend(&out, "],\"as_of\":", result->as_of,
                  ",\"estimated_matches\":", result->estimated_matches, "}\n");
  return out;
}

std::string ProjectionsBody(const Engine& engine) {
  std::string out = "{\"projections\":[";
  bool first = true;
  for (const ProjectionInfo& i : engine.Projections()) {
    if (!first) out.push_back(',');
    first = false;
    out += InfoJson(i);
  }
  out += "]}\n";
  return out;
}

}  // namespace annals::internal
