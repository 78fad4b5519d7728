-- The Ringleader benchmark's wrk script (wrk 4.x, one thread: run with -t1). Arguments after "--":
--   mode    pick  = a random id from the file for every request (hot reads, writes, request(id))
--           seq   = the ids of the file in order, once each (creating workers)
--           fresh = a new id per request: <source><counter> (cold activations)
--   method  GET or POST (a POST sends {"reward":1})
--   prefix  the path before the id, e.g. /workers/player/ or /request/
--   source  pick/seq: a file with one id a line; fresh: the id prefix, e.g. cold-k3x9-
--   cap     the most requests this thread sends (wrk's -d bounds the time)
--   marker  a file the script creates when it reaches the cap: wrk itself waits out -d even when
--           every thread has stopped, so the bench sends wrk SIGINT on seeing the file (wrk then
--           prints its results with the true duration)
-- done() prints one machine-readable line, latencies in microseconds:
--   RESULT <requests> <duration_us> <connect> <read> <write> <status> <timeout> <p50> <p99> <p99.9> <max>
-- where <status> counts answers with a status above 399 and the other error counts are wrk's socket errors.

local mode, method, prefix, source, cap, marker
local requests = {}
local n = 0
local sent = 0
local body = '{"reward":1}'
local post_headers = { ["Content-Type"] = "application/json" }

function init(args)
  mode, method, prefix, source, cap, marker = args[1], args[2], args[3], args[4], tonumber(args[5]), args[6]
  if mode ~= "fresh" then
    for id in io.lines(source) do
      n = n + 1
      if method == "POST" then
        requests[n] = wrk.format("POST", prefix .. id, post_headers, body)
      else
        requests[n] = wrk.format("GET", prefix .. id)
      end
    end
    assert(n > 0, "no ids in " .. source)
  end
  math.randomseed(os.time())
end

function request()
  sent = sent + 1
  if sent == cap then
    local f = io.open(marker, "w")
    if f then f:close() end
    wrk.thread:stop()
  end
  if mode == "pick" then
    return requests[math.random(n)]
  elseif mode == "seq" then
    return requests[(sent - 1) % n + 1]
  elseif method == "POST" then
    return wrk.format("POST", prefix .. source .. sent, post_headers, body)
  else
    return wrk.format("GET", prefix .. source .. sent)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %.0f %.0f %.0f %.0f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
