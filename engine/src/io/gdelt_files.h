// Recognising GDELT's files by their first line: event files with or
// without a header row (tab-separated downloads, or comma-separated CSV as
// BigQuery exports write it), and the files annals does not import (yet):
// GDELT 2.0 mentions and the Global Knowledge Graph. Import, its format
// checks and its messages all ask here, so that a file is named for what it
// is instead of being rejected row by row.
#ifndef ANNALS_ENGINE_SRC_IO_GDELT_FILES_H_
#define ANNALS_ENGINE_SRC_IO_GDELT_FILES_H_

#include <string>
#include <string_view>
#include <vector>

namespace annals::internal {

enum class GdeltFile {
  kNone,          // not a GDELT file annals knows
  kEvents,        // event rows, no header (57, 58 or 61 tab-separated columns)
  kEventsHeader,  // a header row of event column names, then rows
  kMentions,      // GDELT 2.0 mentions (16 columns), with or without a header
  kGkg,           // GDELT 2.0 Global Knowledge Graph
};

struct GdeltShape {
  GdeltFile kind = GdeltFile::kNone;
  char separator = '\t';  // kEventsHeader / kMentions: '\t' or ','
  // What the file is, for messages: "a GDELT 2.0 mentions file (16
  // tab-separated columns: GLOBALEVENTID, EventTimeDate, ...)". Empty for
  // kNone.
  std::string description;
};

// What the file whose first line (without its line end) is `line` is.
GdeltShape RecogniseGdeltFile(std::string_view line);

// The header's column names, as the codebooks spell them where a name
// matches one case-insensitively, else as written (`separator` '\t' or ',').
std::vector<std::string> GdeltHeaderNames(std::string_view line, char separator);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_GDELT_FILES_H_
