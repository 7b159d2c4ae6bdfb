#!/usr/bin/env bash
# Only measurement (c) of run.sh: the gateway's CPU per streamed response of 1,000 SSE chunks at a fixed rate, two
# gateways side by side (Gateway:Scoring false/true) in alternating windows (ABBA), after a warm-up. Prints one line per
# window and the means; a few minutes, for checking a change to the response observer without the whole run.
#
#   benchmarks/gateway/stream.sh [stream-rate=40] [duration=15] [rounds=4] [warmup=30]
set -euo pipefail
cd "$(dirname "$0")/../.."

STREAM_RATE="${1:-40}"
DURATION="${2:-15}"
ROUNDS="${3:-4}"
WARMUP="${4:-30}"
CONNECTIONS=32
RATE=$STREAM_RATE
source benchmarks/gateway/common.sh

start_pair false true
use() { if [ "$1" = true ]; then use_b; else use_a; fi; }
for v in false true; do use "$v"; load "$WARMUP" /dev/null; load 10 /dev/null 0 1; done
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then order="false true"; else order="true false"; fi
  for v in $order; do
    use "$v"
    paced "$STREAM_RATE" "$RAW/stream-$v-$round" 1
    streams=$(awk '/requests in/{print $1}' "$RAW/stream-$v-$round.txt")
    echo "round $round scoring=$v streams=$streams cpu_us_per_stream=$(python3 -c "print(round($(cat "$RAW/stream-$v-$round.cpu") * 1e6 / $TICK / $streams))")"
  done
done | tee "$RAW/lines"
stop_pair
python3 - "$RAW/lines" <<'PY'
import re, sys
v = {"false": [], "true": []}
for line in open(sys.argv[1]):
    m = re.search(r"scoring=(\w+) .*cpu_us_per_stream=(\d+)", line)
    v[m.group(1)].append(int(m.group(2)))
a, b = sum(v["false"]) / len(v["false"]), sum(v["true"]) / len(v["true"])
print(f"mean without {a:.0f} us, with {b:.0f} us per stream: observation adds {100 * (b - a) / a:+.1f}%")
PY
