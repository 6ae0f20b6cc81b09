-- wrk load test of the validating webhook: one AdmissionReview for a
-- Namespace, POSTed to /validate over TLS with keep-alive.
--
--   certs/make-dev-certs.sh
--   tollgate serve --policies <requiredlabels template + all-must-have-owner> \
--     --tls-cert certs/out/tls.crt --tls-key certs/out/tls.key --addr 127.0.0.1:8443 &
--   wrk -t2 -c32 -d20s --latency -s bench/validate.lua https://127.0.0.1:8443
--
-- By default the Namespace has no owner label (the deny path: a 403 in the
-- AdmissionReview and a log line per request). TOLLGATE_BENCH_ALLOW=1 sends
-- one with the label (the allow path). TOLLGATE_BENCH_BODY=FILE sends that
-- file (an AdmissionReview) instead, e.g. bench/validate-pod15.json: a Pod
-- with 15 violations of the gatekeeper-library sample constraints.

local allow = os.getenv("TOLLGATE_BENCH_ALLOW") == "1"
local labels = allow and [["labels":{"owner":"alice.agilebank.demo"},]] or ""

wrk.method = "POST"
wrk.path = "/validate?timeout=3s"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{]] ..
  [["uid":"3f2b1c1e-8d6a-4a43-9d1e-5f0c2b7f9a10",]] ..
  [["kind":{"group":"","version":"v1","kind":"Namespace"},]] ..
  [["resource":{"group":"","version":"v1","resource":"namespaces"},]] ..
  [["requestKind":{"group":"","version":"v1","kind":"Namespace"},]] ..
  [["requestResource":{"group":"","version":"v1","resource":"namespaces"},]] ..
  [["name":"bench-namespace","operation":"CREATE",]] ..
  [["userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},]] ..
  [["object":{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"bench-namespace",]] .. labels ..
  [["creationTimestamp":null},"spec":{},"status":{}},]] ..
  [["oldObject":null,"dryRun":false,"options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}]]

local body_file = os.getenv("TOLLGATE_BENCH_BODY")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests/s: %.0f\n", summary.requests / seconds))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("errors: connect %d, read %d, write %d, timeout %d, status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
