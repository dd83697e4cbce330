# CTest script: install the build into a fresh prefix, then build and run
# tests/install/consumer against it, with CMake and with pkg-config. Fails if
# the consumer's compile commands reach into annals' source or build tree.
# -D BUILD_DIR= SOURCE_DIR= WORK_DIR= GENERATOR= SAMPLE= LIBDIR= [PYTHON_DIR=]
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR SAMPLE LIBDIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_install_test.cmake needs -D${v}=...")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")

foreach(f include/annals/engine.h include/annals/import.h ${LIBDIR}/cmake/annals/annalsConfig.cmake
          ${LIBDIR}/pkgconfig/annals.pc bin/annals)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE generated "${prefix}/include/*.capnp.h")
if(generated)
  message(FATAL_ERROR "generated Cap'n Proto headers were installed: ${generated}")
endif()

# CMake consumer. The package registry is off so only the prefix is found.
set(cbuild "${WORK_DIR}/consumer-build")
run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install/consumer" -B "${cbuild}"
    -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
run("${CMAKE_COMMAND}" --build "${cbuild}")
file(READ "${cbuild}/compile_commands.json" commands)
string(REGEX MATCHALL "(-I|-isystem )[^ \"]+" includes "${commands}")
foreach(flag IN LISTS includes)
  string(REGEX REPLACE "^(-I|-isystem )" "" dir "${flag}")
  string(FIND "${dir}" "${prefix}/" in_prefix)
  if(NOT in_prefix EQUAL 0 AND NOT dir MATCHES "^/usr/")
    message(FATAL_ERROR "the consumer's include path has ${dir}, outside the "
                        "install prefix:\n${commands}")
  endif()
endforeach()
run("${cbuild}/consumer" "${WORK_DIR}/store-cmake" "${SAMPLE}")
message(STATUS "cmake consumer:\n${out}")

# pkg-config consumer: the same program, compiled by hand.
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${prefix}/${LIBDIR}/pkgconfig")
run("${PKG_CONFIG}" --cflags --libs annals)
string(STRIP "${out}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(c++ -std=c++20 -O1 "${SOURCE_DIR}/tests/install/consumer/main.cc"
    ${flags} "-Wl,-rpath,${prefix}/${LIBDIR}" -o "${WORK_DIR}/consumer-pc")
run("${WORK_DIR}/consumer-pc" "${WORK_DIR}/store-pc" "${SAMPLE}")
message(STATUS "pkg-config consumer:\n${out}")
# The Python package, when built: importable from the prefix alone.
if(DEFINED PYTHON_DIR AND NOT PYTHON_DIR STREQUAL "")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env "PYTHONPATH=${prefix}/${PYTHON_DIR}" PYTHONDONTWRITEBYTECODE=1
            /usr/bin/python3 -c "import annals, sys; db = annals.open(sys.argv[1], read_only=True); print(annals.__file__, db.head)"
            "${WORK_DIR}/store-cmake"
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "^${prefix}/.* 17\n$")
    message(FATAL_ERROR "the installed Python package did not work (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "python: ${out}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
