#!/usr/bin/env bash
# How long es serve --data takes to start with CHANNELS channels of EVENTS retained events each (of ~200 bytes):
# es makes the log, a few lines of Python append the events (faster than publishing a million), then es serve is started
# ROUNDS times and timed from launch to its first answer; the start line's own figure (finding the history) too,
# and what the first reads of a channel's history cost.
# Usage: bench/data-startup.sh [CHANNELS [EVENTS [ROUNDS]]]   (default 10000 100 3). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
channels=${1:-10000}
events=${2:-100}
rounds=${3:-3}
port=18097
scratch=$(mktemp -d)
trap 'pkill -f "dev.es.cli.Main serve --port $port" 2>/dev/null || true; rm -rf "$scratch"' EXIT
"$root/es" --version >/dev/null   # builds first if needed

# serve_once: starts es serve on the directory, waits (bounded) until it answers, prints its start line and the
# milliseconds from launch to the first answer, then stops it.
serve_once() {
  local started log=$scratch/serve.log
  started=$(date +%s%N)
  "$root/es" serve --port "$port" --data "$scratch/data" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    curl -s -o /dev/null "http://127.0.0.1:$port/_es/v1/health/live" && break
    sleep 0.01
  done
  local answered=$((($(date +%s%N) - started) / 1000000))
  # A channel's events are read from disk when it is first asked for: two channels' first reads, then the
  # first again (from memory), each as curl times it.
  local reads=() channel
  for channel in user-1 user-2 user-1; do
    reads+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/_es/v1/channels/$channel/events?limit=100")")
  done
  echo "$(head -1 "$log") | first answer after $answered ms | history of one channel read (s): first ${reads[0]}, another ${reads[1]}, the first again ${reads[2]}"
  kill "$pid"
  wait "$pid" || true
}

serve_once >/dev/null
# Records as es writes them (es-server's store/LogRecords.java): length, CRC-32 and body, in place order.
python3 - "$scratch/data/history.log" "$channels" "$events" <<'PY'
import struct, sys, time, zlib
path, channels, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = int(time.time() * 1000)
with open(path, "ab") as log:
    for c in range(channels):
        name = f"user-{c}".encode()
        for e in range(events):
            place = 1_000_000 + c * events + e
            ident = str(place).encode()
            frame = b"id: " + ident + b"\ndata: " + b"x" * 180 + b"\n\n"
            body = (struct.pack(">bqqi", 1, place, now, len(name)) + name + struct.pack(">i", len(ident)) + ident
                    + frame)
            log.write(struct.pack(">iI", len(body), zlib.crc32(body)) + body)
PY
echo "data-startup: $channels channels x $events events, $(du -h "$scratch/data/history.log" | cut -f1) on disk"
for _ in $(seq "$rounds"); do
  serve_once
done
