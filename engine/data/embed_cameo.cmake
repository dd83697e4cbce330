# Turns cameo-codebook.tsv into a C++ table at configure time (re-run when the
# TSV changes), so the library carries the codebook and needs no data files.
# Sets ANNALS_CAMEO_GENERATED to the generated source.
set(_tsv "${CMAKE_CURRENT_LIST_DIR}/cameo-codebook.tsv")
set(_out "${CMAKE_CURRENT_BINARY_DIR}/generated/cameo_table.cc")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_tsv}")
file(STRINGS "${_tsv}" _lines ENCODING UTF-8)
list(POP_FRONT _lines)  # header
set(_rows "")
foreach(_line IN LISTS _lines)
  string(REPLACE "\t" ";" _f "${_line}")
  list(LENGTH _f _n)
  if(NOT _n EQUAL 5)
    message(FATAL_ERROR "cameo-codebook.tsv: bad line: ${_line}")
  endif()
  list(GET _f 0 _code)
  list(GET _f 1 _desc)
  list(GET _f 2 _root)
  list(GET _f 3 _quad)
  list(GET _f 4 _gold)
  string(REPLACE "\"" "\\\"" _desc "${_desc}")
  string(APPEND _rows "    {\"${_code}\", \"${_desc}\", \"${_root}\", ${_quad}, ${_gold}},\n")
endforeach()
file(CONFIGURE OUTPUT "${_out}" CONTENT
"// Generated from engine/data/cameo-codebook.tsv by embed_cameo.cmake. Do not edit.
#include \"cameo/cameo_table.h\"

namespace annals::internal {

const CameoCode kCameoTable[] = {
@_rows@};
const size_t kCameoTableSize = sizeof(kCameoTable) / sizeof(kCameoTable[0]);

}  // namespace annals::internal
" @ONLY)
set(ANNALS_CAMEO_GENERATED "${_out}")

# The CAMEO actor country codes (cameo-countries.tsv, sorted by code): the
# same way, into ANNALS_CAMEO_COUNTRIES_GENERATED.
set(_tsv "${CMAKE_CURRENT_LIST_DIR}/cameo-countries.tsv")
set(_out "${CMAKE_CURRENT_BINARY_DIR}/generated/cameo_countries.cc")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_tsv}")
file(STRINGS "${_tsv}" _lines ENCODING UTF-8)
list(POP_FRONT _lines)  # header
set(_rows "")
foreach(_line IN LISTS _lines)
  string(REPLACE "\t" ";" _f "${_line}")
  list(LENGTH _f _n)
  if(NOT _n EQUAL 2)
    message(FATAL_ERROR "cameo-countries.tsv: bad line: ${_line}")
  endif()
  list(GET _f 0 _code)
  list(GET _f 1 _name)
  string(APPEND _rows "    {\"${_code}\", \"${_name}\"},\n")
endforeach()
file(CONFIGURE OUTPUT "${_out}" CONTENT
"// Generated from engine/data/cameo-countries.tsv by embed_cameo.cmake. Do not edit.
#include \"cameo/cameo_table.h\"

namespace annals::internal {

const CameoCountry kCameoCountries[] = {
@_rows@};
const size_t kCameoCountriesSize = sizeof(kCameoCountries) / sizeof(kCameoCountries[0]);

}  // namespace annals::internal
" @ONLY)
set(ANNALS_CAMEO_COUNTRIES_GENERATED "${_out}")
