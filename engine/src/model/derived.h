// Derived fields of a statement: what the built-in CAMEO codebook and the
// statement's own attributes say about it beyond its fields (quad class,
// root code, Goldstein score), and the calendar periods it falls in. One
// definition, used by declarative projections' keys and filters and by
// series, so the two cannot disagree.
#ifndef ANNALS_ENGINE_SRC_MODEL_DERIVED_H_
#define ANNALS_ENGINE_SRC_MODEL_DERIVED_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "annals/cameo.h"
#include "annals/statement.h"

namespace annals::internal {

// The codebook's entry for `code`, else for its longest prefix the codebook
// has ("1731" -> "173"; a code the codebook lacks at every length: nullptr).
const CameoCode* CodebookEntry(std::string_view code);

// The CAMEO quad class (1-4) of the statement's code through the codebook,
// whatever format the statement came from; nullopt when the code is not
// CAMEO.
std::optional<int> QuadOf(const Statement& s);

// The root code ("11") of the statement's code through the codebook; ""
// when the code is not CAMEO.
std::string RootOf(const Statement& s);

// The Goldstein score: the row's own (attribute GoldsteinScale, as GDELT
// gives it) when it has a number there, else the codebook's for its code;
// nullopt when neither has one.
std::optional<double> GoldsteinOf(const Statement& s);

// The values of attribute `key` (an attribute may repeat), as written,
// empty ones left out.
std::vector<std::string> AttributeValues(const Statement& s, std::string_view key);

// A number as keys and filters compare it: the shortest form that reads
// back the same ("-10", "2.8"); nullopt for text that is not a finite
// number.
std::optional<double> ParseNumber(std::string_view text);
std::string FormatNumber(double v);

enum class Period { kDay, kWeek, kMonth, kYear };

// "day", "week", "month", "year"; nullopt for anything else.
std::optional<Period> ParsePeriod(std::string_view name);
const char* PeriodName(Period p);

// The period `t` falls in: "2025-03-31", "2025-W14" (ISO 8601 week, of the
// ISO week-year), "2025-03", "2025". A time coarser than the period is in
// a bucket at its own precision: a statement dated 2025-03 is "2025-03" in
// a day or week series, one dated 2025 is "2025". "" for an absent time.
std::string PeriodOf(const Timestamp& t, Period p);

// Whether `label` is a well-formed label of period `p` ("2025-W53" only
// for years that have a week 53, "2025-02-30" never).
bool IsPeriodLabel(std::string_view label, Period p);

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_MODEL_DERIVED_H_
