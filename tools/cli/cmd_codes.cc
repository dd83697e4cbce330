// annals codes: the CAMEO codebook shipped with annals.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "annals/cameo.h"
#include "annals/json.h"
#include "cli/commands.h"
#include "cli/output.h"

namespace annals::cli {

Runner AddCodes(CLI::App& app, const GlobalFlags&) {
  struct Flags {
    std::string prefix;
    std::string format = "table";
    bool spreadsheet_safe = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "codes",
      "List CAMEO event codes (code, description, root code, quad class, "
      "Goldstein score), all or those starting with PREFIX.");
  cmd->add_option("PREFIX", f->prefix, "only codes starting with this, e.g. 04 or 112");
  cmd->add_option("--format", f->format, "table, jsonl or csv")->capture_default_str();
  AddSpreadsheetSafeFlag(cmd, f->spreadsheet_safe);
  return [f]() -> int {
    if (f->format != "table" && f->format != "jsonl" && f->format != "csv")
      return Fail("--format", absl::InvalidArgumentError(absl::StrCat(
                                  "unknown format \"", f->format,
                                  "\"; expected table, jsonl or csv")));
    auto codes = CameoCodesWithPrefix(f->prefix);
    if (codes.empty())
      return Fail("codes", absl::NotFoundError(absl::StrCat(
                               "no CAMEO code starts with \"", f->prefix, "\"")));
    if (f->format == "csv") std::printf("code,description,root_code,quad_class,goldstein\n");
    if (f->format == "table")
      std::printf("%-5s %-4s %-4s %6s  %s\n", "CODE", "ROOT", "QUAD", "GOLD", "DESCRIPTION");
    for (const CameoCode& c : codes) {
      std::string line;
      if (f->format == "jsonl") {
        line = "{\"code\":";
        AppendJsonString(c.code, &line);
        line += ",\"description\":";
        AppendJsonString(c.description, &line);
        line += ",\"root_code\":";
        AppendJsonString(c.root_code, &line);
        absl::StrAppend(&line, ",\"quad_class\":", c.quad_class,
                        absl::StrFormat(",\"goldstein\":%.1f}", c.goldstein));
      } else if (f->format == "csv") {
        const CsvCell how = CellRule(f->spreadsheet_safe);
        const std::string cells[] = {c.code, c.description, c.root_code,
                                     absl::StrCat(c.quad_class),
                                     absl::StrFormat("%.1f", c.goldstein)};
        for (const std::string& cell : cells) {
          if (!line.empty()) line += ',';
          AppendCsvField(cell, &line, how);
        }
      } else {
        line = absl::StrFormat("%-5s %-4s %-4d %6.1f  %s", c.code, c.root_code, c.quad_class,
                               c.goldstein, c.description);
      }
      std::printf("%s\n", line.c_str());
      if (OutputFailed()) break;  // main reports it
    }
    return kExitOk;
  };
}

}  // namespace annals::cli
