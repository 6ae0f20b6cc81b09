-- wrk script of bench/rollout.sh: bench/validate.lua's request (a Namespace
-- review POSTed to /validate), on kept-alive connections or, with
-- TOLLGATE_BENCH_CLOSE=1, a new connection (and TLS handshake) per request;
-- ends with one line the script reads.
dofile(os.getenv("TOLLGATE_BENCH_DIR") .. "/validate.lua")

if os.getenv("TOLLGATE_BENCH_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("rollout-result requests=%d non2xx=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d p99_ms=%.1f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout,
    latency:percentile(99) / 1000))
end
