-- wrk script for bench/serve_http.py, which fills in the method, the path and the request bodies, then
-- reads the one JSON line of results that done() writes. Bodies come in one of two forms:
--   bodies: whole request bodies (the chat mix of bench/workload.py), cycled in order; none for GET;
--   questions + histories: the distinct questions of bench/questions.py, each {message as JSON,
--     index into histories (0: none)}, a body built per request, so that tens of thousands of
--     questions fit without repeating the earlier turns of every follow-up.
-- Each wrk thread starts at its own offset (--START-- plus its number, stepping by the thread count),
-- so no two threads send the same question and a new run does not replay the last one's.
local bodies = {
--BODIES--
}
local histories = {
--HISTORIES--
}
local questions = {
--QUESTIONS--
}
local headers = { ["Content-Type"] = "application/json" }
local nthreads = --THREADS--
local start = --START--
local counter = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  counter = counter + 1
  if #questions > 0 then
    local q = questions[((start + tid + counter * nthreads) % #questions) + 1]
    local history = q[2] > 0 and histories[q[2]] or "[]"
    return wrk.format("--METHOD--", "--PATH--", headers, '{"message":' .. q[1] .. ',"history":' .. history .. '}')
  end
  if #bodies == 0 then
    return wrk.format("--METHOD--", "--PATH--")
  end
  return wrk.format("--METHOD--", "--PATH--", headers, bodies[(counter % #bodies) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "status_errors": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
