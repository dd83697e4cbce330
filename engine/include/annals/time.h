// Points in time with the precision a source gave them.
//
// A Timestamp is the start of the period it names, in UTC microseconds since
// the Unix epoch, plus the precision: "2025-03" is 2025-03-01T00:00:00Z at
// month precision. Two timestamps order by `micros`, then by precision
// (coarser first), so a whole year sorts before its first day.
#ifndef ANNALS_TIME_H_
#define ANNALS_TIME_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "annals/visibility.h"

namespace annals {

enum class Precision : uint8_t {
  kNone = 0,  // absent: no time given
  kYear = 1,
  kMonth = 2,
  kDay = 3,
  kSecond = 4,  // also used for sub-second times; micros keeps the fraction
};

struct Timestamp {
  int64_t micros = 0;                  // UTC microseconds since the epoch
  Precision precision = Precision::kNone;

  bool present() const { return precision != Precision::kNone; }
  auto operator<=>(const Timestamp&) const = default;
};

// Parses ISO 8601 as researchers write it: "2025", "2025-03", "2025-03-31",
// "2025-03-31T14:05:00Z", with optional fractional seconds (up to 6 digits)
// and a "Z" or "+HH:MM"/"-HH:MM" offset (converted to UTC); a date-time with
// no offset is taken as UTC. A space may stand for the "T". Also the basic
// calendar date "20250331" (GDELT's SQLDATE), at day precision; six digits
// ("202503") are refused, as ISO 8601 has no basic YYYYMM form. Years
// 0001-9999. Returns kInvalidArgument saying what was expected on anything
// else.
ANNALS_EXPORT absl::StatusOr<Timestamp> ParseTime(std::string_view text);

// Formats at the timestamp's own precision: "2025", "2025-03", "2025-03-31",
// "2025-03-31T14:05:00Z" (with ".ffffff" when the micros are not whole
// seconds). ParseTime(FormatTime(t)) == t for every valid t. Returns "" for
// an absent timestamp.
ANNALS_EXPORT std::string FormatTime(const Timestamp& t);

// The last microsecond of the period `t` names, in UTC microseconds since
// the epoch: "2025" ends at 2025-12-31T23:59:59.999999Z, "2025-04" at
// 2025-04-30T23:59:59.999999Z, "2025-04-01" at that day's last microsecond
// and "2025-04-01T10:00:00Z" at 10:00:00.999999Z; a time with a fraction
// ("10:00:00.25Z") names just that microsecond. So "everything recorded or
// occurring by 2025-04-01" is every time <= EndOfPeriod(2025-04-01).
// Requires t.present(); never fails for a time ParseTime returned.
ANNALS_EXPORT int64_t EndOfPeriod(const Timestamp& t);

// A date range as queries take it (`--from`/`--to`, start=/end=): every
// time t with from.micros <= t.micros <= EndOfPeriod(to). kInvalidArgument
// ("the range is empty: ...") when both are present and `from` starts after
// the end of `to`; OK otherwise (an absent bound is open).
ANNALS_EXPORT absl::Status CheckRange(const Timestamp& from, const Timestamp& to);

// The current time at second precision with microseconds kept.
ANNALS_EXPORT Timestamp Now();

}  // namespace annals

#endif  // ANNALS_TIME_H_
