-- wrk script for the load test: cycles through the paths given after `--`; "{n}" in a path
-- becomes a running number, so that page is never in the page cache. Reports every
-- answer that is not 200, and the socket errors, in one machine-readable line.
local paths, counter, threads = {}, 0, {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  for i, path in ipairs(args) do paths[i] = path end
  bad = 0
  bad_status = 0
end

request = function()
  counter = counter + 1
  local path = paths[counter % #paths + 1]:gsub("{n}", tostring(counter))
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    bad_status = status
  end
end

done = function(summary, latency, requests)
  local not_ok, status = 0, 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("bad")
    if thread:get("bad_status") ~= 0 then status = thread:get("bad_status") end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "not_200": %d, "a_status": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "p99_ms": %.1f}\n',
    summary.requests, not_ok, status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(99) / 1000))
end
