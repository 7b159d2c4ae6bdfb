#!/usr/bin/env bash
# What request capture costs the gateway (issue 17: at most 5% of its requests/s). Writes
# benchmarks/results/gateway-capture.md. About 14 minutes with the defaults.
#
#   benchmarks/gateway/capture.sh [rate=1200] [duration=15] [windows=10] [warmup=30]
#   PROMPTS=true benchmarks/gateway/capture.sh ...   # prompts retained (default: the capture defaults, prompts emptied)
#
# The setup of run.sh (common.sh): the YARP gateway sample on CPU 0 in front of the sample API, wrk on CPU 1, the
# 500-account chat mix, every policy in shadow mode. Both variants score; one also captures every exchange to a
# temporary directory, with the capture's defaults (prompts emptied) unless PROMPTS=true (the larger records).
#
# The two gateways run side by side (ports 5302 and 5303, both on CPU 0), are warmed up once under saturated load,
# and are then measured in alternating windows (ABBA): per window, each variant's CPU time per request at a fixed
# offered rate, then each variant's saturated requests/s and p99. Earlier versions of this script started a fresh
# gateway per round, minutes apart: the VM's speed drifted by ±15% between rounds, three times the effect to be
# measured. Windows of seconds, alternating, put both variants in the same phase of the machine; the idle gateway
# beside the loaded one costs only its timers (linkage 4 wake-ups a second, the capture writer's 50).
#
# Both gateways run with dynamic PGO off (GATEWAY_ENV, default DOTNET_TieredPGO=0; GATEWAY_ENV= keeps the default
# tiering). With it on, perf found the engine's and the middleware's hot methods still in instrumented tiers 30-45 s
# into load and the JIT at 14-23% of the gateway's CPU, so a variant's figure depended on how far tiering had got: the
# engine's own Observe, the same code in both, took 2% of the samples in one run and 4% in the other. Capture's cost
# is the difference between two steady states, which PGO off reaches within the warm-up.
set -euo pipefail
cd "$(dirname "$0")/../.."
GATEWAY_ENV="${GATEWAY_ENV-DOTNET_TieredPGO=0}"

RATE="${1:-1200}"
DURATION="${2:-15}"
WINDOWS="${3:-10}"
WARMUP="${4:-30}"
CONNECTIONS=32
PROMPTS="${PROMPTS:-false}"
OUT="${OUT:-benchmarks/results/gateway-capture.md}"
source benchmarks/gateway/common.sh
CAPTURE_DIR="$RAW/capture"

start_pair true true --Gateway:Capture="$CAPTURE_DIR" --AntiDistillation:Capture:RetainPrompts="$PROMPTS"
use() { if [ "$1" = on ]; then use_b; else use_a; fi; } # $1 = off/on

for v in off on; do use "$v"; load "$WARMUP" /dev/null; done

for window in $(seq 1 "$WINDOWS"); do
  if ((window % 2)); then order="off on"; else order="on off"; fi
  for v in $order; do use "$v"; paced "$RATE" "$RAW/paced-$v-$window" 0; done
  for v in $order; do use "$v"; load 5 /dev/null; load "$DURATION" "$RAW/peak-$v-$window.txt"; done
done
stop_pair

if grep -l "Non-2xx" "$RAW"/*.txt; then echo "non-2xx responses in the files above" >&2; exit 1; fi
written=$(du -sb "$CAPTURE_DIR" 2>/dev/null | cut -f1 || echo 0)
files=$(find "$CAPTURE_DIR" -type f 2>/dev/null | wc -l)
python3 - "$RAW" "$WINDOWS" "$RATE" "$DURATION" "$WARMUP" "$TICK" "$OUT" "$written" "$files" "$PROMPTS" "$GATEWAY_ENV" <<'PY'
import re, statistics, sys
raw, rounds, rate, duration, warmup, tick, out, written, files, prompts, gateway_env = sys.argv[1:12]
rounds, tick = int(rounds), int(tick)

def wrk(path):
    text = open(path).read()
    ms = lambda t: float(re.match(r"([\d.]+)", t).group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[re.search(r"(us|ms|s)$", t).group(1)]
    return (int(re.search(r"(\d+) requests in", text).group(1)), float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)))

rows, agg, pooled = [], {"off": [], "on": []}, {"off": [0, 0], "on": [0, 0]}
for r in range(1, rounds + 1):
    row = [str(r)]
    for v in ("off", "on"):
        requests, rps, _ = wrk(f"{raw}/paced-{v}-{r}.txt")
        ticks = int(open(f"{raw}/paced-{v}-{r}.cpu").read())
        pooled[v][0] += ticks
        pooled[v][1] += requests
        cpu = ticks * 1e6 / tick / max(1, requests)
        _, peak, p99 = wrk(f"{raw}/peak-{v}-{r}.txt")
        agg[v].append((cpu, peak, p99))
        row += [f"{cpu:.1f}", f"{peak:,.0f}", f"{p99:.2f}"]
    rows.append("| " + " | ".join(row) + " |")

mean = lambda v, i: statistics.mean(x[i] for x in agg[v])
cpu_off, cpu_on, peak_off, peak_on = mean("off", 0), mean("on", 0), mean("off", 1), mean("on", 1)
# Per-window pairs, median: a window's two variants ran seconds apart, in the same phase of the VM's drifting speed.
peak_ratio = statistics.median(on[1] / off[1] for off, on in zip(agg["off"], agg["on"]))
cpu_ratio = statistics.median(on[0] / off[0] for off, on in zip(agg["off"], agg["on"]))
# The gateway is pinned to one core and the capture writer shares it, so at saturation requests/s is that core's time
# over the CPU time per request: the paced ratio gives the saturated one without wrk's share of the noise.
implied = 1 / cpu_ratio
# All windows' CPU over all their requests, per variant: the alternation makes each total span the same phases.
pooled_cpu = {v: pooled[v][0] * 1e6 / tick / max(1, pooled[v][1]) for v in pooled}
lines = [
    "# Request capture in the YARP gateway",
    "",
    f"Produced by `PROMPTS={prompts} GATEWAY_ENV={gateway_env or '(empty)'} benchmarks/gateway/capture.sh {rate} {duration} {rounds} {warmup}` (setup of `run.sh`, see `gateway.md`): both variants",
    "score every request in shadow mode; *capture on* also writes every exchange "
    + ("with its prompts (`RetainPrompts=true`)" if prompts == "true" else "with the capture's defaults (prompts emptied, `RetainPrompts=false`)") + " as gzip'd",
    f"request-log v1 ({int(written):,} bytes in {files} files over the whole run). Both gateways side by side, each warmed up for {warmup} s,",
    f"then measured in alternating windows (ABBA) of {duration} s paced and {duration} s saturated.",
    "",
    "| window | off: µs CPU/request | off: requests/s | off: p99 ms | on: µs CPU/request | on: requests/s | on: p99 ms |",
    "|---|---:|---:|---:|---:|---:|---:|",
    *rows,
    "",
    "| goal | target | measured | |",
    "|---|---|---:|---|",
    f"| saturated requests/s with capture on, against off (median of windows) | >= 95 % | {peak_ratio:.1%} | {'pass' if peak_ratio >= 0.95 else '**FAIL**'} |",
    f"| requests/s implied by CPU per request at ~{rate}/s (1 / median on/off) | >= 95 % | {implied:.1%} | {'pass' if implied >= 0.95 else '**FAIL**'} |",
    f"| gateway CPU per request at ~{rate}/s (means, off → on) | - | {cpu_off:.1f} → {cpu_on:.1f} µs ({cpu_on / cpu_off - 1:+.1%}) | |",
    f"| gateway CPU per request at ~{rate}/s (all windows pooled, off → on) | - | {pooled_cpu['off']:.1f} → {pooled_cpu['on']:.1f} µs ({pooled_cpu['on'] / pooled_cpu['off'] - 1:+.1%}) | |",
    f"| saturated requests/s (means, off → on) | - | {peak_off:,.0f} → {peak_on:,.0f} | |",
    "",
]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
