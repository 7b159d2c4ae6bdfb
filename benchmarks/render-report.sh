#!/usr/bin/env bash
# Renders the analyze HTML report in headless Chromium and checks it: simulate a small log, analyze it with
# --html, screenshot the page, fail if the page asks for anything over the network or the screenshot is blank.
# Needs Debian's chromium (apt-get install -y chromium). Usage: benchmarks/render-report.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
command -v chromium >/dev/null || { echo "render-report: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }

dotnet build "$root/src/AntiDistill.Cli/AntiDistill.Cli.csproj" -c Release --nologo -v q >/dev/null
cli="$root/src/AntiDistill.Cli/bin/Release/net10.0/AntiDistill.Cli.dll"
dotnet "$cli" simulate --out "$out/log.jsonl" --scale 0.1 --days 3 --seed 1 >/dev/null
dotnet "$cli" analyze "$out/log.jsonl" --out "$out/report.json" --html "$out/report.html"

# Self-contained: no scripts, stylesheets, images or fonts fetched from anywhere (the SVG namespace is not a request).
if grep -Eo '(src|href)="[a-z]+:[^"]*"|@import|url\(|<script' "$out/report.html"; then
  echo "render-report: the page references external resources" >&2; exit 1
fi

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
  --screenshot="$out/report.png" "file://$out/report.html" 2>/dev/null
size=$(stat -c %s "$out/report.png")
if [ "$size" -lt 50000 ]; then
  echo "render-report: screenshot is only $size bytes; the page did not render" >&2; exit 1
fi
echo "rendered $out/report.html -> $out/report.png ($size bytes)"
