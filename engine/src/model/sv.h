// Debian 12's Abseil is built with its own absl::string_view (not an alias
// of std::string_view); these convert at the boundary without copying.
#ifndef ANNALS_ENGINE_SRC_MODEL_SV_H_
#define ANNALS_ENGINE_SRC_MODEL_SV_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace annals::internal {

inline absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view SV(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_SV_H_
