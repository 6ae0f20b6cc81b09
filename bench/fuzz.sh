#!/usr/bin/env bash
# Runs the libFuzzer targets (every *_fuzz.cpp under rules/ policies/ webhook/
# cli/, built by `cmake --build BUILD_DIR --target fuzzers` in a build
# configured with -DTOLLGATE_FUZZ=ON) one after the other:
#
#   bash bench/fuzz.sh BUILD_DIR SECONDS [TARGET...]
#
# TARGET is a CMake name (fuzz_rego_compiler) or its short form (rego_compiler);
# none = all. Each target gets SECONDS of fuzzing (-max_total_time), or, when
# TOLLGATE_FUZZ_RUNS=N is set, stops after N executions as well.
#
# Seeds: BUILD_DIR/fuzz-corpus/<target>/ is filled once by BUILD_DIR/fuzz_seeds
# from ../shared/testdata (gatekeeper-library, rego-differential,
# cel-differential, vap-differential, OPA cases), this repository's policies/
# and the e2e fixtures (delete the folder to re-seed); libFuzzer adds what it
# finds there, so later runs start from everything found before. The inputs
# of crashes found and fixed (<source>_fuzz_corpus/ beside each target) are
# replayed first and read as seeds; <source>_fuzz.dict is the target's
# dictionary when present.
#
# Prints a table target / execs / exec/s / result, appends it to
# BUILD_DIR/fuzz-logs/history.tsv (a run stopped with SIGINT is `interrupted`:
# its executions count, nothing crashed), and exits non-zero when any target crashed,
# leaked, timed out or ran out of memory (the input is kept in
# BUILD_DIR/fuzz-crashes/<target>/, the log in BUILD_DIR/fuzz-logs/<target>.log).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

if (($# < 2)); then
  echo "usage: bench/fuzz.sh BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
shared=${TOLLGATE_SHARED_DIR:-$repo/../shared}/testdata

# Longest input per target: enough for the largest seed of its kind, small
# enough that every execution stays fast.
max_len() {
  case $1 in
    fuzz_mutation_path | fuzz_mutation_image_reference | fuzz_k8s_quantity) echo 1024 ;;
    fuzz_cel_compiler | fuzz_match_label_selector) echo 4096 ;;
    fuzz_rego_compiler) echo 16384 ;;
    *) echo 65536 ;;
  esac
}

# name -> source, as CMake names them (rules/rego/compiler_fuzz.cpp -> fuzz_rego_compiler).
declare -A source_of
while IFS= read -r src; do
  parent=$(basename "$(dirname "$src")")
  stem=$(basename "$src" .cpp)
  source_of["fuzz_${parent}_${stem%_fuzz}"]=$src
done < <(find rules policies webhook cli -name '*_fuzz.cpp' | sort)

targets=()
if (($#)); then
  for t in "$@"; do
    [[ $t == fuzz_* ]] || t=fuzz_$t
    [[ -n ${source_of[$t]:-} ]] || { echo "fuzz.sh: no target $t" >&2; exit 2; }
    targets+=("$t")
  done
else
  mapfile -t targets < <(printf '%s\n' "${!source_of[@]}" | sort)
fi

for t in "${targets[@]}"; do
  [[ -x $build/$t ]] || { echo "fuzz.sh: $build/$t is not built (cmake --build $build --target fuzzers)" >&2; exit 2; }
done

corpus=$build/fuzz-corpus
if [[ ! -d $corpus ]]; then
  [[ -x $build/fuzz_seeds ]] || { echo "fuzz.sh: $build/fuzz_seeds is not built" >&2; exit 2; }
  sources=("$repo/policies" "$repo/tests/e2e/fixtures")
  [[ -d $shared ]] && sources+=("$shared")
  echo "fuzz.sh: extracting seeds from ${sources[*]}"
  # The extractor is built with the sanitizers too; its own leaks are not the point here.
  if ! ASAN_OPTIONS=detect_leaks=0 "$build/fuzz_seeds" "$corpus.tmp" "${sources[@]}"; then
    echo "fuzz.sh: seed extraction failed" >&2
    exit 1
  fi
  mv "$corpus.tmp" "$corpus"
fi

mkdir -p "$build/fuzz-logs" "$build/fuzz-crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
rows=()
for t in "${targets[@]}"; do
  src=${source_of[$t]}
  regressions=${src%.cpp}_corpus
  dict=${src%.cpp}.dict
  mkdir -p "$corpus/$t" "$build/fuzz-crashes/$t"
  log=$build/fuzz-logs/$t.log
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
        -print_final_stats=1 -artifact_prefix="$build/fuzz-crashes/$t/")
  [[ -n ${TOLLGATE_FUZZ_RUNS:-} ]] && args+=(-runs="$TOLLGATE_FUZZ_RUNS")
  [[ -f $dict ]] && args+=(-dict="$dict")
  dirs=("$corpus/$t")
  [[ -d $regressions ]] && dirs+=("$regressions")
  echo "fuzz.sh: $t for ${seconds}s"
  "$build/$t" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  result=ok
  if ((rc != 0)) && grep -q 'libFuzzer: run interrupted' "$log"; then
    # Stopped from outside (SIGINT, e.g. at the end of a session): the executions count, nothing crashed.
    result=interrupted
  elif ((rc != 0)); then
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -o -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+( [a-z-]+)?|runtime error: [^/]{0,60}' "$log" | head -1)
    result="FAILED rc=$rc ${kind:-see log} ${artifact:-}"
    tail -40 "$log" >&2
  fi
  rows+=("$t	${execs:-0}	${rate:-0}	$result")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-0}" "${rate:-0}" "$result" \
    >>"$build/fuzz-logs/history.tsv"
done

printf '\n%-34s %12s %8s  %s\n' target execs exec/s result
for row in "${rows[@]}"; do
  IFS=$'\t' read -r t execs rate result <<<"$row"
  printf '%-34s %12s %8s  %s\n' "$t" "$execs" "$rate" "$result"
done
exit $failed
