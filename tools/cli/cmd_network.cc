// annals network: the speaker -> target network of the current view
// (annals/network.h) as GraphML, GEXF 1.3 or CSV, for Gephi, networkx and
// igraph.
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/export.h"
#include "annals/network.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/time_args.h"

namespace annals::cli {
namespace {

struct NetworkFlags {
  std::string actor;
  int depth = 1;
  std::string from, to, as_of;
  std::vector<std::string> where, where_not;
  std::string format = "graphml";
  bool spreadsheet_safe = false;
};

// The shortest text that reads back as `v` ("-5.8", not "-5.7999999999999998").
std::string Number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v == 0 ? 0.0 : v);
  return std::string(buf, r.ptr);
}

// "" when no statement of the edge has a score.
std::string Mean(const NetworkEdge& e) {
  return e.scored == 0 ? "" : Number(e.goldstein_sum / static_cast<double>(e.scored));
}

// `v` (valid UTF-8, as statements are) as XML 1.0 text or attribute value:
// markup escaped, tabs and line ends as character references (attribute
// values keep them), what XML 1.0 does not allow (other control
// characters, the noncharacters U+FFFE and U+FFFF) as U+FFFD.
std::string Xml(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (v.substr(i, 3) == "\xEF\xBF\xBE" || v.substr(i, 3) == "\xEF\xBF\xBF") {
      out += "\xEF\xBF\xBD";
      i += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

const char* const kQuads[] = {"quad1", "quad2", "quad3", "quad4"};

std::vector<std::string> GraphMl(const Network& n) {
  std::vector<std::string> out = {
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
      "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
      "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"long\"/>\n"
      "  <key id=\"count\" for=\"edge\" attr.name=\"count\" attr.type=\"long\"/>\n"};
  for (const char* q : kQuads)
    out.push_back(absl::StrCat("  <key id=\"", q, "\" for=\"edge\" attr.name=\"", q,
                               "\" attr.type=\"long\"/>\n"));
  out.push_back(
      "  <key id=\"goldstein_mean\" for=\"edge\" attr.name=\"goldstein_mean\" "
      "attr.type=\"double\"/>\n"
      "  <graph id=\"annals\" edgedefault=\"directed\">\n");
  for (const NetworkNode& v : n.nodes)
    out.push_back(absl::StrCat("    <node id=\"", Xml(v.id), "\"><data key=\"label\">",
                               Xml(v.label), "</data></node>\n"));
  for (size_t i = 0; i < n.edges.size(); ++i) {
    const NetworkEdge& e = n.edges[i];
    std::string line = absl::StrCat("    <edge id=\"e", i, "\" source=\"", Xml(e.source),
                                    "\" target=\"", Xml(e.target), "\"><data key=\"weight\">",
                                    e.count, "</data><data key=\"count\">", e.count, "</data>");
    for (size_t q = 0; q < 4; ++q)
      absl::StrAppend(&line, "<data key=\"", kQuads[q], "\">", e.quad[q], "</data>");
    if (e.scored > 0)
      absl::StrAppend(&line, "<data key=\"goldstein_mean\">", Mean(e), "</data>");
    out.push_back(line + "</edge>\n");
  }
  out.push_back("  </graph>\n</graphml>\n");
  return out;
}

std::vector<std::string> Gexf(const Network& n) {
  std::vector<std::string> out = {
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://gexf.net/1.3\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
      "version=\"1.3\">\n"
      "  <meta><creator>annals</creator></meta>\n"
      "  <graph mode=\"static\" defaultedgetype=\"directed\">\n"
      "    <attributes class=\"edge\">\n"
      "      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"};
  for (const char* q : kQuads)
    out.push_back(absl::StrCat("      <attribute id=\"", q, "\" title=\"", q,
                               "\" type=\"long\"/>\n"));
  out.push_back(
      "      <attribute id=\"goldstein_mean\" title=\"goldstein_mean\" type=\"double\"/>\n"
      "    </attributes>\n    <nodes>\n");
  for (const NetworkNode& v : n.nodes)
    out.push_back(
        absl::StrCat("      <node id=\"", Xml(v.id), "\" label=\"", Xml(v.label), "\"/>\n"));
  out.push_back("    </nodes>\n    <edges>\n");
  for (size_t i = 0; i < n.edges.size(); ++i) {
    const NetworkEdge& e = n.edges[i];
    std::string line = absl::StrCat(
        "      <edge id=\"", i, "\" source=\"", Xml(e.source), "\" target=\"", Xml(e.target),
        "\" weight=\"", e.count, "\"><attvalues><attvalue for=\"count\" value=\"", e.count,
        "\"/>");
    for (size_t q = 0; q < 4; ++q)
      absl::StrAppend(&line, "<attvalue for=\"", kQuads[q], "\" value=\"", e.quad[q], "\"/>");
    if (e.scored > 0)
      absl::StrAppend(&line, "<attvalue for=\"goldstein_mean\" value=\"", Mean(e), "\"/>");
    out.push_back(line + "</attvalues></edge>\n");
  }
  out.push_back("    </edges>\n  </graph>\n</gexf>\n");
  return out;
}

// Edges by the nodes' labels (Gephi's edge-list import reads Source and
// Target as node names).
std::vector<std::string> Csv(const Network& n, CsvCell how) {
  std::vector<std::string> out = {
      "source,target,count,quad1,quad2,quad3,quad4,goldstein_mean\r\n"};
  std::map<std::string, const std::string*> labels;
  for (const NetworkNode& v : n.nodes) labels[v.id] = &v.label;
  for (const NetworkEdge& e : n.edges) {
    std::string line;
    AppendCsvField(*labels[e.source], &line, how);
    line += ',';
    AppendCsvField(*labels[e.target], &line, how);
    absl::StrAppend(&line, ",", e.count);
    for (uint64_t q : e.quad) absl::StrAppend(&line, ",", q);
    out.push_back(absl::StrCat(line, ",", Mean(e), "\r\n"));
  }
  return out;
}

int Run(const GlobalFlags& g, const NetworkFlags& f) {
  NetworkQuery q;
  q.actor = f.actor;
  q.depth = f.depth;
  q.where = f.where;
  for (const std::string& w : f.where_not) q.where.push_back("!" + w);  // negated
  if (absl::Status st = ParseDateRange(f.from, f.to, &q.from, &q.to); !st.ok())
    return Fail("network", st);
  auto engine = OpenForRead(g);
  if (!engine.ok()) return Fail("", engine.status());
  if (!f.as_of.empty()) {
    auto seq = ResolveAsOf(**engine, f.as_of);
    if (!seq.ok()) return Fail("--as-of", seq.status());
    q.as_of = *seq;
  }
  auto network = ComputeNetwork(**engine, q);
  if (!network.ok()) return Fail("network", network.status());
  const std::vector<std::string> text =
      f.format == "gexf" ? Gexf(*network)
      : f.format == "csv"
          ? Csv(*network, CellRule(f.spreadsheet_safe))
          : GraphMl(*network);
  for (const std::string& line : text) {
    std::fputs(line.c_str(), stdout);
    if (OutputFailed()) return kExitStorage;  // main says why
  }
  return FlushOutput() ? kExitOk : kExitStorage;
}

}  // namespace

Runner AddNetwork(CLI::App& app, const GlobalFlags& g) {
  auto f = std::make_shared<NetworkFlags>();
  CLI::App* cmd = app.add_subcommand(
      "network",
      "The speaker -> target network of the current view (corrections applied, "
      "retractions left out, aliases merged, as of --as-of): one directed edge per "
      "dyad with its statement count (weight), statements per CAMEO quad class and "
      "mean Goldstein score; self-loops left out. GraphML and GEXF open in Gephi, "
      "networkx and igraph as they are; CSV is an edge list by name.");
  cmd->add_option("--actor", f->actor,
                  "only the ego network of this actor (aliases apply): its edges, and at "
                  "--depth 2 its neighbours' too");
  cmd->add_option("--depth", f->depth, "with --actor: 1 or 2")
      ->check(CLI::IsMember({1, 2}))
      ->capture_default_str();
  cmd->add_option("--from", f->from, "only statements that occurred at or after DATE");
  cmd->add_option("--to", f->to,
                  "only statements that occurred at or before DATE (the whole period)");
  cmd->add_option("--as-of", f->as_of, "answer as the log stood at SEQ or TIME");
  cmd->add_option("--where", f->where,
                  "only statements that pass FIELD=VALUE (the fields of `projection "
                  "create --where`: code=11, quad=4, 'goldstein<=-5', topic=..., "
                  "attr.NAME=...); repeatable");
  cmd->add_option("--where-not", f->where_not,
                  "leave out statements that match FIELD=VALUE; repeatable");
  cmd->add_option("--format", f->format, "graphml, gexf (1.3) or csv (RFC 4180)")
      ->check(CLI::IsMember({"graphml", "gexf", "csv"}))
      ->capture_default_str();
  AddSpreadsheetSafeFlag(cmd, f->spreadsheet_safe);
  return [f, &g, cmd]() -> int {
    if (cmd->count("--depth") > 0 && f->actor.empty())
      return Fail("--depth", absl::InvalidArgumentError("applies to --actor only"));
    return Run(g, *f);
  };
}

}  // namespace annals::cli
