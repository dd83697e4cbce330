// Event output formats shared by `log` and `show`: table (fits a 100-column
// terminal), jsonl (annals/json.h), csv (RFC 4180, header row).
#ifndef ANNALS_TOOLS_CLI_OUTPUT_H_
#define ANNALS_TOOLS_CLI_OUTPUT_H_

#include <cstdio>
#include <memory>
#include <string>

#include "annals/event.h"

namespace annals::cli {

class EventWriter {
 public:
  virtual ~EventWriter() = default;
  virtual void Write(const Event& e) = 0;
  // Called once after the last event (also when there were none).
  virtual void Finish() {}
};

// `format` is one of "table", "jsonl", "csv"; `detail` selects the vertical
// one-event-per-block layout used by `show` for "table".
std::unique_ptr<EventWriter> NewEventWriter(const std::string& format,
                                            bool detail, std::FILE* out);

// The column names of the csv format, in order.
extern const char* const kCsvColumns[];

}  // namespace annals::cli

#endif  // ANNALS_TOOLS_CLI_OUTPUT_H_
