#!/usr/bin/env bash
# How long es serve --data takes to start with CHANNELS channels of EVENTS retained events each (of ~200 bytes):
# es makes the file, sqlite3 fills it (faster than publishing a million events), then es serve is started
# ROUNDS times and timed from launch to its first answer; the start line's own figure (finding the history) too,
# and what the first reads of a channel's history cost.
# Usage: bench/data-startup.sh [CHANNELS [EVENTS [ROUNDS]]]   (default 10000 100 3). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
channels=${1:-10000}
events=${2:-100}
rounds=${3:-3}
port=18097
if ! command -v sqlite3 >/dev/null; then
  echo "data-startup: installing sqlite3" >&2
  apt-get update -q >/dev/null && apt-get install -y -q sqlite3 >/dev/null
fi
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
data=$(printf 'x%.0s' $(seq 180))
sqlite3 "$scratch/data/history.db" <<SQL
WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n + 1 < $channels),
               e(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM e WHERE n + 1 < $events)
INSERT INTO events (channel, place, id, frame, stored_at)
SELECT 'user-' || c.n, 1000000 + c.n * $events + e.n, CAST(1000000 + c.n * $events + e.n AS TEXT),
       CAST('id: ' || (1000000 + c.n * $events + e.n) || char(10) || 'data: $data' || char(10) || char(10) AS BLOB),
       CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM c, e;
SQL
echo "data-startup: $channels channels x $events events, $(du -h "$scratch/data/history.db" | cut -f1) on disk"
for _ in $(seq "$rounds"); do
  serve_once
done
