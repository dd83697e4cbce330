#include "serve/http_statements.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "annals/json.h"
#include "serve/http_json.h"

namespace annals::internal {

StatementLines ParseStatementLines(std::string_view body) {
  StatementLines out;
  uint64_t line_no = 0;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    ++out.read;
    auto s = ParseStatementJson(line);
    absl::Status valid = s.ok() ? Validate(*s) : s.status();
    if (!valid.ok()) {
      out.rejects.push_back({line_no, std::move(valid)});
      continue;
    }
    out.statements.push_back(*std::move(s));
    out.lines.push_back(line_no);
  }
  return out;
}

std::string StatementsReplyJson(const StatementLines& parsed,
                                const std::vector<AppendResult>& results) {
  uint64_t stored = 0, duplicates = 0;
  for (const AppendResult& r : results) (r.duplicate ? duplicates : stored)++;
  std::string out = absl::StrCat("{\"read\":", parsed.read, ",\"stored\":", stored,
                                 ",\"duplicates\":", duplicates,
                                 ",\"rejected\":", parsed.rejects.size(), ",\"results\":[");
  size_t ok = 0, bad = 0;
  bool first = true;
  while (ok < results.size() || bad < parsed.rejects.size()) {  // merged by line
    if (!first) out.push_back(',');
    first = false;
    if (bad == parsed.rejects.size() ||
        (ok < results.size() && parsed.lines[ok] < parsed.rejects[bad].line)) {
      absl::StrAppend(&out, "{\"line\":", parsed.lines[ok], ",\"seq\":", results[ok].seq,
                      ",\"duplicate\":", results[ok].duplicate ? "true" : "false", "}");
      ++ok;
    } else {
      std::string error = ErrorReply(parsed.rejects[bad].why).body;
      error.pop_back();  // "\n"
      absl::StrAppend(&out, "{\"line\":", parsed.rejects[bad].line, ",\"error\":", error, "}");
      ++bad;
    }
  }
  out += "]}\n";
  return out;
}

}  // namespace annals::internal
