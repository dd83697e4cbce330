// libzip, loaded when the first zip archive is opened rather than linked:
// libzip pulls in libcrypto, and loading both cost every process ~6 ms of
// CPU at start, a third of a one-shot CLI query's (issue 19), although
// only an import of a .zip file uses them.
#ifndef ANNALS_ENGINE_SRC_IO_ZIP_LIBRARY_H_
#define ANNALS_ENGINE_SRC_IO_ZIP_LIBRARY_H_

#include <zip.h>

#include "absl/status/statusor.h"

namespace annals::internal {

// The libzip functions the zip reader uses (signatures from <zip.h>).
struct ZipLibrary {
  decltype(&::zip_fdopen) fdopen;
  decltype(&::zip_discard) discard;
  decltype(&::zip_get_num_entries) get_num_entries;
  decltype(&::zip_get_name) get_name;
  decltype(&::zip_stat_init) stat_init;
  decltype(&::zip_stat_index) stat_index;
  decltype(&::zip_fopen_index) fopen_index;
  decltype(&::zip_fread) fread;
  decltype(&::zip_fclose) fclose;
  decltype(&::zip_get_error) get_error;
  decltype(&::zip_file_get_error) file_get_error;
  decltype(&::zip_error_init_with_code) error_init_with_code;
  decltype(&::zip_error_strerror) error_strerror;
  decltype(&::zip_error_fini) error_fini;
};

// libzip, loaded on the first call (thread-safe; loaded once, never
// unloaded). kFailedPrecondition when the shared library is missing or
// lacks one of the functions.
absl::StatusOr<const ZipLibrary*> LoadZipLibrary();

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_ZIP_LIBRARY_H_
