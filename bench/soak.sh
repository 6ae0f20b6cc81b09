#!/usr/bin/env bash
# Soak test of `tollgate serve` (issue 9, item 7). Not part of CI: the full run
# takes ten minutes and both cores; run it by hand before a release.
#
#   bench/soak.sh [BUILD_DIR] [MINUTES]      (MINUTES: 10 by default, 1 for a quick check)
#
# Starts the server on loopback with the shipped policies (policies/library:
# templates, constraints, mutators) plus bench/soak/'s slow policy, and dev
# certificates; then for MINUTES:
#   - wrk POSTs to /validate over TLS with keep-alive (bench/soak/soak.lua),
#     alternating a Pod the policies allow and one they deny, and checks every
#     answer (HTTP 200, its uid, allowed or denied as it should be);
#   - every 10 s the policies are reloaded, alternately by rewriting a policy
#     file (written aside and renamed) and by SIGHUP;
#   - every 30 s the serving certificate is swapped: a new key and certificate
#     from the same CA, written aside and renamed over the served files;
#   - every second one slow-policy request (a Namespace whose Rego would loop
#     over 3000^3 triples) is sent with ?timeout=500ms on a new connection: it
#     must come back at once as the time-budget denial (HTTP 200, allowed
#     false, code 500, "exceeded its time budget"), never hang;
#   - the server's resident memory (VmRSS) is printed every minute (every
#     15 s in a 1-minute run).
# At the end it prints the totals and exits 1 when any request that should
# have succeeded failed (a socket error, a non-2xx answer, a wrong decision, a
# slow request not answered with the timeout denial, a reload that did not
# happen or failed, a certificate swap not picked up) or when RSS grew by more
# than SOAK_RSS_GROWTH_KB (default 32768 kB) from the first sample after
# warm-up to the last.
#
# Environment: CONNECTIONS (wrk connections, default 8), SERVER_THREADS (I/O
# and evaluation threads, default 2), SOAK_RSS_GROWTH_KB.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
minutes="${2:-10}"
connections="${CONNECTIONS:-8}"
server_threads="${SERVER_THREADS:-2}"
rss_growth_limit_kb="${SOAK_RSS_GROWTH_KB:-32768}"
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 ]] || { echo "soak.sh: MINUTES must be a whole number >= 1" >&2; exit 2; }
for tool in wrk curl openssl; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$build/tollgate" ] || { echo "soak.sh: no $build/tollgate (build the tollgate target)" >&2; exit 1; }
seconds=$((minutes * 60))
rss_interval=60
[ "$minutes" -eq 1 ] && rss_interval=15

work="$(mktemp -d)"
server=""
helpers=()
cleanup() {
  for pid in "${helpers[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- policies and certificates -------------------------------------------
mkdir -p "$work/policies"
cp -r "$here/policies/library/templates" "$here/policies/library/constraints" "$here/policies/library/mutators" \
  "$work/policies/"
cp "$here/bench/soak/slow-template.yaml" "$here/bench/soak/slow-constraint.yaml" "$work/policies/"
reload_target="$work/policies/constraints/images-must-be-pinned.yaml"
cp "$reload_target" "$work/reload-original.yaml"

bash "$here/certs/make-dev-certs.sh" "$work/certs" >/dev/null
# A new serving key and certificate from the development CA, written aside
# and renamed over the served files (key first: until the certificate
# follows, the pair does not load and the server keeps the previous one).
swap_certificate() {
  local n="$1" next="$work/certs/next"
  mkdir -p "$next"
  openssl ecparam -name prime256v1 -genkey -noout -out "$next/tls.key" 2>/dev/null
  openssl req -new -key "$next/tls.key" -subj "/CN=tollgate.soak-$n.svc" -out "$next/tls.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$next/ext"
  openssl x509 -req -in "$next/tls.csr" -CA "$work/certs/ca.crt" -CAkey "$work/certs/ca.key" \
    -set_serial "$((1000 + n))" -sha256 -days 2 -extfile "$next/ext" -out "$next/tls.crt" 2>/dev/null
  mv "$next/tls.key" "$work/certs/tls.key"
  mv "$next/tls.crt" "$work/certs/tls.crt"
}

# --- server ----------------------------------------------------------------
# One log line per denied request would make gigabytes: those are dropped,
# everything else is kept.
"$build/tollgate" serve --policies "$work/policies" \
  --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" \
  --addr 127.0.0.1:0 --metrics-addr 127.0.0.1:0 --threads "$server_threads" --eval-threads "$server_threads" \
  --ready-file "$work/ready" 2> >(grep --line-buffered -v '"msg":"admission denied"' > "$work/server.log") &
server=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
url="$(grep -o 'https://[^ ]*' "$work/ready" | head -1 || true)"
metrics_url="$(grep -o 'http://[^ ]*' "$work/ready" | head -1 || true)"
[ -n "$url" ] || { echo "soak.sh: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0; }
echo "soak: server $url (pid $server, $server_threads I/O + $server_threads evaluation threads), RSS $(rss_kb) kB at start"
echo "soak: ${minutes} min of wrk (1 thread, $connections connections); reload every 10 s, certificate swap every 30 s, slow request every 1 s"

start=$(date +%s)
end=$((start + seconds))

# --- the load ----------------------------------------------------------------
wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$here/bench/soak/soak.lua" "$url" > "$work/wrk.out" 2>&1 &
wrk_pid=$!
helpers+=("$wrk_pid")

# Every 10 s: a reload, by file (rewritten aside, renamed) or by SIGHUP in turn.
(
  n=0
  while sleep 10; [ "$(date +%s)" -lt "$end" ]; do
    n=$((n + 1))
    if [ $((n % 2)) -eq 1 ]; then
      { cat "$work/reload-original.yaml"; echo "# soak reload $n"; } > "$work/policies/.reload.tmp"
      mv "$work/policies/.reload.tmp" "$reload_target"
    else
      kill -HUP "$server"
    fi
    echo "$n" > "$work/reloads"
  done
) &
helpers+=("$!")

# Every 30 s: a certificate swap.
(
  n=0
  while sleep 30; [ "$(date +%s)" -lt "$end" ]; do
    n=$((n + 1))
    swap_certificate "$n"
    echo "$n" > "$work/swaps"
  done
) &
helpers+=("$!")

# Every second: one slow-policy request on a new connection (which also
# makes the server look at the certificate files).
(
  while [ "$(date +%s)" -lt "$end" ]; do
    t0=$(date +%s.%N)
    answer="$(curl -sS --cacert "$work/certs/ca.crt" --max-time 5 -o - -w '\n%{http_code} %{time_total}' \
      -H 'Content-Type: application/json' --data-binary @"$here/bench/soak/slow-review.json" \
      "$url/validate?timeout=500ms" 2>&1 || true)"
    status_line="$(tail -n1 <<<"$answer")"
    body="$(head -n -1 <<<"$answer")"
    if [[ "$status_line" == 200\ * ]] && grep -q '"allowed":false' <<<"$body" && grep -q '"code":500' <<<"$body" &&
      grep -q 'exceeded its time budget' <<<"$body"; then
      echo "timeout-denial ${status_line#* }" >> "$work/slow.log"
    else
      echo "WRONG $(tr '\n' ' ' <<<"$answer" | cut -c1-300)" >> "$work/slow.log"
    fi
    # One a second, whatever the answer took.
    sleep "$(awk -v t0="$t0" -v now="$(date +%s.%N)" 'BEGIN { d = 1 - (now - t0); print (d > 0 ? d : 0) }')"
  done
) &
helpers+=("$!")

# Every minute (15 s in a 1-minute run): resident memory.
rss_samples=()
elapsed=0
while [ "$elapsed" -lt "$seconds" ]; do
  sleep "$rss_interval"
  elapsed=$((elapsed + rss_interval))
  kill -0 "$server" 2>/dev/null || { echo "soak: the server died" >&2; cat "$work/server.log" | tail -20 >&2; exit 1; }
  rss="$(rss_kb)"
  rss_samples+=("$rss")
  echo "soak: t=${elapsed}s RSS ${rss} kB"
done
wait "$wrk_pid" || true
sleep 2  # the last slow request and reload

# --- results -----------------------------------------------------------------
metrics="$(curl -sS "$metrics_url/metrics" || true)"
kill -TERM "$server"
for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done

value() { awk -v k="$1" '$1 == "soak:" && $2 == k {print $3}' "$work/wrk.out"; }
failures=0
fail() { echo "soak: FAIL: $*"; failures=$((failures + 1)); }

requests="$(value requests)"
[ -n "$requests" ] || { echo "soak: wrk printed no results:" >&2; cat "$work/wrk.out" >&2; exit 1; }
echo "soak: ---- results after ${minutes} min ----"
grep '^soak:' "$work/wrk.out"
reloads="$(cat "$work/reloads" 2>/dev/null || echo 0)"
swaps="$(cat "$work/swaps" 2>/dev/null || echo 0)"
reloaded="$(grep -c '"msg":"policies reloaded"' "$work/server.log" || true)"
reload_errors="$(grep -c '"msg":"policy reload failed' "$work/server.log" || true)"
cert_reloads="$(grep -c '"msg":"reloaded TLS certificate"' "$work/server.log" || true)"
slow_total="$(wc -l < "$work/slow.log" 2>/dev/null || echo 0)"
slow_ok="$(grep -c '^timeout-denial' "$work/slow.log" || true)"
slow_max="$(awk '/^timeout-denial/ { if ($2 > m) m = $2 } END { printf "%.3f", m }' "$work/slow.log")"
echo "soak: reloads_done $reloads; policies_reloaded_log_lines $reloaded; reload_errors $reload_errors"
echo "soak: certificate_swaps $swaps; certificate_reloads_log_lines $cert_reloads"
echo "soak: slow_requests $slow_total; answered_with_timeout_denial $slow_ok; slowest ${slow_max}s"
grep '^WRONG' "$work/slow.log" | head -5 | sed 's/^/soak: slow answer: /' || true
echo "soak: $(grep -E '^tollgate_eval_rejected_total|^tollgate_policy_reload_total' <<<"$metrics" | tr '\n' ' ')"
first_rss="${rss_samples[0]}"
last_rss="${rss_samples[${#rss_samples[@]} - 1]}"
growth=$((last_rss - first_rss))
echo "soak: RSS first sample ${first_rss} kB, last ${last_rss} kB, growth ${growth} kB (bound ${rss_growth_limit_kb} kB)"

[ "$(value socket_errors)" = 0 ] || fail "socket errors: $(value socket_errors_detail)"
[ "$(value non_2xx)" = 0 ] && [ "$(value not_200)" = 0 ] || fail "non-2xx answers: $(value non_2xx)"
[ "$(value allow_wrong)" = 0 ] || fail "$(value allow_wrong) requests that should be allowed were not"
[ "$(value deny_wrong)" = 0 ] || fail "$(value deny_wrong) requests that should be denied were not"
[ "$(value unknown)" = 0 ] || fail "$(value unknown) answers for an unknown uid"
[ "$(value allow_ok)" -gt 0 ] && [ "$(value deny_ok)" -gt 0 ] || fail "no allowed or no denied answers"
[ "$slow_total" -gt 0 ] && [ "$slow_ok" = "$slow_total" ] || fail "$((slow_total - slow_ok)) of $slow_total slow requests not answered with the timeout denial"
[ "$reload_errors" = 0 ] || fail "$reload_errors policy reloads failed"
[ "$reloaded" -ge "$reloads" ] || fail "$reloads reloads done but only $reloaded logged"
[ "$cert_reloads" -ge "$swaps" ] || fail "$swaps certificate swaps but only $cert_reloads picked up"
[ "$growth" -le "$rss_growth_limit_kb" ] || fail "RSS grew by ${growth} kB (bound ${rss_growth_limit_kb} kB)"
if [ "$failures" -gt 0 ]; then
  echo "soak: $failures check(s) failed; last server log lines:"
  tail -5 "$work/server.log"
  exit 1
fi
echo "soak: PASS"
