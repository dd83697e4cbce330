// The bytes of an import file (opened by ImportInput, import_input.cc): a
// plain file, a pipe, a .gz (zlib, any number of gzip members) or a .zip
// holding one file. Compression is recognised by its magic bytes, not by
// the file name.
#ifndef ANNALS_ENGINE_SRC_IO_BYTE_SOURCE_H_
#define ANNALS_ENGINE_SRC_IO_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace annals::internal {

class ByteSource {
 public:
  // Reads the file open on `fd` from its current offset; closes it at the
  // end when `owned`. `total`: its size for progress (0 if unknown).
  // `seekable`: a regular file, from which a .zip can be read (libzip seeks
  // in it); a zip on anything else is kInvalidArgument. `name` is for
  // messages.
  static absl::StatusOr<std::unique_ptr<ByteSource>> FromFd(int fd, bool owned, uint64_t total,
                                                            bool seekable,
                                                            const std::string& name);

  // A source over bytes held in memory (tests, fuzzing).
  static std::unique_ptr<ByteSource> FromString(std::string bytes);

  virtual ~ByteSource() = default;

  // Reads up to `n` bytes of the (decompressed) content; 0 at the end.
  // kInvalidArgument when compressed data is damaged or ends early;
  // kDataLoss on a read error.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;

  // Progress, in bytes of the file as stored: consumed so far, and the total
  // (0 when unknown, e.g. a pipe).
  virtual uint64_t bytes_done() const = 0;
  virtual uint64_t bytes_total() const = 0;

  // "gzip", "zip" or "" (plain).
  virtual const char* compression() const { return ""; }
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_BYTE_SOURCE_H_
