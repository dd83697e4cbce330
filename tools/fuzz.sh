#!/usr/bin/env bash
# Runs libFuzzer targets (fuzz/) under ASan + UBSan:
#   bash tools/fuzz.sh TARGET|all [SECONDS]   (default 60 seconds each)
# Targets: fuzz/CMakeLists.txt (jsonl_statement, event_decode, time_args, ...).
# Builds ${ANNALS_ASAN_BUILD_DIR:-build-asan} first (tools/dev.sh installs
# clang). Seeds come from fuzz/corpus/TARGET and fuzz/regressions/TARGET;
# new inputs go to fuzz-out/TARGET/corpus. A failure leaves the input in
# fuzz-out/TARGET/ (crash-*, leak-*, timeout-*): after fixing it, copy it
# into fuzz/regressions/TARGET/, where every test run replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-}
seconds=${2:-60}
build=${ANNALS_ASAN_BUILD_DIR:-build-asan}
if [ -z "$target" ]; then
  echo "usage: bash tools/fuzz.sh TARGET|all [SECONDS]" >&2
  exit 1
fi
source tools/sanitizers.sh
if [ "${ANNALS_FUZZ_NO_BUILD:-}" != 1 ]; then
  asan_configure "$build"
  cmake --build "$build" -j"$(nproc)" --target $(sed -n 's/^annals_fuzzer(\([a-z0-9_]*\) .*/fuzz_\1/p' fuzz/CMakeLists.txt)
fi
if [ "$target" = all ]; then
  targets=$(sed -n 's/^annals_fuzzer(\([a-z0-9_]*\) .*/\1/p' fuzz/CMakeLists.txt)
else
  targets=$target
fi
for t in $targets; do
  bin="$build/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "no fuzz target $t ($bin)" >&2; exit 1; }
  out="fuzz-out/$t"
  mkdir -p "$out/corpus"
  dirs=("$out/corpus")
  for d in "fuzz/corpus/$t" "fuzz/regressions/$t"; do [ -d "$d" ] && dirs+=("$d"); done
  echo "== fuzzing $t for ${seconds}s"
  "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/" "${dirs[@]}" 2>"$out/log" || {
      tail -40 "$out/log" >&2
      echo "fuzz target $t failed; the input is in $out/" >&2
      exit 1
    }
  grep -E "stat::number_of_executed_units|stat::peak_rss" "$out/log" | tr '\n' ' '; echo
done
