#!/usr/bin/env bash
# The size of es serve --data's files under a steady load that keeps trimming history: 100 channels of 100 events
# each (--history 100), events of ~200 bytes at RATE a second, for MINUTES; the history log is sampled every 30 s.
# It grows until what trimming let go passes the compaction threshold, then is compacted back: bounded, not flat.
# Usage: bench/data-soak.sh [MINUTES [RATE]]   (default 10 1000). Loopback only; bounded.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
minutes=${1:-10}
rate=${2:-1000}
port=18098
scratch=$(mktemp -d)
trap 'pkill -f "dev.es.cli.Main serve --port $port" 2>/dev/null || true; rm -rf "$scratch"' EXIT
"$root/es" --version >/dev/null   # builds first if needed
"$root/es" serve --port "$port" --data "$scratch/data" --history 100 >"$scratch/serve.log" 2>&1 &
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/_es/v1/health/live" && break
  sleep 0.1
done
"$root/es" bench --url "http://127.0.0.1:$port" -s 100 -c 100 -m $((minutes * 60 * rate)) --size 200 -p 4 \
  --rate "$rate" --duration "${minutes}m" --timeout "$((minutes + 1))m" --json >"$scratch/bench.json" 2>/dev/null &
bench=$!
echo "| minute | history.log KiB |"
echo "|---|---|"
for sample in $(seq 0 $((minutes * 2))); do
  ((sample > 0)) && sleep 30
  kill -0 "$bench" 2>/dev/null || break
  echo "| $(awk "BEGIN {print $sample / 2}") | $(du -k "$scratch/data/history.log" | cut -f1) |"
done
wait "$bench" || true
echo
echo "es bench: $(cat "$scratch/bench.json")"
