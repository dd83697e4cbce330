// GDELT's compact dates: YYYYMMDD (day) and YYYYMMDDHHMMSS (second, UTC).
#ifndef ANNALS_ENGINE_SRC_IO_COMPACT_DATE_H_
#define ANNALS_ENGINE_SRC_IO_COMPACT_DATE_H_

#include <optional>
#include <string>
#include <string_view>

#include "annals/time.h"

namespace annals::internal {

// nullopt unless `s` is exactly 8 or 14 digits naming a real date (time).
std::optional<Timestamp> ParseCompactDate(std::string_view s);

// Formats `t` as YYYYMMDD, or YYYYMMDDHHMMSS when `with_time`.
std::string FormatCompactDate(const Timestamp& t, bool with_time);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_IO_COMPACT_DATE_H_
