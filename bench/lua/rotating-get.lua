-- GET over a list of pages, each with the If-None-Match to send (or none), in rotation.
-- args: [1] a Lua file returning { {path, etag-or-""}, ... }, [2] Accept-Encoding or "-",
--       [3] ms each connection waits after an answer (the soak's pace; 0 = as fast as it can).
local prepared = {}
local count = 0
local next_index = 0
pace_ms = 0

function init(args)
  local targets = dofile(args[1])
  local coding = args[2]
  for k, target in ipairs(targets) do
    local headers = {}
    if target[2] ~= "" then headers["If-None-Match"] = target[2] end
    if coding ~= nil and coding ~= "-" then headers["Accept-Encoding"] = coding end
    prepared[k] = wrk.format("GET", target[1], headers)
  end
  count = #prepared
  pace_ms = tonumber(args[3] or "0")
  -- Threads start at different pages.
  next_index = ((id or 1) - 1) * 97 % count
end

function request()
  next_index = next_index % count + 1
  return prepared[next_index]
end

function response(status, headers, body)
  count_status(status)
end
