// The bytes of an import file: a plain file, standard input, a .gz (zlib,
// any number of gzip members) or a .zip holding one file. Compression is
// recognised by its magic bytes, not by the file name.
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
  // Opens `path` ("-": standard input). kNotFound / kPermissionDenied when
  // it cannot be opened; kInvalidArgument for a .zip that does not hold
  // exactly one file, or a zip read from standard input.
  static absl::StatusOr<std::unique_ptr<ByteSource>> Open(const std::string& path);

  // A source over bytes held in memory (standard input read for --strict).
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
