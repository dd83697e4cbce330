// The versions of this build of annals, as `annals --version` prints them.
// Thread-safe; the values are fixed at build time.
#ifndef ANNALS_VERSION_H_
#define ANNALS_VERSION_H_

#include <cstdint>
#include <string>

#include "annals/visibility.h"

namespace annals {

struct VersionInfo {
  std::string annals;        // the release, e.g. "0.1.0"
  std::string store_format;  // the store format it reads and writes, e.g. "1"
                             // (a store of another format refuses to open)
  uint32_t event_schema = 0; // the version of the event encoding it writes
                             // (schema/annals.capnp; evolves append-only)
  std::string rocksdb;       // the RocksDB it runs on, e.g. "7.8.3"
};

ANNALS_EXPORT VersionInfo GetVersionInfo();

}  // namespace annals

#endif  // ANNALS_VERSION_H_
