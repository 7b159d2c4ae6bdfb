#!/usr/bin/env bash
# AntiDistill's cost in a YARP gateway (samples/AntiDistill.Gateway) in front of the sample API as the model server.
# Writes benchmarks/results/gateway.md. About 25 minutes with the defaults.
#
#   benchmarks/gateway/run.sh [rate=1500] [duration=20] [rounds=4] [warmup=45] [stream-rate=40]
#
# GATEWAY_ARGS adds arguments to every gateway started, OUT moves the result table: request capture's cost is the
# scoring=true rows of a run with capture on beside those of a plain run, e.g.
#   OUT=benchmarks/results/gateway-capture.md GATEWAY_ARGS="--Gateway:Capture=/tmp/gateway-capture" benchmarks/gateway/run.sh
#
# On 2 cores a saturated three-process benchmark mixes up who the bottleneck is, so the main figure is (a) the gateway
# process's CPU time per request at a fixed offered rate neither variant saturates (utime+stime from /proc, wrk paced by WRK_PACE_MS in
# benchmarks/wrk/chat.lua so the 500-account mix stays the same as benchmarks/wrk), beside (b) saturated requests/s
# and p99, (c) CPU per streamed response of 1,000 SSE chunks at a fixed rate, and (d) a cold start: requests/s in each
# second from process start under saturated load, beside the same gateway after the warm-up. The gateway is pinned to
# CPU 0; the upstream and wrk share CPU 1. Every measurement starts a fresh gateway; the two variants (Gateway:Scoring
# false/true) alternate from round to round. Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."

RATE="${1:-1500}"
DURATION="${2:-20}"
ROUNDS="${3:-4}"
WARMUP="${4:-45}"
STREAM_RATE="${5:-40}"
CONNECTIONS=32
UPSTREAM_PORT=5301
GATEWAY_PORT=5302
OUT="${OUT:-benchmarks/results/gateway.md}"
RAW=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RAW"' EXIT

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
dotnet build samples/AntiDistill.Gateway/AntiDistill.Gateway.csproj -c Release -v q -nologo >/dev/null
dotnet build samples/AntiDistill.Api.Sample/AntiDistill.Api.Sample.csproj -c Release -v q -nologo >/dev/null
GATEWAY=samples/AntiDistill.Gateway/bin/Release/net10.0/AntiDistill.Gateway.dll
UPSTREAM=samples/AntiDistill.Api.Sample/bin/Release/net10.0/AntiDistill.Api.Sample.dll
LOAD_CPU=$(($(nproc) > 1 ? 1 : 0))
TICK=$(getconf CLK_TCK)

wait_for() { # $1 = url, $2 = log
  for _ in $(seq 1 150); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not start: $1" >&2; cat "$2" >&2; exit 1
}

# The model server: the sample API without scoring, streaming 1,000 chunks when asked to stream.
taskset -c "$LOAD_CPU" dotnet "$UPSTREAM" --urls "http://127.0.0.1:$UPSTREAM_PORT" --Sample:Scoring=false --Sample:StreamChunks=1000 \
  --Logging:LogLevel:Default=Warning >"$RAW/upstream.log" 2>&1 &
wait_for "http://127.0.0.1:$UPSTREAM_PORT/health" "$RAW/upstream.log"

start_gateway() { # $1 = scoring true/false
  taskset -c 0 dotnet "$GATEWAY" --contentRoot "$PWD/$(dirname "$GATEWAY")" --urls "http://127.0.0.1:$GATEWAY_PORT" --Gateway:Scoring="$1" \
    --ReverseProxy:Clusters:model:Destinations:local:Address="http://127.0.0.1:$UPSTREAM_PORT/" \
    --AntiDistillation:Http:Policies:enforce:Shadow=true \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:AntiDistill=Warning ${GATEWAY_ARGS:-} >"$RAW/gateway-$1.log" 2>&1 &
  GATEWAY_PID=$!
  wait_for "http://127.0.0.1:$GATEWAY_PORT/healthz" "$RAW/gateway-$1.log"
}

stop_gateway() { kill "$GATEWAY_PID" 2>/dev/null || true; wait "$GATEWAY_PID" 2>/dev/null || true; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$GATEWAY_PID/stat"; }

load() { # $1 = seconds, $2 = output, [$3 = pace ms], [$4 = stream 0/1]
  WRK_PACE_MS="${3:-0}" WRK_STREAM="${4:-0}" taskset -c "$LOAD_CPU" \
    wrk -t1 -c"$CONNECTIONS" -d"${1}s" --latency -s benchmarks/wrk/chat.lua "http://127.0.0.1:$GATEWAY_PORT" >"$2"
}

paced() { # $1 = rate, $2 = output prefix, $3 = stream 0/1: CPU ticks and wrk output of one paced run
  local pace before after
  pace=$(python3 -c "print(max(1, round($CONNECTIONS * 1000 / $1)))")
  load 3 /dev/null "$pace" "$3"
  before=$(cpu_ticks)
  load "$DURATION" "$2.txt" "$pace" "$3"
  after=$(cpu_ticks)
  echo $((after - before)) >"$2.cpu"
}

measure() { # $1 = scoring true/false, $2 = round
  start_gateway "$1"
  load "$WARMUP" /dev/null
  paced "$RATE" "$RAW/paced-$1-$2" 0
  load 5 /dev/null
  load "$DURATION" "$RAW/peak-$1-$2.txt"
  paced "$STREAM_RATE" "$RAW/stream-$1-$2" 1
  # Warmed per-second series, for the cold-start comparison.
  for s in $(seq 1 10); do load 1 "$RAW/warm-$1-$2-$s.txt"; done
  stop_gateway
  # Cold: a fresh process, saturated from its first second.
  start_gateway "$1"
  for s in $(seq 1 30); do load 1 "$RAW/cold-$1-$2-$s.txt"; done
  stop_gateway
}

for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then measure false "$round"; measure true "$round"; else measure true "$round"; measure false "$round"; fi
done

if grep -l "Non-2xx" "$RAW"/*.txt; then echo "non-2xx responses in the files above" >&2; exit 1; fi

python3 benchmarks/gateway/report.py "$RAW" "$ROUNDS" "$RATE" "$STREAM_RATE" "$DURATION" "$WARMUP" "$CONNECTIONS" "$TICK" "$OUT"
