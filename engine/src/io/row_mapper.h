// The per-format half of import: one record's text -> one Statement. The
// shared half (reading, accounting, batching, provenance) is import_file.cc.
#ifndef ANNALS_ENGINE_SRC_IO_ROW_MAPPER_H_
#define ANNALS_ENGINE_SRC_IO_ROW_MAPPER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/import.h"
#include "annals/statement.h"
#include "io/log_row.h"
#include "io/record_reader.h"

namespace annals::internal {

class RowMapper {
 public:
  virtual ~RowMapper() = default;

  // Fills `out` (a default Statement) from `record`. Does not run Validate
  // (the caller does) nor add provenance. kInvalidArgument whose message is
  // the reason shown to the user, naming the column or field.
  virtual absl::Status Map(const Record& record, Statement* out) = 0;

  // Map, and what a row of `annals log --format jsonl` says besides the
  // statement (its source seq, an amendment's kind and target) into *row.
  // JSON Lines rows carry those, and every row of a file of aliases is an
  // alias (kind, alias, canonical); other formats leave *row as it is.
  virtual absl::Status MapLogRow(const Record& record, Statement* out, LogRow* /*row*/) {
    return Map(record, out);
  }

  // Where byte `offset` of a record lies, for messages: "column Actor1Name",
  // or "byte N" when the format has no columns.
  virtual std::string Locate(std::string_view text, size_t offset) const;

  // Rows of this format always end with a newline, so a last line without
  // one is cut short even if it happens to parse (GDELT, ICEWS).
  virtual bool rows_always_terminated() const { return false; }

  // The record the mapper was made from is a header row, not a row to map.
  virtual bool first_is_header() const { return false; }
};

// How records of `format` are split; `head` decides JSON array vs lines.
RecordReader::Mode RecordModeFor(ImportFormat format, std::string_view head);

// The mapper for `format` (not kAuto). `first` is the first record: the
// header for CSV and ICEWS; for GDELT a header row, or the first row
// (RowMapper::first_is_header tells). kInvalidArgument "expected ...,
// found ..." if it does not fit.
absl::StatusOr<std::unique_ptr<RowMapper>> NewRowMapper(ImportFormat format,
                                                        std::string_view first);

// Per-format factories (gdelt_mapper.cc, icews_mapper.cc, ...).
absl::StatusOr<std::unique_ptr<RowMapper>> NewGdeltMapper(std::string_view first_row);
absl::StatusOr<std::unique_ptr<RowMapper>> NewIcewsMapper(std::string_view header);
absl::StatusOr<std::unique_ptr<RowMapper>> NewCsvMapper(std::string_view header);
std::unique_ptr<RowMapper> NewPloverMapper();
std::unique_ptr<RowMapper> NewJsonlMapper();
// gdelt_mentions_mapper.cc: GDELT 2.0 mentions, `first` its first line.
absl::StatusOr<std::unique_ptr<RowMapper>> NewGdeltMentionsMapper(std::string_view first);
// alias_mapper.cc: a CSV whose header names alias and canonical.
absl::StatusOr<std::unique_ptr<RowMapper>> NewAliasMapper(std::string_view header);

// Checks that content starting with `head` looks like `format`;
// kInvalidArgument "expected <format's shape>, found <what head holds>".
absl::Status CheckImportFormat(ImportFormat format, std::string_view head);

// "a tab-separated line of 20 columns starting \"Event ID\"": what the first
// line of `head` looks like, for messages.
std::string DescribeHead(std::string_view head);

// Shared helpers for mappers.
absl::Status FieldError(std::string_view field, std::string_view why);
// The error for the first attribute past Limits::kAttributes, named by
// `key`: mappers stop there, not after reading every key (issue 16.11).
absl::Status TooManyAttributes(std::string_view key);
// The same for the first item past Limits::kListItems of a list (targets,
// topics) that `field` fills.
absl::Status TooManyItems(std::string_view field);
// "over-long field" if `value` is longer than `limit` bytes.
absl::Status CheckLength(std::string_view field, std::string_view value, size_t limit);
// Splits `line` on `sep` into `out` (cleared first); views into `line`.
void SplitFields(std::string_view line, char sep, std::vector<std::string_view>* out);
// Splits a row of a GDELT-shaped file: on tabs into `fields` (views into
// `text`) when `separator` is '\t', else as one RFC 4180 record into
// `cells`, which `fields` then views. kInvalidArgument on a stray quote.
absl::Status SplitRow(std::string_view text, char separator,
                      std::vector<std::string_view>* fields, std::vector<std::string>* cells);
// Splits one RFC 4180 record (quoted fields may hold commas, "" and line
// ends) into unquoted fields. kInvalidArgument on a stray quote.
absl::Status SplitCsvRecord(std::string_view record, std::vector<std::string>* out);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_ROW_MAPPER_H_
