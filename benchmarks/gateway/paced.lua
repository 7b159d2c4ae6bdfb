-- The wrk mix of benchmarks/wrk/chat.lua (500 API keys, ~1 KiB chat bodies), paced: each connection waits
-- WRK_PACE_MS between requests, so the offered rate is connections * 1000 / WRK_PACE_MS whatever the server does
-- (as long as it answers faster than the pace). WRK_STREAM=1 asks for streamed answers with usage.
dofile("benchmarks/wrk/chat.lua")

local pace = tonumber(os.getenv("WRK_PACE_MS") or "0")
local stream = os.getenv("WRK_STREAM") == "1"

if stream then
  local base_init = init
  function init(args)
    base_init(args)
    for i = 1, #requests do
      requests[i] = requests[i]:gsub('"stream":false', '"stream":true,"stream_options":{"include_usage":true}')
    end
  end
end

if pace > 0 then
  function delay()
    return pace
  end
end
