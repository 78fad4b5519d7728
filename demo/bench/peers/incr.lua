-- The peers benchmark's wrk script (wrk 4.x). Every request is a POST for k a random counter of
-- 1..keys: one counter +1 per request.
--   the argument after "--": keys, how many counters (10000)
--   PEERS_NODES (environment): the nodes' HTTP fronts, "host:port,host:port,host:port"; run wrk with
--     one thread per entry (-t3): setup() points thread i at entry i, so each node gets -c/-t
--     connections and wrk itself merges every thread's latencies into one distribution (--latency).
--     One server for all threads: name it three times.
--   PEERS_PATH (environment): the request path, "%d" standing for the key; default "/incr/%d"
--     (Ringleader: "/workers/player/%d")
--   PEERS_BODY (environment): the request body; default none. With a body the request carries
--     "Content-Type: application/json" (Ringleader: '{"reward":1}')
-- done() prints one machine-readable line, latencies in microseconds:
--   RESULT <requests> <duration_us> <connect> <read> <write> <status> <timeout> <p50> <p99> <p99.9> <max>
-- where <status> counts answers with a status above 399 and the others are wrk's socket errors.

local nodes = {}
for hp in string.gmatch(os.getenv("PEERS_NODES") or "", "[^,]+") do nodes[#nodes + 1] = hp end
local threads = 0

function setup(thread)
  threads = threads + 1
  local hp = assert(nodes[threads], "more wrk threads than PEERS_NODES entries: use -t" .. #nodes)
  local host, port = string.match(hp, "^(.+):(%d+)$")
  thread.addr = wrk.lookup(host, port)[1]
end

local path = os.getenv("PEERS_PATH") or ""
if path == "" then path = "/incr/%d" end
local body = os.getenv("PEERS_BODY") or ""
local keys
local requests = {}

function init(args)
  keys = tonumber(args[1])
  assert(keys and keys > 0, "usage: -- <keys>")
  assert(string.find(path, "%d", 1, true), "PEERS_PATH needs a %d for the key: " .. path)
  for k = 1, keys do
    if body == "" then
      requests[k] = wrk.format("POST", string.format(path, k), nil, "")
    else
      requests[k] = wrk.format("POST", string.format(path, k), { ["Content-Type"] = "application/json" }, body)
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return requests[math.random(keys)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %.0f %.0f %.0f %.0f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
