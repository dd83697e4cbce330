// Splits an import file into records (rows) with their line numbers: one
// per line, one per CSV record (quoted fields may hold newlines), or one per
// value of a top-level JSON array. Strips a UTF-8 byte-order mark at the
// start and "\r\n" line ends; skips blank lines between records.
//
// CSV quoting follows RFC 4180 as Python's csv module and pandas read it: a
// quote opens a quoted field only at the start of a field; anywhere else it
// is an ordinary character, so one stray quote never swallows later rows.
#ifndef ANNALS_ENGINE_SRC_IO_RECORD_READER_H_
#define ANNALS_ENGINE_SRC_IO_RECORD_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "io/byte_source.h"

namespace annals::internal {

struct Record {
  std::string_view text;      // verbatim, without its line end; valid until Next()
  uint64_t line = 0;          // 1-based line the record starts on
  uint64_t index = 0;         // 1-based position among the records returned
  bool unterminated = false;  // input ended inside it: no final newline, an
                              // open CSV quote, or an unclosed JSON value
  bool overlong = false;      // longer than the reader's max_record_bytes():
                              // `text` holds only its start; the rest was skipped
  // kCsv, unterminated: the offset in `text` of the quote that opened the
  // field the input ended in; npos when the input did not end in quotes.
  size_t open_quote = std::string_view::npos;
  // kJsonArray: the input ended before the array's closing "]" although
  // the records before were whole. Not a record: `text` is empty.
  bool unclosed_array = false;
};

class RecordReader {
 public:
  enum class Mode { kLines, kCsv, kJsonArray };

  // A record longer than this is reported as over-long, not held in memory.
  static constexpr size_t kMaxRecordBytes = 16u << 20;
  // Bytes asked of the source per read.
  static constexpr size_t kChunkBytes = 1u << 20;

  // Internal sizes; tests and the fuzz target shrink them so that refills
  // and the over-long path happen on small inputs.
  struct Sizes {
    size_t chunk = kChunkBytes;             // >= 1
    size_t max_record = kMaxRecordBytes;    // >= 1
  };

  // Borrows `source`, which must outlive the reader.
  RecordReader(ByteSource& source, Mode mode) : RecordReader(source, mode, Sizes{}) {}
  RecordReader(ByteSource& source, Mode mode, Sizes sizes);

  // The next record; false at the end or on error (then check status()).
  bool Next(Record* out);

  // OK at a clean end. kInvalidArgument when a JSON array is malformed
  // outside its records (e.g. no "[" at the start), or the source failed.
  const absl::Status& status() const { return status_; }

  // The first `n` bytes of the content (fewer if it is shorter), without
  // consuming them. Call before the first Next().
  std::string_view Head(size_t n);

  // Changes how records are split; only before the first Next().
  void set_mode(Mode mode) { mode_ = mode; }

  // Bytes of the file as stored consumed so far (for progress).
  uint64_t bytes_done() const { return source_.bytes_done(); }

  size_t max_record_bytes() const { return sizes_.max_record; }

 private:
  bool Fill();  // reads more input; false at the end or on error
  bool NextLine(Record* out, bool csv);
  // Finds the end of the record starting at begin_: sets *length (the
  // offset of its '\n' from begin_) and returns true, or returns false when
  // the input ends first or the record passes the size limit.
  bool FindLineEnd(bool csv, size_t* length, size_t* open_quote);
  bool SkipOverlong(Record* out);
  bool NextJsonValue(Record* out);
  bool SkipToJsonValue();  // false at the end of input (or on error)
  void CountLines(size_t from, size_t to);

  ByteSource& source_;
  Mode mode_;
  Sizes sizes_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // unread bytes are buf_[begin_, end_)
  bool eof_ = false;
  bool started_ = false;
  bool array_open_ = false, array_closed_ = false;
  bool array_end_reported_ = false;  // an unterminated record or the
                                     // unclosed_array record was returned
  uint64_t line_ = 1;   // line number at buf_[begin_]
  uint64_t index_ = 0;
  absl::Status status_;
  std::string overlong_;  // the kept start of an over-long record
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_RECORD_READER_H_
