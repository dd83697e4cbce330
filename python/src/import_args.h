// import_file's options, as `annals import` has them (python/annals's
// Store.import_file documents them), and the rows it reports.
#ifndef ANNALS_PYTHON_SRC_IMPORT_ARGS_H_
#define ANNALS_PYTHON_SRC_IMPORT_ARGS_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "annals/engine.h"
#include "annals/import.h"

namespace annals::python {

// A rejected or repaired row: its line, why, and what the reason is about
// (RejectedLine::kind, annals/import.h).
struct RejectRecord {
  uint64_t line;
  std::string reason;
  std::string kind;
};

struct ImportArgs {
  std::string format = "auto";
  bool strict = false;
  bool dry_run = false;
  bool repair_utf8 = false;
  std::string rejects_path;  // "": none; else rejected rows, verbatim
};

// Imports `path` (annals::ImportFile) with `args`, keeping the first 1,000
// rejected and repaired rows in `rejects` and `repairs`. Call without the
// GIL. kInvalidArgument for an unknown format or a rejects file that cannot
// be written; kUnavailable for a write error on it.
absl::StatusOr<ImportSummary> ImportWith(Engine& engine, const std::string& path,
                                         const ImportArgs& args,
                                         std::vector<RejectRecord>* rejects,
                                         std::vector<RejectRecord>* repairs);

// [{"line": N, "reason": "..."}, ...]. Call with the GIL.
pybind11::list LineRecords(const std::vector<RejectRecord>& records);

}  // namespace annals::python

#endif  // ANNALS_PYTHON_SRC_IMPORT_ARGS_H_
