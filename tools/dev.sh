#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root, or with sudo):
#   bash tools/dev.sh demo   install what is missing, build, import the bundled
#                            sample into ./annals-sample.db and list it back
#   bash tools/dev.sh test   install what is missing, build, run every test
# Environment: ANNALS_BUILD_DIR (default ./build).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  demo|test) ;;
  *) echo "usage: bash tools/dev.sh demo|test" >&2; exit 1 ;;
esac

# Debian 12 packages the build and the tests need.
packages=(
  build-essential cmake ninja-build pkg-config
  capnproto libcapnp-dev librocksdb-dev libabsl-dev
  libcli11-dev libsimdjson-dev libutf8proc-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-pandas python3-pytest
  zlib1g-dev libzip-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build=${ANNALS_BUILD_DIR:-build}
echo "== building in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)"

annals="$build/tools/annals"
case "$mode" in
  demo)
    db=./annals-sample.db
    echo "== importing tools/samples/rare-earths-talks.jsonl into $db"
    "$annals" --db "$db" import tools/samples/rare-earths-talks.jsonl
    echo "== annals --db $db log"
    "$annals" --db "$db" log
    echo "== annals --db $db timeline --actor 'donald trump'"
    "$annals" --db "$db" timeline --actor 'donald trump'
    echo "== annals --db $db stats"
    "$annals" --db "$db" stats
    ;;
  test)
    echo "== running the test suite"
    ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
    ;;
esac
