#include "io/zip_library.h"

#include <dlfcn.h>

#include "absl/strings/str_cat.h"

namespace annals::internal {
namespace {

// The names libzip's shared library goes by: the sonames of the releases
// with this API, then the development link.
constexpr const char* kNames[] = {"libzip.so.5", "libzip.so.4", "libzip.so"};

template <typename F>
bool Bind(void* handle, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(handle, name));
  return *out != nullptr;
}

absl::StatusOr<ZipLibrary> Load() {
  void* handle = nullptr;
  for (const char* name : kNames)
    if ((handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
  if (handle == nullptr)
    return absl::FailedPreconditionError(
        "reading .zip files needs libzip's shared library (Debian: libzip4), which is not "
        "installed");
  ZipLibrary z;
  const bool ok =
      Bind(handle, "zip_fdopen", &z.fdopen) && Bind(handle, "zip_discard", &z.discard) &&
      Bind(handle, "zip_get_num_entries", &z.get_num_entries) &&
      Bind(handle, "zip_get_name", &z.get_name) && Bind(handle, "zip_stat_init", &z.stat_init) &&
      Bind(handle, "zip_stat_index", &z.stat_index) &&
      Bind(handle, "zip_fopen_index", &z.fopen_index) && Bind(handle, "zip_fread", &z.fread) &&
      Bind(handle, "zip_fclose", &z.fclose) && Bind(handle, "zip_get_error", &z.get_error) &&
      Bind(handle, "zip_file_get_error", &z.file_get_error) &&
      Bind(handle, "zip_error_init_with_code", &z.error_init_with_code) &&
      Bind(handle, "zip_error_strerror", &z.error_strerror) &&
      Bind(handle, "zip_error_fini", &z.error_fini);
  if (!ok)
    return absl::FailedPreconditionError(
        absl::StrCat("the installed libzip lacks a function annals uses: ", dlerror()));
  return z;
}

}  // namespace

absl::StatusOr<const ZipLibrary*> LoadZipLibrary() {
  static const absl::StatusOr<ZipLibrary>* const library =
      new absl::StatusOr<ZipLibrary>(Load());
  if (!library->ok()) return library->status();
  return &**library;
}

}  // namespace annals::internal
