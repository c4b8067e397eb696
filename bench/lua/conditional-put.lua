-- Conditional PUTs, one connection per wrk thread (-t N -c N), so that each thread's answers
-- arrive in the order of its requests. Each thread owns a set of pages and keeps their current
-- ETags: from each 2xx, from the ETag of a 412, or by reading the page again (GET) otherwise.
-- args: [1] a Lua file returning { {path, etag}, ... }, [2] pages per connection, [3] body bytes.
local paths, etags = {}, {}
local current = 0
local rereading = false
local writes = 0
local padding = ""

function init(args)
  local targets = dofile(args[1])
  local per = tonumber(args[2])
  for k = 1, per do
    local target = targets[(id - 1) * per + k]
    paths[k] = target[1]
    etags[k] = target[2]
  end
  padding = string.rep("x", tonumber(args[3]))
end

function request()
  if rereading then
    return wrk.format("GET", paths[current])
  end
  current = current % #paths + 1
  writes = writes + 1
  local body = "# " .. paths[current] .. " write " .. id .. "." .. writes .. "\n" .. padding
  return wrk.format("PUT", paths[current], {
    ["If-Match"] = etags[current],
    ["Content-Type"] = "text/markdown; charset=utf-8",
  }, body)
end

local function etag_of(headers)
  return headers["etag"] or headers["ETag"] or headers["Etag"]
end

function response(status, headers, body)
  count_status(status)
  if rereading then
    bump("reads")
    local etag = etag_of(headers)
    if status == 200 and etag ~= nil then
      etags[current] = etag
      rereading = false
    end
    return
  end
  if status == 200 or status == 201 then
    bump("put_ok")
    etags[current] = etag_of(headers)
  elseif status == 412 then
    bump("put_412")
    local etag = etag_of(headers)
    if etag ~= nil then etags[current] = etag else rereading = true end
  else
    bump("put_other")
    rereading = true
  end
end
