#!/usr/bin/env bash
# Zero-error operations under load: wrk POSTs bench/validate.lua's review to
# /validate over TLS on loopback, on kept-alive connections and (a second wrk)
# on a new connection per request, while one of these happens:
#   baseline  nothing (the figures to compare with)
#   rotation  the certificate and key are replaced every 2 s, the way the
#             kubelet updates a Secret volume (new hidden folder, ..data link
#             renamed over); the server must hand the new one to new handshakes
#   reload    the policies, a ConfigMap-layout folder, are swapped every 1 s
#             (..data renamed over); the server must reload them each time
#   rollout   two servers behind haproxy (TCP mode, health check on /readyz);
#             each in turn gets SIGTERM, drains, exits 0 and is started again
# and prints, per scenario, requests, non-2xx answers and socket errors (wrk's
# connect/read/write/timeout counts). Exits 1 when any of those is not 0, when
# a server did not exit 0, or when a rotation or reload did not take effect.
#
#   bench/rollout.sh [BUILD_DIR]
#   SCENARIOS="baseline rotation reload rollout" SECONDS_EACH=20 CONNECTIONS=8 SHUTDOWN_DELAY=2 bench/rollout.sh build
#
# Why haproxy: it is a Debian package (installed here when missing), balances
# TLS as plain TCP like a Service does, checks /readyz over TLS, and retries a
# refused connection on the other server (option redispatch), which is what
# kube-proxy plus endpoint removal amount to. nginx's stream module cannot
# health-check (that is nginx Plus), so it would keep sending new connections
# to a draining server until they are refused.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
tollgate="$build/tollgate"
scenarios="${SCENARIOS:-baseline rotation reload rollout}"
seconds="${SECONDS_EACH:-20}"
connections="${CONNECTIONS:-8}"
shutdown_delay="${SHUTDOWN_DELAY:-2}"
template="$here/../shared/testdata/gatekeeper-library/library/general/requiredlabels/template.yaml"

[ -x "$tollgate" ] || { echo "no tollgate binary in $build" >&2; exit 2; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "rollout.sh needs: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 2
  fi
fi

work="$(mktemp -d)"
started=()  # pids of everything this script starts
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- folders laid out as the kubelet's atomic writer lays out a volume ------
# publish DIR NAME=FILE...: a new hidden folder with the files, ..data renamed
# over to it, a top-level link per name, the old folder removed.
generation=0
publish() {
  local dir="$1"; shift
  generation=$((generation + 1))
  local folder
  folder="..$(date -u +%Y_%m_%d_%H_%M_%S).$(printf '%09d' "$generation")"
  mkdir -p "$dir/$folder"
  local item
  for item in "$@"; do cp "${item#*=}" "$dir/$folder/${item%%=*}"; done
  local old=""
  [ -L "$dir/..data" ] && old="$(readlink "$dir/..data")"
  ln -s "$folder" "$dir/..data_tmp"
  mv -T "$dir/..data_tmp" "$dir/..data"
  for item in "$@"; do
    [ -L "$dir/${item%%=*}" ] || ln -s "..data/${item%%=*}" "$dir/${item%%=*}"
  done
  if [ -n "$old" ]; then rm -rf "${dir:?}/$old"; fi
}

constraint() {  # LABEL FILE: a K8sRequiredLabels constraint on Namespaces
  cat > "$2" <<EOF
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: must-have-$1
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Namespace"]
  parameters:
    labels:
      - key: $1
EOF
}
constraint owner "$work/owner.yaml"
constraint team "$work/team.yaml"
mkdir -p "$work/policies" "$work/tls"
publish "$work/policies" template.yaml="$template" constraint.yaml="$work/owner.yaml"
for n in 1 2 3; do bash "$here/certs/make-dev-certs.sh" "$work/certs$n" >/dev/null 2>&1; done
publish "$work/tls" tls.crt="$work/certs1/tls.crt" tls.key="$work/certs1/tls.key"

# --- servers -----------------------------------------------------------------
# start_server NAME [PORT]: starts tollgate serve, waits until it listens; sets
# server_pid and server_port.
start_server() {
  local name="$1" port="${2:-0}"
  rm -f "$work/$name.ready"
  "$tollgate" serve --policies "$work/policies" --tls-cert "$work/tls/tls.crt" --tls-key "$work/tls/tls.key" \
    --addr "127.0.0.1:$port" --metrics-addr 127.0.0.1:0 --threads 2 --eval-threads 2 \
    --shutdown-delay "$shutdown_delay" --ready-file "$work/$name.ready" 2>>"$work/$name.log" &
  server_pid=$!
  started+=("$server_pid")
  for _ in $(seq 100); do [ -s "$work/$name.ready" ] && break; sleep 0.1; done
  server_port="$(grep -o 'https://[^ ]*' "$work/$name.ready" | head -1 | sed 's/.*://')"
  [ -n "$server_port" ] || { echo "$name did not start:" >&2; cat "$work/$name.log" >&2; exit 1; }
  metrics_url="$(grep -o 'http://[^ ]*' "$work/$name.ready" | head -1)"
  eval "${name}_pid=$server_pid ${name}_port=$server_port ${name}_metrics=$metrics_url"
}

# stop_server NAME: SIGTERM, waits for the exit; a non-zero exit is a failure.
failures=0
stop_server() {
  local name="$1" pid_var="${1}_pid"
  local pid="${!pid_var}"
  local from
  from="$(date +%s%N)"
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  stopped_after="$(( ($(date +%s%N) - from) / 1000000 )) ms"
  if [ "$code" != 0 ]; then
    echo "  $name exited $code after SIGTERM" >&2
    failures=$((failures + 1))
  fi
}

metric() {  # METRICS_URL SERIES
  curl -s "$1/metrics" | awk -v s="$2" 'index($0, s " ") == 1 {print $2}'
}

free_port() {  # below the kernel's ephemeral range (32768-60999), unused
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# --- load --------------------------------------------------------------------
# load URL: wrk for $seconds on kept-alive connections and, alongside, on one
# connection per request, in the background; finish_load waits and sums.
load() {
  TOLLGATE_BENCH_DIR="$here/bench" wrk -t1 -c"$connections" -d"${seconds}s" --timeout 5s \
    -s "$here/bench/rollout.lua" "$1" >"$work/wrk-keepalive.out" 2>&1 &
  wrk_keepalive=$!
  TOLLGATE_BENCH_DIR="$here/bench" TOLLGATE_BENCH_CLOSE=1 wrk -t1 -c2 -d"${seconds}s" --timeout 5s \
    -s "$here/bench/rollout.lua" "$1" >"$work/wrk-close.out" 2>&1 &
  wrk_close=$!
  started+=("$wrk_keepalive" "$wrk_close")
}

field() { grep -o "rollout-result.*" "$1" | grep -o "$2=[0-9.]*" | cut -d= -f2; }

finish_load() {  # SCENARIO NOTE
  wait "$wrk_keepalive" || true
  wait "$wrk_close" || true
  local requests=0 non2xx=0 errors=0 detail="" out
  for out in "$work/wrk-keepalive.out" "$work/wrk-close.out"; do
    if ! grep -q rollout-result "$out"; then
      echo "wrk failed:" >&2; cat "$out" >&2; failures=$((failures + 1)); continue
    fi
    requests=$((requests + $(field "$out" requests)))
    non2xx=$((non2xx + $(field "$out" non2xx)))
    errors=$((errors + $(field "$out" socket_errors)))
    detail+=" $(basename "$out" .out | sed 's/wrk-//'): $(grep -o 'rollout-result.*' "$out" | sed 's/rollout-result //');"
  done
  printf '%-9s requests %7d   non-2xx %d   socket errors %d   %s\n' "$1" "$requests" "$non2xx" "$errors" "$2"
  echo "          $detail"
  if [ "$non2xx" != 0 ] || [ "$errors" != 0 ]; then failures=$((failures + 1)); fi
}

# --- scenarios ---------------------------------------------------------------
scenario_baseline() {
  start_server single
  load "https://127.0.0.1:$single_port"
  finish_load baseline "(nothing happens)"
  stop_server single
}

scenario_rotation() {
  start_server single
  load "https://127.0.0.1:$single_port"
  local rotations=0 end=$((SECONDS + seconds - 3)) n
  while [ "$SECONDS" -lt "$end" ]; do
    sleep 2
    n=$(((rotations + 1) % 3 + 1))  # certs2, certs3, certs1, ...
    publish "$work/tls" tls.crt="$work/certs$n/tls.crt" tls.key="$work/certs$n/tls.key"
    rotations=$((rotations + 1))
    last="$n"
  done
  finish_load rotation "($rotations certificate swaps, $(grep -c 'reloaded TLS certificate' "$work/single.log" || true) reloads logged)"
  # New handshakes get the last certificate.
  local served wanted
  served="$(openssl s_client -connect "127.0.0.1:$single_port" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint)"
  wanted="$(openssl x509 -noout -fingerprint -in "$work/certs$last/tls.crt")"
  if [ "$served" != "$wanted" ]; then
    echo "  a new handshake did not get the latest certificate" >&2
    failures=$((failures + 1))
  fi
  stop_server single
  rm -f "$work/single.log"
}

scenario_reload() {
  start_server single
  load "https://127.0.0.1:$single_port"
  local swaps=0 end=$((SECONDS + seconds - 2)) label
  while [ "$SECONDS" -lt "$end" ]; do
    sleep 1
    label=$([ $((swaps % 2)) = 0 ] && echo team || echo owner)
    publish "$work/policies" template.yaml="$template" constraint.yaml="$work/$label.yaml"
    swaps=$((swaps + 1))
  done
  sleep 0.5
  local reloads errors
  reloads="$(metric "$single_metrics" 'tollgate_policy_reload_total{status="success"}')"
  errors="$(metric "$single_metrics" 'tollgate_policy_reload_total{status="error"}')"
  finish_load reload "($swaps ConfigMap swaps, ${reloads:-?} reloads, ${errors:-?} failed)"
  if [ "${reloads:-0}" != "$swaps" ] || [ "${errors:-1}" != 0 ]; then
    echo "  every swap should be exactly one successful reload" >&2
    failures=$((failures + 1))
  fi
  stop_server single
}

# up_in_balancer NAME: waits (up to 10 s) until haproxy's checks say NAME is UP,
# as a Deployment waits for a new pod's readiness before stopping the next.
up_in_balancer() {
  for _ in $(seq 100); do
    curl -s "http://127.0.0.1:$stats_port/stats;csv" | grep -q "^tollgate,$1,.*,UP" && return
    sleep 0.1
  done
  echo "  $1 did not come up in haproxy" >&2
  failures=$((failures + 1))
}

scenario_rollout() {
  start_server a
  start_server b
  local port
  port="$(free_port)"
  stats_port="$(free_port)"
  cat > "$work/haproxy.cfg" <<EOF
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
listen tollgate
  bind 127.0.0.1:$port
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  # A check fails on a 503 at once, on a slow answer only after a second and
  # twice in a row (as a readiness probe's timeoutSeconds and failureThreshold
  # do): a busy server is not taken out of the balancer.
  timeout check 1s
  default-server check check-ssl verify none inter 200ms fall 2 rise 2
  server a 127.0.0.1:$a_port
  server b 127.0.0.1:$b_port
listen stats
  mode http
  bind 127.0.0.1:$stats_port
  stats enable
  stats uri /stats
EOF
  haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
  local balancer=$!
  started+=("$balancer")
  sleep 0.2
  kill -0 "$balancer" 2>/dev/null || { echo "haproxy did not start:" >&2; cat "$work/haproxy.log" >&2; exit 1; }
  up_in_balancer a
  up_in_balancer b
  load "https://127.0.0.1:$port"
  local began=$SECONDS
  sleep $((seconds / 6))
  stop_server a
  local a_stopped="$stopped_after"
  start_server a "$a_port"
  up_in_balancer a
  local rest=$((seconds / 2 - (SECONDS - began)))
  [ "$rest" -le 0 ] || sleep "$rest"
  stop_server b
  local b_stopped="$stopped_after"
  start_server b "$b_port"
  up_in_balancer b
  finish_load rollout "(a then b: SIGTERM, --shutdown-delay $shutdown_delay, exited 0 after $a_stopped and $b_stopped, started again)"
  stop_server a
  stop_server b
  kill "$balancer" 2>/dev/null || true
  wait "$balancer" 2>/dev/null || true
}

echo "tollgate: $tollgate; wrk: $connections kept-alive connections + 2 connecting per request, ${seconds}s per scenario"
for scenario in $scenarios; do
  "scenario_$scenario"
done
if [ "$failures" != 0 ]; then
  echo "FAILED: $failures problem(s)" >&2
  exit 1
fi
echo "no request lost"
