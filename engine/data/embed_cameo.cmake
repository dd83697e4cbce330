# Turns the CAMEO tables in engine/data/ into C++ arrays at configure time
# (re-run when a TSV changes), so the library carries them and needs no data
# files. Sets ANNALS_CAMEO_GENERATED (the event codebook) and
# ANNALS_CAMEO_COUNTRIES_GENERATED (actor country codes, sorted by code).

# annals_embed_tsv(TSV OUT TYPE ARRAY KIND...): the rows of TSV after its
# header as `const TYPE ARRAY[]` (and ARRAY##Size) in OUT; one KIND per
# column, `s` for a string literal and `n` for a number written as is.
function(annals_embed_tsv tsv out type array)
  set(kinds ${ARGN})
  list(LENGTH kinds columns)
  get_filename_component(name "${tsv}" NAME)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${tsv}")
  file(STRINGS "${tsv}" lines ENCODING UTF-8)
  list(POP_FRONT lines)  # header
  set(rows "")
  foreach(line IN LISTS lines)
    string(REPLACE "\t" ";" fields "${line}")
    list(LENGTH fields n)
    if(NOT n EQUAL columns)
      message(FATAL_ERROR "${name}: bad line: ${line}")
    endif()
    set(cells "")
    foreach(field kind IN ZIP_LISTS fields kinds)
      if(kind STREQUAL "s")
        string(REPLACE "\\" "\\\\" field "${field}")
        string(REPLACE "\"" "\\\"" field "${field}")
        set(field "\"${field}\"")
      endif()
      list(APPEND cells "${field}")
    endforeach()
    list(JOIN cells ", " cells)
    string(APPEND rows "    {${cells}},\n")
  endforeach()
  file(CONFIGURE OUTPUT "${out}" CONTENT
"// Generated from engine/data/${name} by embed_cameo.cmake. Do not edit.
#include \"cameo/cameo_table.h\"

namespace annals::internal {

const ${type} ${array}[] = {
@rows@};
const size_t ${array}Size = sizeof(${array}) / sizeof(${array}[0]);

}  // namespace annals::internal
" @ONLY)
endfunction()

set(ANNALS_CAMEO_GENERATED "${CMAKE_CURRENT_BINARY_DIR}/generated/cameo_table.cc")
annals_embed_tsv("${CMAKE_CURRENT_LIST_DIR}/cameo-codebook.tsv" "${ANNALS_CAMEO_GENERATED}"
  CameoCode kCameoTable s s s n n)
set(ANNALS_CAMEO_COUNTRIES_GENERATED "${CMAKE_CURRENT_BINARY_DIR}/generated/cameo_countries.cc")
annals_embed_tsv("${CMAKE_CURRENT_LIST_DIR}/cameo-countries.tsv"
  "${ANNALS_CAMEO_COUNTRIES_GENERATED}" CameoCountry kCameoCountries s s)
