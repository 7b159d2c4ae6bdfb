#!/usr/bin/env python3
"""Turns benchmarks/gateway/run.sh's raw wrk outputs and CPU counters into benchmarks/results/gateway.md."""
import platform, re, statistics, subprocess, sys

raw, rounds, rate, stream_rate, duration, warmup, connections, tick, out = sys.argv[1:10]
rounds, tick = int(rounds), int(tick)
variants = ("false", "true")
label = {"false": "without AntiDistill", "true": "with AntiDistill"}


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(path):
    text = open(path).read()
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    return requests, rps, p99


def cpu_us_per_request(prefix):
    requests, rps, _ = wrk(prefix + ".txt")
    ticks = int(open(prefix + ".cpu").read())
    return ticks * 1e6 / tick / max(1, requests), rps


def mean(xs):
    return statistics.mean(xs) if xs else float("nan")


paced = {v: [cpu_us_per_request(f"{raw}/paced-{v}-{r}") for r in range(1, rounds + 1)] for v in variants}
stream = {v: [cpu_us_per_request(f"{raw}/stream-{v}-{r}") for r in range(1, rounds + 1)] for v in variants}
peak = {v: [wrk(f"{raw}/peak-{v}-{r}.txt") for r in range(1, rounds + 1)] for v in variants}
cold = {v: [[wrk(f"{raw}/cold-{v}-{r}-{s}.txt")[1] for s in range(1, 31)] for r in range(1, rounds + 1)] for v in variants}
warm = {v: [[wrk(f"{raw}/warm-{v}-{r}-{s}.txt")[1] for s in range(1, 11)] for r in range(1, rounds + 1)] for v in variants}

cpu_off, cpu_on = mean([c for c, _ in paced["false"]]), mean([c for c, _ in paced["true"]])
st_off, st_on = mean([c for c, _ in stream["false"]]), mean([c for c, _ in stream["true"]])
peak_off, peak_on = mean([p[1] for p in peak["false"]]), mean([p[1] for p in peak["true"]])
p99_off, p99_on = mean([p[2] for p in peak["false"]]), mean([p[2] for p in peak["true"]])
machine = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
sdk = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()

lines = [
    "# AntiDistill in a YARP gateway",
    "",
    f"Produced by `benchmarks/gateway/run.sh {rate} {duration} {rounds} {warmup} {stream_rate}`: `samples/AntiDistill.Gateway` (YARP) in front of",
    "`samples/AntiDistill.Api.Sample` as the model server (scoring off there), the wrk mix of `benchmarks/wrk` (500 API keys, ~1 KiB",
    "chat bodies). *With* runs the gateway's shipped config with every policy in shadow mode (each request read, scored, linked,",
    "its response observed; nothing refused, so both variants do the same proxy work); *without* sets `Gateway:Scoring=false`.",
    f"Machine: {machine}, 2 cores, .NET SDK {sdk}, {platform.system()}. Gateway pinned to CPU 0; upstream and wrk share CPU 1.",
    f"Both variants run side by side (two gateways on CPU 0), each warmed up for {warmup} s under saturated load, then measured",
    f"in {rounds} rounds of alternating windows (ABBA); each cold start is a fresh gateway.",
    "",
    f"## (a) Gateway CPU per request at a fixed offered rate (~{rate} requests/s, {duration} s)",
    "",
    "| round | without: µs CPU/request | with: µs CPU/request | achieved rate without / with |",
    "|---|---:|---:|---:|",
]
for r in range(rounds):
    lines.append(f"| {r + 1} | {paced['false'][r][0]:.1f} | {paced['true'][r][0]:.1f} | {paced['false'][r][1]:,.0f} / {paced['true'][r][1]:,.0f} |")
lines += [
    f"| mean | **{cpu_off:.1f}** | **{cpu_on:.1f}** | |",
    "",
    f"AntiDistill adds **{cpu_on - cpu_off:.1f} µs** per request, **{(cpu_on / cpu_off - 1):+.1%}** of the gateway's own CPU (goal: at most +8%).",
    "",
    f"## (b) Saturated ({duration} s, {connections} connections)",
    "",
    "| round | without: requests/s | with: requests/s | without: p99 ms | with: p99 ms |",
    "|---|---:|---:|---:|---:|",
]
for r in range(rounds):
    lines.append(f"| {r + 1} | {peak['false'][r][1]:,.0f} | {peak['true'][r][1]:,.0f} | {peak['false'][r][2]:.2f} | {peak['true'][r][2]:.2f} |")
lines += [
    f"| mean | **{peak_off:,.0f}** | **{peak_on:,.0f}** | **{p99_off:.2f}** | **{p99_on:.2f}** |",
    "",
    f"Peak with AntiDistill: **{peak_on / peak_off:.1%}** of without (goal: at least 90%); p99 added **{p99_on - p99_off:+.2f} ms** (goal: at most 0.5 ms).",
    "",
    f"## (c) Streamed responses of 1,000 SSE chunks (~{stream_rate} streams/s)",
    "",
    "| round | without: µs CPU/stream | with: µs CPU/stream |",
    "|---|---:|---:|",
]
for r in range(rounds):
    lines.append(f"| {r + 1} | {stream['false'][r][0]:,.0f} | {stream['true'][r][0]:,.0f} |")
lines += [
    f"| mean | **{st_off:,.0f}** | **{st_on:,.0f}** |",
    "",
    f"Observation (and scoring the request) adds **{(st_on / st_off - 1):+.1%}** to the gateway's CPU per streamed response (goal: at most +5%).",
    "",
    "## (d) Cold start: requests/s in each second from process start, saturated",
    "",
    "Mean over rounds; *warmed* is the same variant's mean of ten 1-second runs after the warm-up.",
    "",
    "| second | without | with | with / without |",
    "|---:|---:|---:|---:|",
]
warm_off = mean([x for run in warm["false"] for x in run])
warm_on = mean([x for run in warm["true"] for x in run])
reached = None
for s in range(30):
    off = mean([run[s] for run in cold["false"]])
    on = mean([run[s] for run in cold["true"]])
    lines.append(f"| {s + 1} | {off:,.0f} | {on:,.0f} | {on / off:.2f} |")
    if reached is None and on >= 0.95 * warm_on:
        reached = s + 1
lines += [
    f"| warmed | {warm_off:,.0f} | {warm_on:,.0f} | {warm_on / warm_off:.2f} |",
    "",
    f"With AntiDistill the cold gateway first reaches 95% of its warmed rate in second **{reached if reached else '> 30'}** (goal: within 10 s).",
    "",
]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
