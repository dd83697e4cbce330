#include "annals/version.h"

#include "codec/event_codec.h"
#include "log/keys.h"
#include "rocksdb/version.h"

#ifndef ANNALS_VERSION
#error "ANNALS_VERSION is set by engine/CMakeLists.txt from the project's version"
#endif

namespace annals {

VersionInfo GetVersionInfo() {
  VersionInfo v;
  v.annals = ANNALS_VERSION;
  v.store_format = internal::kFormatVersion;
  v.event_schema = internal::kSchemaVersion;
  v.rocksdb = rocksdb::GetRocksVersionAsString(true);
  return v;
}

}  // namespace annals
