-- Prepended to every wrk script of the bench: counts answers by status in each thread and, at
-- the end, prints one line "WRK_RESULT {json}" that the harness reads. wrk's own summary only
-- counts statuses above 399, and a 200 where a 304 was expected is an error here too.
local threads = {}
statuses = {}
counters = {}

function setup(thread)
  -- Runs in the main state before the thread's init(): each thread learns its number.
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function count_status(status)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function bump(name)
  counters[name] = (counters[name] or 0) + 1
end

local function merge(into, from)
  if from == nil then return end
  for key, value in pairs(from) do into[key] = (into[key] or 0) + value end
end

local function object(t)
  local parts = {}
  for key, value in pairs(t) do parts[#parts + 1] = string.format('"%s":%d', key, value) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local all_statuses, all_counters = {}, {}
  for _, thread in ipairs(threads) do
    merge(all_statuses, thread:get("statuses"))
    merge(all_counters, thread:get("counters"))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"statuses":%s,"counters":%s}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, object(all_statuses), object(all_counters)))
end
