#!/usr/bin/env bash
# Installs what is needed, builds, makes fresh dev certificates and starts the
# webhook on https://127.0.0.1:8443 (metrics on http://127.0.0.1:9090/metrics)
# with the shipped platform pack (the README's run command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh

build=${TOLLGATE_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTOLLGATE_BUILD_TESTS=OFF -DTOLLGATE_BUILD_BENCH=OFF
cmake --build "$build" -j"$(nproc)" --target tollgate

bash certs/make-dev-certs.sh certs/out
exec "$build/tollgate" serve \
  --policies policies/library/templates --policies policies/library/constraints --policies policies/library/mutators \
  --tls-cert certs/out/tls.crt --tls-key certs/out/tls.key \
  --addr 127.0.0.1:8443 --metrics-addr 127.0.0.1:9090
