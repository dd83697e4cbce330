// The engine's side of ImportInput (annals/import.h): a new ByteSource over
// the input for each pass of an import.
#ifndef ANNALS_ENGINE_SRC_IO_IMPORT_INPUT_READER_H_
#define ANNALS_ENGINE_SRC_IO_IMPORT_INPUT_READER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "annals/import.h"
#include "io/byte_source.h"

namespace annals::internal {

class ImportInputReader {
 public:
  // The input's content from its start (a rereadable input), or once
  // (kFailedPrecondition the second time) for any other.
  static absl::StatusOr<std::unique_ptr<ByteSource>> NewSource(ImportInput& input);
};

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_IMPORT_INPUT_READER_H_
