// Lookups in the compiled-in CAMEO table: binary search over sorted codes.
#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "annals/cameo.h"
#include "cameo/cameo_table.h"
#include "model/names.h"

namespace annals {

std::span<const CameoCode> CameoCodes() {
  return {internal::kCameoTable, internal::kCameoTableSize};
}

std::span<const CameoCode> CameoCodesWithPrefix(std::string_view prefix) {
  std::span<const CameoCode> all = CameoCodes();
  auto lo = std::lower_bound(all.begin(), all.end(), prefix,
                             [](const CameoCode& c, std::string_view p) {
                               return std::string_view(c.code) < p;
                             });
  auto hi = lo;
  while (hi != all.end() && std::string_view(hi->code).starts_with(prefix)) ++hi;
  return all.subspan(lo - all.begin(), hi - lo);
}

const CameoCode* FindCameoCode(std::string_view code) {
  std::span<const CameoCode> all = CameoCodes();
  auto it = std::lower_bound(all.begin(), all.end(), code,
                             [](const CameoCode& c, std::string_view p) {
                               return std::string_view(c.code) < p;
                             });
  if (it == all.end() || std::string_view(it->code) != code) return nullptr;
  return &*it;
}

const char* QuadClassName(int quad_class) {
  switch (quad_class) {
    case 1: return "Verbal Cooperation";
    case 2: return "Material Cooperation";
    case 3: return "Verbal Conflict";
    case 4: return "Material Conflict";
  }
  return "";
}

const CameoCountry* FindCameoCountry(std::string_view code) {
  const CameoCountry* end = internal::kCameoCountries + internal::kCameoCountriesSize;
  auto it = std::lower_bound(internal::kCameoCountries, end, code,
                             [](const CameoCountry& c, std::string_view p) {
                               return std::string_view(c.code) < p;
                             });
  if (it == end || std::string_view(it->code) != code) return nullptr;
  return it;
}

const CameoCountry* FindCameoCountryByName(std::string_view name) {
  // Built once, on first use; read-only after (thread-safe static init).
  static const auto* by_name = [] {
    auto* m = new absl::flat_hash_map<std::string, const CameoCountry*>();
    for (size_t i = 0; i < internal::kCameoCountriesSize; ++i)
      m->emplace(internal::NormalizeName(internal::kCameoCountries[i].name),
                 &internal::kCameoCountries[i]);
    return m;
  }();
  auto it = by_name->find(internal::NormalizeName(name));
  return it == by_name->end() ? nullptr : it->second;
}

}  // namespace annals
