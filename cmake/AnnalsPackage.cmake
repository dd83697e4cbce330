# The installable package: `cmake --install` puts the public headers, a
# shared libannals, the `annals` CLI, a CMake package (find_package(annals
# CONFIG) -> annals::engine) and a pkg-config file (annals.pc) under the
# prefix.
#
# The installed library is shared so that RocksDB, Cap'n Proto, simdjson,
# utf8proc and xxhash stay private to it: a consumer needs only Abseil, which
# the public headers use (absl::Status). The build tree's static
# annals_engine is linked whole into it, so no source is compiled twice.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(annals_shared SHARED "${PROJECT_SOURCE_DIR}/engine/src/shared_library.cc")
# The soname's number: raise it whenever the ABI changes (1: Engine gained
# WaitForProjection and its services hook; internals no longer exported).
set(ANNALS_SOVERSION 1)
set_target_properties(annals_shared PROPERTIES
  OUTPUT_NAME annals
  EXPORT_NAME engine
  VERSION ${PROJECT_VERSION}
  SOVERSION ${ANNALS_SOVERSION}
  CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
target_link_libraries(annals_shared
  PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,annals_engine>"
  PUBLIC absl::status absl::statusor absl::time absl::strings)
target_include_directories(annals_shared PUBLIC
  "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/engine/include>"
  "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
# The headers use std::span and <=>.
target_compile_features(annals_shared INTERFACE cxx_std_20)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/engine/include/annals"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS annals_shared EXPORT annalsTargets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(TARGETS annals RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(EXPORT annalsTargets NAMESPACE annals::
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/cmake/annals")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/annalsConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/annalsConfig.cmake"
  INSTALL_DESTINATION "${CMAKE_INSTALL_LIBDIR}/cmake/annals")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/annalsConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/annalsConfig.cmake"
              "${PROJECT_BINARY_DIR}/annalsConfigVersion.cmake"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/cmake/annals")
file(RELATIVE_PATH ANNALS_PC_TO_PREFIX
  "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file("${CMAKE_CURRENT_LIST_DIR}/annals.pc.in"
  "${PROJECT_BINARY_DIR}/annals.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/annals.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
