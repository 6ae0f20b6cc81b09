#!/usr/bin/env bash
# The second CI build: everything (tests, tollgate, the libFuzzer targets) with
# clang's AddressSanitizer + UndefinedBehaviorSanitizer, then the whole ctest
# suite under them, then every fuzz target for a short bounded time.
# Any sanitizer report fails the run (halt_on_error; leaks are reports too).
#   .ci/sanitize.sh            (after .ci/test.sh, which installs the dependencies)
#   TOLLGATE_SANITIZE_BUILD_DIR=dir  build somewhere else than build-asan
#   TOLLGATE_FUZZ_SECONDS=N          seconds per fuzz target (default 20; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${TOLLGATE_SANITIZE_BUILD_DIR:-build-asan}
fuzz_seconds=${TOLLGATE_FUZZ_SECONDS:-20}
jobs=$(nproc)

# The same configure line as the fuzz build, so ccache shares the objects.
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTOLLGATE_SANITIZE=ON -DTOLLGATE_FUZZ=ON -DTOLLGATE_BUILD_BENCH=OFF "${launcher[@]}"
start=$SECONDS
# "all" is the tests, tollgate and the fuzz executables (the "fuzzers" target).
cmake --build "$build" -j"$jobs"
echo "sanitize: build took $((SECONDS - start)) s"

bash tests/conformance/fetch_cel_spec.sh "$build/cel-spec"

# detect_leaks: LeakSanitizer runs at every test process's exit.
# Intended process-lifetime allocations are listed, with a reason each, in lsan.supp.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:check_initialization_order=1:strict_init_order=1"
export LSAN_OPTIONS=""
[[ -f .ci/lsan.supp ]] && LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

start=$SECONDS
# The container image is a Release artifact (size bound, stripped binary): .ci/test.sh's build tests it.
(cd "$build" && ctest --output-on-failure -j"$jobs" -E '^the container image ')
echo "sanitize: tests took $((SECONDS - start)) s"

if [[ -f bench/fuzz.sh && "$fuzz_seconds" != 0 ]]; then
  start=$SECONDS
  bash bench/fuzz.sh "$build" "$fuzz_seconds"
  echo "sanitize: fuzzing took $((SECONDS - start)) s"
fi
