#!/usr/bin/env bash
# Load test of /validate over TLS with keep-alive: starts `tollgate serve` with
# all 49 gatekeeper-library templates (CEL where a template has it, else Rego;
# TEMPLATES=cel keeps only the 16 with CEL) and their sample constraints,
# runs wrk with bench/validate.lua against it, prints requests/s and latency
# percentiles, and stops the server. POLICIES=DIR serves that folder instead
# (e.g. the one bench/library_policies.py writes); TOLLGATE_BENCH_BODY=FILE
# posts that AdmissionReview (see bench/validate.lua).
#   bench/run_wrk.sh [BUILD_DIR] [CONNECTIONS] [SECONDS] [SERVER_THREADS]
# PERF_DATA=FILE records the server under load with `perf record -g` into FILE
# (then `perf report -i FILE --no-children`). SERVER_WRAPPER="valgrind
# --tool=callgrind --callgrind-out-file=FILE" runs the server under that
# command (exact call counts: callgrind_annotate --tree=caller FILE).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
connections="${2:-8}"
seconds="${3:-10}"
threads="${4:-1}"
library="$here/../shared/testdata/gatekeeper-library/library"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; cat "$work/server.log" | tail -3 >&2; rm -rf "$work"' EXIT
policies="$work/policies"
mkdir -p "$policies"
templates=0
[ -n "${POLICIES:-}" ] && policies="$(cd "$POLICIES" && pwd)"
for template in "$library"/*/*/template.yaml; do
  [ -n "${POLICIES:-}" ] && break
  if [ "${TEMPLATES:-all}" = cel ]; then grep -q "engine: K8sNativeValidation" "$template" || continue; fi
  name="$(basename "$(dirname "$template")")"
  cp "$template" "$work/policies/$name-template.yaml"
  for constraint in "$(dirname "$template")"/samples/*/constraint.yaml; do
    # Several samples reuse one constraint name; Gatekeeper keeps one object per (kind, name).
    id="$(awk '/^kind:/ {k=$2} /^  name:/ && !n {n=$2} END {print k "/" n}' "$constraint")"
    grep -qxF "$id" "$work/ids" 2>/dev/null && continue
    echo "$id" >> "$work/ids"
    cp "$constraint" "$work/policies/$name-$(basename "$(dirname "$constraint")")-constraint.yaml"
  done
  templates=$((templates + 1))
done
[ -n "${POLICIES:-}" ] && templates="$(ls "$policies" | grep -c template)"
echo "templates loaded: $templates; constraints: $(ls "$policies" | grep -c constraint)"

bash "$here/certs/make-dev-certs.sh" "$work/certs" >/dev/null
${SERVER_WRAPPER:-} "$build/tollgate" serve --policies "$policies" --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" \
  --addr 127.0.0.1:0 --metrics-addr 127.0.0.1:0 --threads "$threads" --ready-file "$work/ready" 2>"$work/server.log" &
server=$!
for _ in $(seq 1200); do [ -s "$work/ready" ] && break; sleep 0.1; done
url="$(grep -o 'https://[^ ]*' "$work/ready" | head -1)"
[ -n "$url" ] || { echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
echo "server: $url, $threads thread(s); wrk: 1 thread, $connections connections, ${seconds}s"
if [ -n "${PERF_DATA:-}" ]; then
  perf record -g -o "$PERF_DATA" -p "$server" -- sleep "$seconds" 2>"$work/perf.log" &
  perf_pid=$!
fi
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$here/bench/validate.lua" "$url"
if [ -n "${PERF_DATA:-}" ]; then wait "$perf_pid" || cat "$work/perf.log" >&2; fi
echo "server resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server/status")"
