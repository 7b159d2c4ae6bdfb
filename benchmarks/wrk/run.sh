#!/usr/bin/env bash
# Middleware overhead on loopback: the sample API with scoring off, then on, both reading the body (the canned
# endpoints parse it as a model server would). Writes benchmarks/results/middleware-wrk.md.
#
#   benchmarks/wrk/run.sh [duration=20s] [connections=32] [rounds=2] [warmup=45s]
#
# Needs wrk (apt-get install -y wrk). On a 2-core machine the server is pinned to CPU 0 and wrk to CPU 1
# (taskset), so the two do not steal each other's core and runs are comparable.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${1:-20s}"
CONNECTIONS="${2:-32}"
ROUNDS="${3:-2}"
WARMUP="${4:-45s}"
PORT_OFF=5181
PORT_ON=5182
OUT=benchmarks/results/middleware-wrk.md
RAW=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RAW"' EXIT

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
dotnet build samples/AntiDistill.Api.Sample/AntiDistill.Api.Sample.csproj -c Release -v q -nologo >/dev/null
DLL=samples/AntiDistill.Api.Sample/bin/Release/net10.0/AntiDistill.Api.Sample.dll
CPUS=$(nproc)
SERVER_CPU=0
WRK_CPU=$((CPUS > 1 ? 1 : 0))

start_server() { # $1 = scoring true/false, $2 = port
  taskset -c "$SERVER_CPU" dotnet "$DLL" --urls "http://127.0.0.1:$2" --Sample:Scoring="$1" \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:AntiDistill=Warning \
    --AntiDistillation:Http:Policies:default:Shadow=true >"$RAW/server-$1.log" 2>&1 &
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$2/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start" >&2; cat "$RAW/server-$1.log" >&2; exit 1
}

warm() { # $1 = port, $2 = duration
  taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2" -s benchmarks/wrk/chat.lua "http://127.0.0.1:$1" >/dev/null
}

run_wrk() { # $1 = port, $2 = output file
  warm "$1" 5s
  taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s benchmarks/wrk/chat.lua "http://127.0.0.1:$1" >"$2"
}

start_server false "$PORT_OFF"
start_server true "$PORT_ON"

# Long warm-up: on one pinned core the runtime's tiering (tier 0 -> instrumented -> tier 1) of the engine's
# many methods takes ~40 s under full load; before that the scoring server runs partly unoptimized code.
warm "$PORT_OFF" "$WARMUP"
warm "$PORT_ON" "$WARMUP"
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "$PORT_OFF" "$RAW/off-$round.txt"
  run_wrk "$PORT_ON" "$RAW/on-$round.txt"
done

# Every response must be a 200: a run full of errors would measure the error path.
if grep -h "Non-2xx" "$RAW"/*.txt; then echo "non-2xx responses, see above" >&2; exit 1; fi

python3 - "$RAW" "$ROUNDS" "$DURATION" "$CONNECTIONS" "$OUT" "$WARMUP" <<'PY'
import re, sys, statistics, subprocess, platform
raw, rounds, duration, connections, out, warmup = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    return rps, p50, p99
rows = {k: [parse(f"{raw}/{k}-{r}.txt") for r in range(1, rounds + 1)] for k in ("off", "on")}
mean = {k: tuple(statistics.mean(x[i] for x in v) for i in range(3)) for k, v in rows.items()}
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
ratio = mean["on"][0] / mean["off"][0]
lines = [
    "# Middleware overhead (wrk, loopback)",
    "",
    "Produced by `benchmarks/wrk/run.sh` (sample API, `POST /v1/chat/completions`, ~1 KiB body, 500 API keys,",
    "canned answer). Scoring off runs the same app without `UseAntiDistillation`; both parse the body in the endpoint.",
    f"Scoring on runs the sample's default policy (shadow mode: every request read, scored, counted, bands evaluated).",
    f"Machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, .NET SDK {dotnet}, {platform.system()}.",
    f"Server pinned to CPU 0 and wrk (1 thread, {connections} connections) to CPU 1 with taskset. Each server is warmed up for {warmup}",
    "under load first (on one core, tiered compilation of the engine takes ~40 s; measured before that, scoring-on ran at a third",
    f"of its steady rate), then 5 s before each run of {duration}; {rounds} interleaved rounds (off, on, off, on).",
    "Single runs on a 2-core machine are noisy: compare the means.",
    "",
    "| Run | Scoring | Requests/s | p50 (ms) | p99 (ms) |",
    "|---|---|---:|---:|---:|",
]
for r in range(rounds):
    for k in ("off", "on"):
        rps, p50, p99 = rows[k][r]
        lines.append(f"| {r + 1} | {k} | {rps:,.0f} | {p50:.2f} | {p99:.2f} |")
for k in ("off", "on"):
    rps, p50, p99 = mean[k]
    lines.append(f"| mean | {k} | **{rps:,.0f}** | **{p50:.2f}** | **{p99:.2f}** |")
lines += [
    "",
    f"- Throughput with scoring: **{ratio:.1%}** of without (goal: at least 90%).",
    f"- p50 added: **{mean['on'][1] - mean['off'][1]:+.2f} ms**; p99 added: **{mean['on'][2] - mean['off'][2]:+.2f} ms** (at {connections} connections, so latency is mostly queueing on one core).",
    "",
    "## Where the difference goes (manual runs, same machine, 2026-11-23)",
    "",
    "- `perf record` of the scoring server at steady state (`DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0`): 54% kernel",
    "  (loopback TCP), AntiDistill code 12% in all, of which the engine's request path (features, account update, scoring) ~7%,",
    "  the background linkage ~3% (all 500 keys share one IP prefix and user agent: a hub), the middleware itself ~1.5%",
    "  (caller resolution, body buffering, policy). Identity HMACs are cached per caller (`IdentityHashCache`); before that",
    "  they cost ~3.6 us a request and throughput with scoring was 69% of without.",
    "- The gap, and the p99 above all, comes from the background linkage on the same single core. Four 15 s windows after",
    "  the warm-up, scoring on: with `--AntiDistillation:Linkage:Enabled=false` 36.3k, 36.5k, 39.7k, 41.0k requests/s, p99",
    "  1.5-3.6 ms (about the same as without scoring); with linkage on 33.2k, 27.6k, 28.1k, 30.5k, p99 6.9, 62.9, 69.0, 5.4 ms.",
    "  In this load all 500 keys share one IP prefix and user agent and send eight prompts (a hub, as behind a NAT); a",
    "  linkage pass then stalls requests for tens of milliseconds now and then, and runs got slower over minutes (3-round",
    "  runs: 77.5% of without, p99 +13 ms; an earlier 2-round run: 89.1%, p99 +3.0 ms). Running passes more often",
    "  (`LinkageInterval` 40 ms) did not help. Fixing it needs the engine: a bounded `ProcessLinkage(maxEvents)` and a look",
    "  at what a pass costs under a hub.",
    "- Tiered compilation: measured after only a 5 s warm-up, scoring-on ran at 7-10k requests/s; it reaches its steady",
    "  rate after ~40 s of load on one core (`DOTNET_TC_CallCountingDelayMs=0` gets there at once), hence the 45 s warm-up.",
    "",
]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
