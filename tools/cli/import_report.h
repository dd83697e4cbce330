// How `annals import` reports rejected rows on standard error: each as
// FILE:LINE: reason, up to a limit per file; past it the rows are only
// counted, and the file's report ends with a count per reason (grouped by
// RejectedLine::kind), so a file rejected row by row gives a screenful, not
// thousands of identical lines. --rejects still receives every row.
#ifndef ANNALS_TOOLS_CLI_IMPORT_REPORT_H_
#define ANNALS_TOOLS_CLI_IMPORT_REPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "annals/import.h"

namespace annals::cli {

class RejectReport {
 public:
  static constexpr uint64_t kShownPerFile = 20;

  // `all`: print every rejected row. `before_print` runs before each line
  // printed (clears a progress bar).
  RejectReport(bool all, std::function<void()> before_print);

  // Called for each rejected row, in order.
  void Add(const RejectedLine& r);

  // Ends the current file's report: when rows went unprinted, prints the
  // count per reason. The next Add starts a new file.
  void EndFile(std::string_view file);

 private:
  struct Reason {
    uint64_t count = 0;
    uint64_t first_line = 0;
    std::string first_reason;
    uint64_t order = 0;  // first seen, for a stable listing
  };
  void Print(std::string_view file, uint64_t line, const std::string& reason);

  bool all_;
  std::function<void()> before_print_;
  uint64_t rejected_ = 0;  // in the current file
  std::map<std::string, Reason> reasons_;
};

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_IMPORT_REPORT_H_
