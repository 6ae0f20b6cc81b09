#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh --test

build=${TOLLGATE_BUILD_DIR:-build}
# ccache (when installed) only speeds up rebuilds on a machine that keeps its cache.
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
cmake --build "$build" -j"$(nproc)"

# The CEL conformance data comes from the npm package @bufbuild/cel-spec,
# dumped to JSON once (never at build time).
bash tests/conformance/fetch_cel_spec.sh "$build/cel-spec"

cd "$build"
ctest --output-on-failure -j"$(nproc)"
