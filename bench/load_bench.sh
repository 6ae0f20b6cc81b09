#!/usr/bin/env bash
# Load time (issue 13 item 5): the two whole-process figures of the issue's table.
#
#   bench/load_bench.sh [BUILD_DIR]            (default: build)
#
#   test    tollgate test -f pod.yaml --policies <49 library templates + their sample constraints>
#   verify  tollgate verify <gatekeeper-library>/library/...
#
# For each: wall time (hyperfine -w 3, mean +- sd; falls back to 10 timed runs),
# peak RSS (/usr/bin/time -v) and, with LOAD_BENCH_CALLGRIND=1, the whole
# process's instruction count (valgrind --tool=callgrind, load-independent).
# The policies directory is the one bench/audit_bench.sh builds (first sample
# constraint of each name), written under $LOAD_BENCH_DIR (default
# /tmp/tollgate-load-bench). Goals (report, don't assert): test <= 10 ms,
# verify <= 0.08 s.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$root/$build"
tollgate="$build/tollgate"
library="$root/../shared/testdata/gatekeeper-library/library"
work="${LOAD_BENCH_DIR:-/tmp/tollgate-load-bench}"
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3

[[ -x "$tollgate" ]] || { echo "no $tollgate: cmake --build $build --target tollgate" >&2; exit 2; }
[[ -d "$library" ]] || { echo "no gatekeeper-library at $library" >&2; exit 2; }
mkdir -p "$work"

policies="$work/policies"
rm -rf "$policies"
mkdir -p "$policies"
"$python" "$here/library_policies.py" "$library" "$policies" > /dev/null
object="$work/pod.yaml"
cat > "$object" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.25
      resources:
        limits:
          cpu: 500m
          memory: 256Mi
EOF

test_cmd=("$tollgate" test -f "$object" --policies "$policies")
verify_cmd=("$tollgate" verify "$library/...")
echo "templates: $(ls "$policies"/*-template.yaml | wc -l), constraints: $(ls "$policies"/*-constraint.yaml | wc -l)"
echo "load: $(uptime)"

measure() {  # NAME CMD...
  local name="$1"
  shift
  echo "== $name: $*"
  if command -v hyperfine > /dev/null; then
    hyperfine -N -w 3 -i --style basic "$(printf '%q ' "$@")" 2>&1 | grep -E 'Time|Range' || true
  else
    local start end
    start=$(date +%s%N)
    for _ in 1 2 3 4 5 6 7 8 9 10; do "$@" > /dev/null 2>&1 || true; done
    end=$(date +%s%N)
    echo "  mean of 10: $(( (end - start) / 10000000 )) ms"
  fi
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$@" > /dev/null 2> "$work/time-$name.txt" || true
    awk -F': ' '/Maximum resident set size/ {printf "  max RSS: %.1f MB\n", $2 / 1024}' "$work/time-$name.txt"
  fi
  if [[ "${LOAD_BENCH_CALLGRIND:-0}" = 1 ]] && command -v valgrind > /dev/null; then
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind-$name.out" "$@" > /dev/null 2> "$work/callgrind-$name.txt" || true
    grep -o 'Collected : [0-9]*' "$work/callgrind-$name.txt" | awk '{print "  instructions (Ir): " $3}'
  fi
}

measure test "${test_cmd[@]}"
measure verify "${verify_cmd[@]}"
