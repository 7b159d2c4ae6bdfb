#!/usr/bin/env bash
# AntiDistill's cost in a YARP gateway (samples/AntiDistill.Gateway) in front of the sample API as the model server.
# Writes benchmarks/results/gateway.md. About 25 minutes with the defaults.
#
#   benchmarks/gateway/run.sh [rate=1500] [duration=20] [rounds=4] [warmup=45] [stream-rate=40]
#
# GATEWAY_ARGS adds arguments to every gateway started, OUT moves the result table. Request capture's cost has a
# script of its own, capture.sh, which measures two gateways side by side.
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
OUT="${OUT:-benchmarks/results/gateway.md}"
source benchmarks/gateway/common.sh # ports, builds, the upstream, start_gateway/stop_gateway, load, paced

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
