-- wrk script of bench/soak.sh: POSTs to /validate, alternating a Pod that the
-- shipped policies (policies/library) allow and one they deny, and checks
-- every answer: HTTP 200, the uid echoed, allowed true for the first and
-- false (code 403) for the second. done() prints the counts that soak.sh
-- reads ("soak: name value" lines).

local function review(uid, pod)
  return '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{' ..
    '"uid":"' .. uid .. '",' ..
    '"kind":{"group":"","version":"v1","kind":"Pod"},' ..
    '"resource":{"group":"","version":"v1","resource":"pods"},' ..
    '"name":"api","namespace":"shop","operation":"CREATE",' ..
    '"userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},' ..
    '"object":' .. pod .. ',"oldObject":null,"dryRun":false}}'
end

local allowed_pod = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"api","namespace":"shop"},' ..
  '"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},' ..
  '"containers":[{"name":"api","image":"registry.corp/shop/api:1.2.3",' ..
  '"securityContext":{"allowPrivilegeEscalation":false},' ..
  '"resources":{"limits":{"cpu":"500m","memory":"256Mi"}}}]}}'
local denied_pod = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"api","namespace":"shop"},' ..
  '"spec":{"containers":[{"name":"api","image":"nginx:latest","securityContext":{"privileged":true}}]}}'

local headers = {["Content-Type"] = "application/json"}
local path = "/validate?timeout=3s"
local allow_request, deny_request

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  allow_request = wrk.format("POST", path, headers, review("soak-allow", allowed_pod))
  deny_request = wrk.format("POST", path, headers, review("soak-deny", denied_pod))
  sent = 0
  allow_ok, allow_wrong, deny_ok, deny_wrong, not_200, unknown = 0, 0, 0, 0, 0, 0
end

function request()
  sent = sent + 1
  if sent % 2 == 1 then return allow_request end
  return deny_request
end

local function has(body, text) return string.find(body, text, 1, true) ~= nil end

function response(status, headers, body)
  if status ~= 200 then
    not_200 = not_200 + 1
  elseif has(body, '"uid":"soak-allow"') then
    if has(body, '"allowed":true') then allow_ok = allow_ok + 1 else allow_wrong = allow_wrong + 1 end
  elseif has(body, '"uid":"soak-deny"') then
    if has(body, '"allowed":false') and has(body, '"code":403') then deny_ok = deny_ok + 1
    else deny_wrong = deny_wrong + 1 end
  else
    unknown = unknown + 1
  end
end

function done(summary, latency, requests)
  local totals = {allow_ok = 0, allow_wrong = 0, deny_ok = 0, deny_wrong = 0, not_200 = 0, unknown = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("soak: requests %d\n", summary.requests))
  io.write(string.format("soak: requests_per_second %.0f\n", summary.requests / seconds))
  for _, name in ipairs({"allow_ok", "allow_wrong", "deny_ok", "deny_wrong", "not_200", "unknown"}) do
    io.write(string.format("soak: %s %d\n", name, totals[name]))
  end
  local e = summary.errors
  io.write(string.format("soak: socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("soak: socket_errors_detail connect=%d read=%d write=%d timeout=%d\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format("soak: non_2xx %d\n", e.status))
  for _, p in ipairs({50, 99, 99.9}) do
    io.write(string.format("soak: latency_p%g_ms %.3f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("soak: latency_max_ms %.3f\n", latency.max / 1000))
end
