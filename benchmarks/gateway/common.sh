# Sourced by run.sh and capture.sh (after cd to the repository root, with CONNECTIONS, DURATION and RATE set):
# builds the two samples, starts the upstream (the sample API on CPU 1) and defines the gateway and wrk helpers.
UPSTREAM_PORT=5301
GATEWAY_PORT=5302
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

start_gateway() { # $1 = scoring true/false, then any further gateway arguments (GATEWAY_PORT and GATEWAY_LOG may be set)
  local scoring="$1"; shift
  env ${GATEWAY_ENV:-} taskset -c 0 dotnet "$GATEWAY" --contentRoot "$PWD/$(dirname "$GATEWAY")" --urls "http://127.0.0.1:$GATEWAY_PORT" --Gateway:Scoring="$scoring" \
    --ReverseProxy:Clusters:model:Destinations:local:Address="http://127.0.0.1:$UPSTREAM_PORT/" \
    --AntiDistillation:Http:Policies:enforce:Shadow=true \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:AntiDistill=Warning ${GATEWAY_ARGS:-} "$@" >"${GATEWAY_LOG:-$RAW/gateway-$scoring.log}" 2>&1 &
  GATEWAY_PID=$!
  wait_for "http://127.0.0.1:$GATEWAY_PORT/healthz" "${GATEWAY_LOG:-$RAW/gateway-$scoring.log}"
}

# Two gateways side by side on CPU 0, A on port 5302 and B on 5303: $1 = A's scoring, $2 = B's scoring, then B's
# further arguments. use_a/use_b point load, paced and cpu_ticks at one of them.
start_pair() {
  local a="$1" b="$2"; shift 2
  GATEWAY_PORT=5302 GATEWAY_LOG="$RAW/gateway-a.log" start_gateway "$a"
  A_PID=$GATEWAY_PID
  GATEWAY_PORT=5303 GATEWAY_LOG="$RAW/gateway-b.log" start_gateway "$b" "$@"
  B_PID=$GATEWAY_PID
}
use_a() { GATEWAY_PORT=5302; GATEWAY_PID=$A_PID; }
use_b() { GATEWAY_PORT=5303; GATEWAY_PID=$B_PID; }
stop_pair() { kill "$A_PID" "$B_PID" 2>/dev/null || true; wait "$A_PID" "$B_PID" 2>/dev/null || true; }

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

