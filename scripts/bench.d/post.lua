-- wrk script for scripts/bench: POSTs one JSON body, optionally paced, and prints the figures as one JSON line.
-- Environment: BENCH_BODY (file), BENCH_HEADERS ("Name: value" lines), BENCH_DELAY_MS (pause per connection
-- between a response and its next request, on average: fixed-rate runs), all read by every wrk thread.

local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

-- The pause is drawn uniformly from [0, 2 x BENCH_DELAY_MS] (same mean): with a fixed pause the connections,
-- which all start together, stay in step and send in bursts of one request each, which measures queueing behind
-- the burst rather than the cost of a request at an even rate. wrk also pauses before a connection's first request.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
if delay_ms > 0 then
  math.randomseed(os.time())
  function delay() return math.random(0, 2 * delay_ms) end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"mean":%.2f,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max))
end
