-- wrk script for `make bench-load`: citizens arriving through a reverse proxy (the server trusts
-- 127.0.0.1 for X-Forwarded-For) from some 260,000 addresses; each battle goes to a new visitor,
-- who votes on it with the voter id the battle handed out. wrk does not say which request a
-- response answers, so the response's body does: a battle carries a token and a voter, which
-- are queued; the next request votes on a queued battle if there is one, else draws a battle.

-- Globals, not locals: done() reads each thread's counts with thread:get().
queue = {}
battles, votes, errors = 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function address()
  return "10." .. math.random(0, 3) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
end

function request()
  local item = table.remove(queue)
  local headers = { ["x-forwarded-for"] = address() }
  if item then
    local token = item[1]
    headers["x-arena-voter"] = item[2]
    headers["content-type"] = "application/json"
    local choices = { "a", "b", "tie", "a", "b" }
    local body = '{"token":"' .. token .. '","choice":"' .. choices[math.random(#choices)] .. '"}'
    return wrk.format("POST", "/api/v1/vote", headers, body)
  end
  return wrk.format("GET", "/api/v1/battle", headers)
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    return
  end
  local token = body:match('"token":"([^"]+)"')
  if token then
    battles = battles + 1
    table.insert(queue, { token, body:match('"voter":"([^"]+)"') })
  elseif body:find('"models"', 1, true) then
    votes = votes + 1
  end
end

function done(summary, latency, requests)
  local b, v, e = 0, 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("battles")
    v = v + t:get("votes")
    e = e + t:get("errors")
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT battles/s=%.0f votes/s=%.0f errors=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    b / secs, v / secs, e + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
