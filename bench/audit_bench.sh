#!/usr/bin/env bash
# Audit at scale (issue 11): `tollgate audit` over a generated cluster dump
# against the gatekeeper-library's 49 templates and their sample constraints.
#
#   bench/audit_bench.sh [BUILD_DIR] [OBJECTS...]      (default: build 100000)
#
# For each OBJECTS count it generates (once, cached under $AUDIT_BENCH_DIR,
# default /tmp/tollgate-audit-bench) a deterministic `kubectl get -A -o json`
# List of that many objects across 500 namespaces (bench/gen_cluster.py),
# then runs
#   tollgate audit -f dump.json --policies <templates + constraints> -o json
# under /usr/bin/time -v and prints wall time, user time, max RSS and
# objects/s. Environment:
#   AUDIT_BENCH_MODE=all      data.inventory is the whole dump (default)
#   AUDIT_BENCH_MODE=synconly a Config among the policies syncs only
#                             Namespaces, so the objects need not be kept
#   AUDIT_BENCH_TIMEOUT=600   seconds before the run is stopped
#   AUDIT_BENCH_ARGS          extra arguments for tollgate audit
# Targets (report, don't assert): <= 10 s on 2 cores, <= 400 MB resident.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-build}"
shift || true
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(100000)
[[ "$build" = /* ]] || build="$root/$build"
tollgate="$build/tollgate"
library="$root/../shared/testdata/gatekeeper-library/library"
work="${AUDIT_BENCH_DIR:-/tmp/tollgate-audit-bench}"
mode="${AUDIT_BENCH_MODE:-all}"
timeout_s="${AUDIT_BENCH_TIMEOUT:-600}"

[[ -x "$tollgate" ]] || { echo "no $tollgate: cmake --build $build --target tollgate" >&2; exit 2; }
[[ -d "$library" ]] || { echo "no gatekeeper-library at $library" >&2; exit 2; }
if [[ ! -x /usr/bin/time ]]; then
  echo "/usr/bin/time missing: apt-get install -y time" >&2
  exit 2
fi
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3
mkdir -p "$work"

# The policies: every template of the library and the constraint of each of its samples.
policies="$work/policies-$mode"
rm -rf "$policies"
mkdir -p "$policies"
templates=$("$python" "$here/library_policies.py" "$library" "$policies")
constraints=$(find "$policies" -name '*-constraint.yaml' | wc -l)
if [[ "$mode" = synconly ]]; then
  cat > "$policies/config.yaml" <<'EOF'
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata:
  name: config
  namespace: gatekeeper-system
spec:
  sync:
    syncOnly:
      - group: ""
        version: v1
        kind: Namespace
EOF
fi

printf '%-8s %-9s %9s %9s %9s %10s %11s %s\n' objects mode wall_s user_s sys_s max_rss_MB objects/s violations
for n in "${counts[@]}"; do
  dump="$work/dump-$n.json"
  if [[ ! -s "$dump" ]]; then
    "$python" "$here/gen_cluster.py" "$n" > "$dump.tmp"
    mv "$dump.tmp" "$dump"
  fi
  report="$work/report-$n-$mode.json"
  stats="$work/time-$n-$mode.txt"
  rc=0
  # shellcheck disable=SC2086
  timeout "$timeout_s" /usr/bin/time -v "$tollgate" audit -f "$dump" --policies "$policies" -o json \
    --output-file "$report" --fail-on never ${AUDIT_BENCH_ARGS:-} 2> "$stats" || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "$n objects: tollgate audit exited $rc (124 = over ${timeout_s} s); see $stats" >&2
    continue
  fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$stats")
  user=$(awk -F': ' '/User time/ {print $2}' "$stats")
  sys=$(awk -F': ' '/System time/ {print $2}' "$stats")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$stats")
  violations=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["totalViolations"])' "$report" 2>/dev/null || echo "?")
  rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "-" }')
  printf '%-8s %-9s %9s %9s %9s %10s %11s %s\n' "$n" "$mode" "$wall" "$user" "$sys" "$rss" "$rate" "$violations"
done
echo "($templates templates, $constraints constraints; reports in $work)"
