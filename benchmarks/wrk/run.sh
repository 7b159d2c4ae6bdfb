#!/usr/bin/env bash
# Middleware overhead on loopback: the sample API with scoring off, then on, both reading the body (the canned
# endpoints parse it as a model server would). Writes benchmarks/results/middleware-wrk.md.
#
#   benchmarks/wrk/run.sh [duration=20s] [connections=32] [rounds=4] [warmup=45s] [endpoint-work-us=0]   (about 10 minutes)
#
# endpoint-work-us > 0 makes both variants' endpoint spend that much CPU per request after reading the body (a stand-in
# for a real server's own work) and writes benchmarks/results/middleware-wrk-endpoint-<N>us.md instead.
#
# Needs wrk (apt-get install -y wrk). On a 2-core machine the server is pinned to CPU 0 and wrk to CPU 1
# (taskset), so the two do not steal each other's core and runs are comparable. Every run starts a fresh server.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${1:-20s}"
CONNECTIONS="${2:-32}"
ROUNDS="${3:-4}"
WARMUP="${4:-45s}"
WORK_US="${5:-0}"
PORT_OFF=5181
PORT_ON=5182
OUT=benchmarks/results/middleware-wrk.md
if ((WORK_US > 0)); then OUT="benchmarks/results/middleware-wrk-endpoint-${WORK_US}us.md"; fi
RAW=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$RAW"' EXIT

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
dotnet build samples/AntiDistill.Api.Sample/AntiDistill.Api.Sample.csproj -c Release -v q -nologo >/dev/null
DLL=samples/AntiDistill.Api.Sample/bin/Release/net10.0/AntiDistill.Api.Sample.dll
CPUS=$(nproc)
SERVER_CPU=0
WRK_CPU=$((CPUS > 1 ? 1 : 0))

start_server() { # $1 = scoring true/false, $2 = port
  taskset -c "$SERVER_CPU" dotnet "$DLL" --urls "http://127.0.0.1:$2" --Sample:Scoring="$1" --Sample:EndpointWorkMicroseconds="$WORK_US" \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:AntiDistill=Warning \
    --AntiDistillation:Http:Policies:default:Shadow=true >"$RAW/server-$1.log" 2>&1 &
  echo $! >"$RAW/pid-$2"
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

stop_server() { # $1 = port
  local pid
  pid=$(cat "$RAW/pid-$1")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# One fresh server per run, alone on its core: a process's own luck (tiered and PGO-compiled code, heap layout, thread
# placement) moved a server's rate by +-5% from one start to the next, so measuring one process per variant for every
# round measured that luck too. Each run starts its server, warms it up, measures it and stops it; the order of the two
# variants alternates from round to round.
measure() { # $1 = scoring true/false, $2 = port, $3 = output file
  start_server "$1" "$2"
  # Long warm-up: on one pinned core the runtime's tiering (tier 0 -> instrumented -> tier 1) of the engine's
  # many methods takes ~40 s under full load; before that the scoring server runs partly unoptimized code.
  warm "$2" "$WARMUP"
  run_wrk "$2" "$3"
  stop_server "$2"
}

for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then
    measure false "$PORT_OFF" "$RAW/off-$round.txt"
    measure true "$PORT_ON" "$RAW/on-$round.txt"
  else
    measure true "$PORT_ON" "$RAW/on-$round.txt"
    measure false "$PORT_OFF" "$RAW/off-$round.txt"
  fi
done

# Every response must be a 200: a run full of errors would measure the error path.
if grep -h "Non-2xx" "$RAW"/*.txt; then echo "non-2xx responses, see above" >&2; exit 1; fi

python3 - "$RAW" "$ROUNDS" "$DURATION" "$CONNECTIONS" "$OUT" "$WARMUP" "$WORK_US" <<'PY'
import re, sys, statistics, subprocess, platform
raw, rounds, duration, connections, out, warmup, work = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7])
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
    "# Middleware overhead (wrk, loopback)" + (f", endpoint spending {work} us per request" if work else ""),
    "",
    f"Produced by `benchmarks/wrk/run.sh{f' {duration} {connections} {rounds} {warmup} {work}' if work else ''}` (sample API, `POST /v1/chat/completions`, ~1 KiB body, 500 API keys,",
    "canned answer). Scoring off runs the same app without `UseAntiDistillation`; both parse the body in the endpoint"
    + (f", then spin {work} us as a stand-in for a real server's own work per request." if work else "."),
    f"Scoring on runs the sample's default policy (shadow mode: every request read, scored, counted, bands evaluated).",
    f"Machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, .NET SDK {dotnet}, {platform.system()}.",
    f"Server pinned to CPU 0 and wrk (1 thread, {connections} connections) to CPU 1 with taskset. Each server is warmed up for {warmup}",
    "under load first (on one core, tiered compilation of the engine takes ~40 s; measured before that, scoring-on ran at a third",
    f"of its steady rate), then 5 s before each run of {duration}. Every run is a fresh server process alone on its core;",
    f"{rounds} rounds, the order of the two variants alternating (off-on, on-off, ...; an even count runs each variant first as",
    "often as second). Single runs are noisy (a fresh server's rate varies by up to 10% from one start to the next): compare the means.",
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
    "<!-- notes: everything below is kept when the script rewrites the table above -->",
]
try:
    previous = open(out).read()
    marker = previous.find("<!-- notes:")
    notes = previous[previous.index("\n", marker) + 1:] if marker >= 0 else ""
except FileNotFoundError:
    notes = ""
lines.append(notes.rstrip("\n"))
lines.append("")
open(out, "w").write("\n".join(lines))
print("\n".join(lines[:lines.index("<!-- notes: everything below is kept when the script rewrites the table above -->")]))
PY
