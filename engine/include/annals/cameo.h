// The CAMEO event codebook shipped with annals: code -> description, root
// code, quad class and Goldstein score; and CAMEO's actor country codes
// ("USA" -> "United States", GDELT's lookup). Built from GDELT's lookups with their
// known defects repaired (engine/data/CAMEO-PROVENANCE.md lists them).
//
// The table is constant data compiled into the library; every function here
// is thread-safe and the returned pointers/views live for the whole program.
#ifndef ANNALS_CAMEO_H_
#define ANNALS_CAMEO_H_

#include <span>
#include <string_view>
#include "annals/visibility.h"

namespace annals {

struct CameoCode {
  const char* code;         // "0211": 2-4 digits, leading zeros kept
  const char* description;  // "Appeal for economic cooperation"
  const char* root_code;    // "02": the first two digits
  int quad_class;           // 1 verbal cooperation, 2 material cooperation,
                            // 3 verbal conflict, 4 material conflict
  double goldstein;         // -10 (conflict) .. +10 (cooperation)
};

// Every code, sorted by code as text ("01" < "010" < "0211" < "02").
ANNALS_EXPORT std::span<const CameoCode> CameoCodes();

// The codes that start with `prefix` (all of them for ""), in CameoCodes order.
ANNALS_EXPORT std::span<const CameoCode> CameoCodesWithPrefix(std::string_view prefix);

// The entry for exactly `code`, or nullptr if the codebook has none.
ANNALS_EXPORT const CameoCode* FindCameoCode(std::string_view code);

// "Quad class" names: "Verbal Cooperation" ... "Material Conflict"; "" for
// anything outside 1-4.
ANNALS_EXPORT const char* QuadClassName(int quad_class);

struct CameoCountry {
  const char* code;  // "USA": CAMEO's actor country code (3 letters)
  const char* name;  // "United States"
};

// The country (or region) with CAMEO code exactly `code`, or nullptr.
ANNALS_EXPORT const CameoCountry* FindCameoCountry(std::string_view code);

// The country named `name`, matched as actor names match (case, spacing and
// Unicode form aside: "UNITED STATES"), or nullptr.
ANNALS_EXPORT const CameoCountry* FindCameoCountryByName(std::string_view name);

}  // namespace annals

#endif  // ANNALS_CAMEO_H_
