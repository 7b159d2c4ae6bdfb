#!/usr/bin/env bash
# AntiDistill's cost in a YARP gateway (samples/AntiDistill.Gateway) in front of the sample API as the model server.
# Writes benchmarks/results/gateway.md. About 17 minutes with the defaults.
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
# CPU 0; the upstream and wrk share CPU 1. (a)-(c) and the warmed series come from two gateways side by side
# (Gateway:Scoring false/true) in alternating windows; each cold start is a fresh gateway, variants alternating.
# Needs wrk (apt-get install -y wrk).
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

# Warmed figures: both gateways side by side (without on 5302, with on 5303, both on CPU 0), each warmed up once, then
# measured in alternating windows (ABBA). Fresh gateways per round, minutes apart, drifted by ±15% between rounds with
# the VM's speed (gateway-capture.md); windows seconds apart put both variants in the same phase of the machine.
start_pair false true
use() { if [ "$1" = true ]; then use_b; else use_a; fi; } # $1 = scoring true/false

for v in false true; do use "$v"; load "$WARMUP" /dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then order="false true"; else order="true false"; fi
  for v in $order; do use "$v"; paced "$RATE" "$RAW/paced-$v-$round" 0; done
  for v in $order; do use "$v"; load 5 /dev/null; load "$DURATION" "$RAW/peak-$v-$round.txt"; done
  for v in $order; do use "$v"; paced "$STREAM_RATE" "$RAW/stream-$v-$round" 1; done
  # Warmed per-second series, for the cold-start comparison.
  for v in $order; do use "$v"; for s in $(seq 1 10); do load 1 "$RAW/warm-$v-$round-$s.txt"; done; done
done
stop_pair

# Cold: a fresh process, saturated from its first second; one at a time, variants alternating.
GATEWAY_PORT=5302
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then order="false true"; else order="true false"; fi
  for v in $order; do
    start_gateway "$v"
    for s in $(seq 1 30); do load 1 "$RAW/cold-$v-$round-$s.txt"; done
    stop_gateway
  done
done

if grep -l "Non-2xx" "$RAW"/*.txt; then echo "non-2xx responses in the files above" >&2; exit 1; fi

python3 benchmarks/gateway/report.py "$RAW" "$ROUNDS" "$RATE" "$STREAM_RATE" "$DURATION" "$WARMUP" "$CONNECTIONS" "$TICK" "$OUT"
