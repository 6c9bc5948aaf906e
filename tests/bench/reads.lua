-- wrk script for the region benchmark's many-client reads (tests/bench/wrk_reads.py).
--
-- Each wrk thread holds one connection and plays one client: its session's cookies and
-- CSRF header on every request, its endpoints in a fresh random order each round, each
-- after the baseline. With one connection per thread, request() and response() alternate,
-- so the thread times each request itself (LuaJIT's FFI reads the monotonic clock) and
-- keeps it under the endpoint's name; done() writes every sample to the file named in
-- BENCH_WRK_SAMPLES, for the benchmark to work out percentiles as it does for one client.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

-- In the main state: number the threads, and gather their samples at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_WRK_SAMPLES"), "w"))
  for _, thread in ipairs(threads) do
    for _, sample in ipairs(thread:get("samples")) do
      out:write(sample, "\n")
    end
  end
  out:close()
end

-- In each thread: its client, the requests of the current round, and the one in flight.
local client, round, next_step, current, started
samples = {}

local function new_round()
  local order = {}
  for n, endpoint in ipairs(client.endpoints) do
    order[n] = endpoint
  end
  for n = #order, 2, -1 do
    local other = math.random(n)
    order[n], order[other] = order[other], order[n]
  end
  round = {}
  for _, endpoint in ipairs(order) do
    table.insert(round, client.baseline)
    table.insert(round, endpoint)
  end
  next_step = 1
end

function init(args)
  client = dofile(args[1])[number]
  math.randomseed(number)
  new_round()
end

function request()
  if next_step > #round then
    new_round()
  end
  current = round[next_step]
  next_step = next_step + 1
  started = now_us()
  return wrk.format("GET", current.path, client.headers)
end

function response(status, headers, body)
  local elapsed = now_us() - started
  table.insert(samples, string.format("%s\t%d\t%.0f", current.name, status, elapsed))
end
