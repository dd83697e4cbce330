// The merge operator behind ProjectionWriter::Add: values are 8-byte
// little-endian int64 counters, merged by adding.
#ifndef ANNALS_ENGINE_SRC_PROJECTION_ADD_OPERATOR_H_
#define ANNALS_ENGINE_SRC_PROJECTION_ADD_OPERATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rocksdb/merge_operator.h"

namespace annals::internal {

std::shared_ptr<rocksdb::MergeOperator> NewAddOperator();

inline std::string EncodeI64Le(int64_t v) {
  std::string out(8, '\0');
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(u >> (8 * i));
  return out;
}

// Malformed values (not 8 bytes) read as 0.
inline int64_t DecodeI64Le(std::string_view s) {
  if (s.size() != 8) return 0;
  uint64_t u = 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<unsigned char>(s[i]);
  return static_cast<int64_t>(u);
}

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_PROJECTION_ADD_OPERATOR_H_
