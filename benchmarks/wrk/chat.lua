-- Posts realistic ~1 KiB OpenAI chat-completions bodies, cycling through accounts (API keys) and prompts,
-- so the engine tracks many accounts as in production. Requests are prebuilt in init: wrk shares the CPU with
-- the server, and building them per request would cost the client, not the server, time.
-- benchmarks/AntiDistill.Benchmarks/MiddlewareBenchmarks.cs replays the same requests in-process: change both together.
-- benchmarks/gateway/run.sh sets WRK_PACE_MS (each connection waits that long between requests: a fixed offered
-- rate) and WRK_STREAM=1 (streamed answers with a usage chunk); both are off by default.
local accounts = 500
local requests = {}
local pace = tonumber(os.getenv("WRK_PACE_MS") or "0")
local stream = os.getenv("WRK_STREAM") == "1"
local streaming = stream and '"stream":true,"stream_options":{"include_usage":true}' or '"stream":false'
local questions = {
  "Summarize the main causes of the French Revolution and how they interacted over the decade before 1789.",
  "Write a Python function that merges overlapping intervals and explain its time complexity in two sentences.",
  "What are the trade-offs between optimistic and pessimistic concurrency control in a relational database?",
  "Draft a short, friendly email to a customer explaining that their order will ship three days late.",
  "Explain how a transformer's attention mechanism scales with sequence length and name two ways to reduce it.",
  "Give me a packing list for a four-day hiking trip in the Alps in late September, with reasons for each item.",
  "How do I configure a reverse proxy to forward the client's IP address, and what headers are involved?",
  "Compare the nutritional value of lentils, chickpeas and black beans per 100 grams, in a small table.",
}
local system = "You are a helpful assistant for a software company. Answer concisely, use plain language, " ..
  "prefer short paragraphs and bullet lists, and say so when you are not sure. Never invent product features; " ..
  "when a question concerns pricing or contracts, point the user to the sales team instead of guessing."

function init(args)
  for i = 1, 512 do
    local q = questions[(i % #questions) + 1]
    local body = '{"model":"gpt-4o-mini","messages":[' ..
      '{"role":"system","content":"' .. system .. '"},' ..
      '{"role":"user","content":"Hi, I have a question about something I am working on today."},' ..
      '{"role":"assistant","content":"Of course. What would you like to know?"},' ..
      '{"role":"user","content":"' .. q .. ' (request ' .. i .. ')"}],' ..
      '"max_completion_tokens":800,"temperature":0.7,' .. streaming .. '}'
    local headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer sk-bench-" .. (i % accounts),
      ["User-Agent"] = "bench-client/1.0",
    }
    requests[i] = wrk.format("POST", "/v1/chat/completions", headers, body)
  end
end

local n = 0
function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end

if pace > 0 then
  function delay()
    return pace
  end
end
