#!/usr/bin/env bash
# The speed table of issue 13 in one command: Tollgate's figure for each row,
# the peers' where a file supplies them, and the goal.
#
#   bench/table.sh [BUILD_DIR]          (default: build; needs tollgate and tollgate_bench)
#
#   PEERS=FILE       peers' figures, "row<TAB>figure" lines (default:
#                    bench/peers-gatekeeper.tsv, Gatekeeper v3.19.3 as the issue measured it)
#   TABLE_SKIP=LIST  rows to leave out, comma-separated: micro,load,wrk
#   WRK_SECONDS=N    length of the load test (default 10)
#
# Rows:
#   micro  Google Benchmark medians of 5 repetitions (tollgate_bench): AdmissionReview
#          JSON in to the decision, one template + its sample constraint; and a Pod
#          against 1,000 requiredlabels constraints
#   load   bench/load_bench.sh: `tollgate test` of one Pod against the 49 library
#          templates + constraints, and `verify` of the whole library, whole process
#   wrk    bench/run_wrk.sh: /validate over TLS, the same 49 templates, a Pod with
#          15 violations (bench/validate-pod15.json), wrk 4 connections, serve
#          with 2 threads, all on this machine's cores
#
# Wall-clock figures move with the machine's load (printed first); instruction
# counts (load-independent) come from LOAD_BENCH_CALLGRIND=1 bench/load_bench.sh
# and callgrind runs of tollgate_bench. Figures go in notes, never in tests.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$root/$build"
peers="${PEERS:-$here/peers-gatekeeper.tsv}"
skip=",${TABLE_SKIP:-},"
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for binary in tollgate tollgate_bench; do
  [[ -x "$build/$binary" ]] || { echo "no $build/$binary: cmake --build $build --target $binary" >&2; exit 2; }
done

declare -A figure
echo "load: $(uptime)" >&2

if [[ "$skip" != *,micro,* ]]; then
  echo "== micro benchmarks (tollgate_bench, median of 5)" >&2
  "$build/tollgate_bench" \
    --benchmark_filter='^(BM_RegoReviewRequiredLabels|BM_ReviewRequiredLabelsCel|BM_RegoReviewContainerLimits|BM_RegoReviewPod1000Constraints)$' \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_format=json > "$work/micro.json"
  while IFS=$'\t' read -r name value; do figure[$name]=$value; done < <("$python" - "$work/micro.json" <<'EOF'
import json, sys
rows = {"BM_RegoReviewRequiredLabels": "requiredlabels-rego", "BM_ReviewRequiredLabelsCel": "requiredlabels-cel",
        "BM_RegoReviewContainerLimits": "containerlimits-rego", "BM_RegoReviewPod1000Constraints": "pod-1000"}
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median" or b["run_name"] not in rows:
        continue
    us = b["real_time"] * scale[b["time_unit"]]
    print(rows[b["run_name"]] + "\t" + (f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.2f} µs"))
EOF
)
fi

if [[ "$skip" != *,load,* ]]; then
  echo "== load (bench/load_bench.sh)" >&2
  LOAD_BENCH_DIR="$work/load" bash "$here/load_bench.sh" "$build" > "$work/load.txt" 2>&1
  while IFS=$'\t' read -r name value; do figure[$name]=$value; done < <(awk '
    /^== / { row = ($2 == "test:") ? "test" : "verify" }
    /Time \(mean/ { match($0, /: +[0-9.]+ [^ ]+/); t = substr($0, RSTART + 1, RLENGTH - 1); sub(/^ +/, "", t); time[row] = t }
    /mean of 10:/ { time[row] = $(NF - 1) " " $NF }
    /max RSS:/ { rss[row] = $(NF - 1) " " $NF }
    END { for (r in time) print r "\t" time[r] ", " rss[r] }' "$work/load.txt")
fi

if [[ "$skip" != *,wrk,* ]]; then
  echo "== /validate over TLS (bench/run_wrk.sh)" >&2
  mkdir -p "$work/policies"
  "$python" "$here/library_policies.py" "$root/../shared/testdata/gatekeeper-library/library" "$work/policies" > /dev/null
  POLICIES="$work/policies" TOLLGATE_BENCH_BODY="$here/validate-pod15.json" \
    bash "$here/run_wrk.sh" "$build" 4 "${WRK_SECONDS:-10}" 2 > "$work/wrk.txt" 2>&1 || { cat "$work/wrk.txt" >&2; exit 1; }
  figure[validate]=$(awk '
    /^requests\/s:/ { rps = $2 } /^p99:/ { p99 = $2 " " $3 }
    /^server resident memory:/ { mb = sprintf("%.1f MB", $4 / 1024) }
    /^errors:/ { errors = $0 }
    END { printf "%s req/s, p99 %s, %s", rps, p99, mb }' "$work/wrk.txt")
  grep -E '^(errors|templates loaded)' "$work/wrk.txt" >&2
fi

declare -A peer
if [[ -f "$peers" ]]; then
  while IFS=$'\t' read -r name value; do
    [[ -z "$name" || "$name" == \#* ]] || peer[$name]=$value
  done < "$peers"
fi

rows=(requiredlabels-rego requiredlabels-cel containerlimits-rego pod-1000 test verify validate)
declare -A title=(
  [requiredlabels-rego]="requiredlabels, Rego"
  [requiredlabels-cel]="requiredlabels, CEL"
  [containerlimits-rego]="containerlimits, Rego"
  [pod-1000]="Pod against 1,000 requiredlabels constraints"
  [test]="\`tollgate test\`, one object, 49 templates + constraints, whole process"
  [verify]="\`verify\` of the whole library, whole process"
  [validate]="/validate over TLS, 49 templates, a Pod with 15 violations, wrk 4 connections"
)
declare -A goal=(
  [requiredlabels-rego]="≤ 1.5 µs" [requiredlabels-cel]="≤ 1.5 µs" [containerlimits-rego]="≤ 6 µs"
  [pod-1000]="≤ 0.3 ms" [test]="≤ 10 ms" [verify]="≤ 0.08 s"
  [validate]="≥ 20,000 req/s, p99 ≤ 0.5 ms, ≤ 20 MB"
)
printf '| work | %s | Tollgate | goal |\n|---|---|---|---|\n' "$(basename "$peers" .tsv | sed 's/^peers-//')"
for row in "${rows[@]}"; do
  printf '| %s | %s | %s | %s |\n' "${title[$row]}" "${peer[$row]:-—}" "${figure[$row]:-—}" "${goal[$row]}"
done
