// The body of `annals import`, shared with `annals alias --file` (a CSV of
// aliases read as import format "aliases"): every row accounted for as
// imported, duplicate or rejected, with the same report and exit codes.
#ifndef ANNALS_TOOLS_CLI_IMPORT_RUN_H_
#define ANNALS_TOOLS_CLI_IMPORT_RUN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/common.h"

namespace annals::cli {

struct ImportFlags {
  std::vector<std::string> files;
  std::string format = "auto";
  bool strict = false;
  bool repair_utf8 = false;
  bool dry_run = false;
  bool all_errors = false;
  std::string rejects;
  int progress_fd = -1;
  uint64_t progress_every = 8ull << 20;
  bool existing_store = false;  // never create the store (alias --file)
};

// Imports f.files into the store at g.db; returns the exit status.
int RunImport(const ImportFlags& f, const GlobalFlags& g);

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_IMPORT_RUN_H_
