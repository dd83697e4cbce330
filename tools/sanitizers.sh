# Sourced by tools/dev.sh and tools/fuzz.sh: configuring the sanitizer
# builds (clang; the system libraries stay uninstrumented).
#   asan_configure DIR   ASan + UBSan (+ libFuzzer instrumentation) build of
#                        everything, with the fuzz targets
#   tsan_configure DIR   TSan build (engine and tests; build only the
#                        concurrency tests, see tools/dev.sh)
sanitizer_common=(-G Ninja -DCMAKE_BUILD_TYPE=Sanitize
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
  -DANNALS_BUILD_BENCH=OFF
  # The Python module would need the sanitizer runtime preloaded into
  # /usr/bin/python3; its tests run in the plain build.
  -DANNALS_BUILD_PYTHON=OFF)

# ASan's debug info: line tables (-g1) by default, for findings with file
# and line; tools/dev.sh's CI run takes -g0 (function names only), which
# compiles about a third faster (CI's 40 minutes).
asan_configure() {
  local flags="-O1 ${ANNALS_ASAN_DEBUG:--g1} -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
  cmake -S . -B "$1" "${sanitizer_common[@]}" -DANNALS_BUILD_FUZZ=ON \
    "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags -fsanitize=fuzzer-no-link" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
}

tsan_configure() {
  local flags="-O1 -g1 -fno-omit-frame-pointer -fsanitize=thread"
  cmake -S . -B "$1" "${sanitizer_common[@]}" -DANNALS_TSAN_ABSL_SHIM=ON \
    "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -Wl,--version-script=$(pwd)/tools/tsan/exports.map" >/dev/null
}

# Runtime options: fail on the first report, with readable stacks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/tools/tsan/suppressions.txt}
