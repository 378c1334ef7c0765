-- wrk script for the benchmark: one wrk thread per connection, so each thread is one
-- learner doing one thing at a time. BENCH_MODE is get, save or submit; BENCH_PLAN is a
-- tab-separated file with one client per line (see scenario.py for the columns).
local mode = os.getenv("BENCH_MODE")
local plan = os.getenv("BENCH_PLAN")
local agent = os.getenv("BENCH_AGENT") or "quiz-bench"
local threads, created = {}, 0

function setup(thread)
  thread:set("index", created)
  thread:set("count", tonumber(os.getenv("BENCH_THREADS")))
  created = created + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

local rows, mine, turn = {}, {}, 0
bad, exhausted = 0, 0

function init(args)
  for line in io.lines(plan) do table.insert(rows, split(line)) end
  if mode == "submit" then
    -- The pool is dealt out: thread i submits rows i, i + T, i + 2T, ...
    for i = index + 1, #rows, count do table.insert(mine, rows[i]) end
  else
    mine = rows[(index % #rows) + 1]
  end
end

local function headers(cookie, form)
  local h = {["User-Agent"] = agent}
  if cookie ~= "" then h["Cookie"] = "session=" .. cookie end
  if form then h["Content-Type"] = "application/x-www-form-urlencoded" end
  return h
end

-- get: cookie, then paths visited in turn
-- save: cookie, path, csrf token, sequence, field, value A, value B (alternated)
-- submit: cookie, attempt id, csrf token
function request()
  turn = turn + 1
  if mode == "get" then
    local path = mine[(turn - 1) % (#mine - 1) + 2]
    return wrk.format("GET", path, headers(mine[1]))
  elseif mode == "save" then
    local value = (turn % 2 == 0) and mine[6] or mine[7]
    local body = "csrf_token=" .. mine[3] .. "&seq=" .. mine[4] .. "&go=stay&"
      .. mine[5] .. "=" .. value
    return wrk.format("POST", mine[2], headers(mine[1], true), body)
  else
    local row = mine[turn]
    if row == nil then
      exhausted = exhausted + 1
      row = mine[(turn - 1) % #mine + 1]
    end
    return wrk.format("POST", "/attempts/" .. row[2] .. "/submit", headers(row[1], true),
                      "csrf_token=" .. row[3])
  end
end

local expected = {get = 200, save = 200, submit = 302}

local replies = 0

function response(status, _headers, body)
  replies = replies + 1
  -- A learner's first save may be refused as stale (409): an earlier run moved its
  -- sequence on. The reply carries the latest sequence, which the next save uses.
  local stale_start = mode == "save" and status == 409 and replies == 1
  if status ~= expected[mode] and not stale_start then bad = bad + 1 end
  if mode == "save" then
    local sequence = body:match('"sequence":%s*(%d+)')
    if sequence then mine[4] = sequence end
  end
end

function done(summary, latency, _requests)
  local unexpected, short = 0, 0
  for _, thread in ipairs(threads) do
    unexpected = unexpected + thread:get("bad")
    short = short + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"socket_errors": %d, "unexpected_status": %d, "pool_exhausted": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, unexpected, short))
end
