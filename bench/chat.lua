-- wrk script for bench/serve_http.py, which fills in the method, the path and the request bodies (the
-- chat mix of bench/workload.py, cycled in order by each wrk thread; none for GET), then reads the
-- one JSON line of results that done() writes. A body holding the marker @@NONCE@@ gets a number
-- unique to this request there, so that no two requests are the same (no answer cache hits).
local bodies = {
--BODIES--
}
local headers = { ["Content-Type"] = "application/json" }
local counter = 0
local threads = 0
local parts = {}
for i, body in ipairs(bodies) do
  local at = string.find(body, "@@NONCE@@", 1, true)
  parts[i] = at and { string.sub(body, 1, at - 1), string.sub(body, at + 9) } or nil
end

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  counter = counter + 1
  if #bodies == 0 then
    return wrk.format("--METHOD--", "--PATH--")
  end
  local i = (counter % #bodies) + 1
  local body = parts[i] and (parts[i][1] .. tid .. "-" .. counter .. parts[i][2]) or bodies[i]
  return wrk.format("--METHOD--", "--PATH--", headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "status_errors": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
