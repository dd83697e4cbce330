// The generated codebook table (see engine/data/embed_cameo.cmake).
#ifndef ANNALS_ENGINE_SRC_CAMEO_CAMEO_TABLE_H_
#define ANNALS_ENGINE_SRC_CAMEO_CAMEO_TABLE_H_

#include <cstddef>

#include "annals/cameo.h"

namespace annals::internal {

extern const CameoCode kCameoTable[];  // sorted by code (byte order)
extern const size_t kCameoTableSize;

extern const CameoCountry kCameoCountries[];  // sorted by code (byte order)
extern const size_t kCameoCountriesSize;

}  // namespace annals::internal

#endif  // ANNALS_ENGINE_SRC_CAMEO_CAMEO_TABLE_H_
