-- wrk script for `make bench-load`: every connection of a thread shares one voter (the id the
-- first battle hands out) and loops "draw a battle, vote on it". wrk does not say which request
-- a response answers, so the response's body does: a battle carries a token, which is queued;
-- the next request votes on a queued token if there is one, else draws a battle. Counts and
-- latencies are split by kind in done().

-- Globals, not locals: done() reads each thread's counts with thread:get().
queue = {}
voter = nil
battles, votes, errors = 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  local token = table.remove(queue)
  local headers = {}
  if voter then headers["x-arena-voter"] = voter end
  if token then
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
    table.insert(queue, token)
    if not voter then voter = body:match('"voter":"([^"]+)"') end
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
