#include "io/gdelt_files.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "io/gdelt_columns.h"
#include "io/row_mapper.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "20150218230000-0" or "20150218230000-T0": a GKG 2.0 record id.
bool IsGkgRecordId(std::string_view s) {
  if (s.size() < 16 || !AllDigits(s.substr(0, 14)) || s[14] != '-') return false;
  std::string_view n = s.substr(15);
  if (!n.empty() && n[0] == 'T') n.remove_prefix(1);
  return AllDigits(n);
}

std::vector<std::string> Split(std::string_view line, char separator) {
  std::vector<std::string> out;
  if (separator == ',') {
    if (!SplitCsvRecord(line, &out).ok()) out.clear();
    return out;
  }
  std::vector<std::string_view> views;
  SplitFields(line, '\t', &views);
  for (std::string_view v : views) out.emplace_back(v);
  return out;
}

bool Names(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return absl::EqualsIgnoreCase(n, AV(name)); });
}

const char* SeparatorWord(char separator) {
  return separator == ',' ? "comma-separated" : "tab-separated";
}

std::string MentionsDescription(char separator, bool header) {
  return absl::StrCat("a GDELT 2.0 mentions file (", SeparatorWord(separator), ", ",
                      header ? "a header row naming GLOBALEVENTID, MentionIdentifier, ..."
                             : "16 columns: GLOBALEVENTID, EventTimeDate, MentionTimeDate, ...",
                      ")");
}

// A header row (tab- or comma-separated) naming a known GDELT table.
GdeltShape RecogniseHeader(std::string_view line, char separator) {
  GdeltShape shape;
  std::vector<std::string> names = Split(line, separator);
  if (names.size() < 2 || !Names(names, "GLOBALEVENTID")) {
    if (Names(names, "GKGRECORDID")) {
      shape.kind = GdeltFile::kGkg;
      shape.description = "a GDELT Global Knowledge Graph (GKG) file (a header row naming "
                          "GKGRECORDID, ...)";
    }
    return shape;
  }
  shape.separator = separator;
  if (Names(names, "MentionIdentifier") || Names(names, "MentionTimeDate")) {
    shape.kind = GdeltFile::kMentions;
    shape.description = MentionsDescription(separator, true);
  } else if (Names(names, "SQLDATE") || Names(names, "EventCode")) {
    shape.kind = GdeltFile::kEventsHeader;
    shape.description =
        absl::StrCat("a GDELT events file with a header row (", SeparatorWord(separator),
                     separator == ',' ? ", as BigQuery exports write it)" : ")");
  }
  return shape;
}

}  // namespace

GdeltShape RecogniseGdeltFile(std::string_view line) {
  if (line.empty()) return {};
  std::vector<std::string_view> cols;
  SplitFields(line, '\t', &cols);
  GdeltShape shape;
  if (cols.size() > 1 && AllDigits(cols[0])) {
    if (!GdeltColumns(cols.size()).empty()) {
      shape.kind = GdeltFile::kEvents;
      shape.description = absl::StrCat("GDELT event rows (", cols.size(),
                                       " tab-separated columns)");
    } else if (cols.size() == std::size(kGdeltMentionsColumns) && cols[1].size() == 14 &&
               AllDigits(cols[1]) && cols[2].size() == 14 && AllDigits(cols[2])) {
      shape.kind = GdeltFile::kMentions;
      shape.description = MentionsDescription('\t', false);
    }
    return shape;
  }
  if (cols.size() > 1 && IsGkgRecordId(cols[0])) {
    shape.kind = GdeltFile::kGkg;
    shape.description = absl::StrCat("a GDELT 2.0 Global Knowledge Graph (GKG) file (",
                                     cols.size(), " tab-separated columns, GKGRECORDID first)");
    return shape;
  }
  if (cols.size() > 1) return RecogniseHeader(line, '\t');
  return RecogniseHeader(line, ',');
}

std::vector<std::string> GdeltHeaderNames(std::string_view line, char separator) {
  std::vector<std::string> names = Split(line, separator);
  for (std::string& n : names) {
    for (std::string_view known : kGdeltV2Columns)  // every 1.0 name is a 2.0 name
      if (absl::EqualsIgnoreCase(n, AV(known))) n = std::string(known);
  }
  return names;
}

}  // namespace annals::internal
