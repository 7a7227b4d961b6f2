-- wrk script: GET /api/v1/video/{id}/code at a random timestamp per request; counts non-200 answers.
local video_id = os.getenv("PAUSECODE_VIDEO_ID") or "load_demo_1h"
local duration = tonumber(os.getenv("PAUSECODE_DURATION") or "3600")

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

request = function()
  local t = math.random() * duration
  return wrk.format("GET", "/api/v1/video/" .. video_id .. "/code?timestamp=" .. string.format("%.3f", t))
end
