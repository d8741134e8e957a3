#!/usr/bin/env bash
# What es serve's limits do under load, each measured on a server of its own (loopback, bounded runs):
#  1. --history-bytes: heap after a full GC once 125 MiB of events went into one channel, with the default
#     bound (16 MiB) and with the bound lifted.
#  2. --max-connections-per-client: a second client that opens connections past the limit is refused (429)
#     while the first one's subscribers, connected before, receive every event.
# Usage: bench/limits.sh     Prints markdown tables.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=18082
scratch=$(mktemp -d)
source "$root/dist/src/main/dist/libexec/jdk.sh"
es_find_jdk   # for jcmd, as the launcher finds java
cleanup() {
  [[ -f $scratch/es.pid ]] && kill "$(cat "$scratch/es.pid")" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
"$root/es" --version >/dev/null   # builds first if needed

serve() {
  "$root/es" serve --port "$port" "$@" >"$scratch/es.log" 2>&1 &
  echo $! >"$scratch/es.pid"
  for _ in $(seq 100); do curl -s -o /dev/null -I "http://127.0.0.1:$port/all" && return; sleep 0.1; done
  echo "limits: es serve did not start: $(cat "$scratch/es.log")" >&2; exit 1
}
stop() { kill "$(cat "$scratch/es.pid")"; wait "$(cat "$scratch/es.pid")" 2>/dev/null || true; rm -f "$scratch/es.pid"; }
# Heap in use after a full collection, in MiB.
heap_after_gc() {
  local pid; pid=$(cat "$scratch/es.pid")   # the launcher execs java: its pid
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null
  "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { sub("K,?", "", $(i+1)); print int($(i+1) / 1024); exit } }'
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], 0))' "$1" "$2"; }

echo "| --history-bytes | events published | heap after GC before | after | delivered | lost |"
echo "|---|---|---|---|---|---|"
for bound in default lifted; do
  if [[ $bound == default ]]; then serve; else serve --history 100000 --history-bytes 4294967296; fi
  before=$(heap_after_gc)
  json=$("$root/es" bench --url "http://127.0.0.1:$port" -s 1 -m 2000 --size 65536 --timeout 120s --json 2>/dev/null || true)
  after=$(heap_after_gc)
  echo "| $bound | 2,000 × 64 KiB (125 MiB) | $before MiB | $after MiB | $(field "$json" delivered) | $(field "$json" lost) |"
  stop
done

echo
echo "| --max-connections-per-client 3000 | connected | delivered | lost | refused with |"
echo "|---|---|---|---|---|"
serve --max-connections-per-client 3000
"$root/es" bench --url "http://127.0.0.1:$port" -s 2500 -m 2000 --hold 8s --timeout 60s --json \
  >"$scratch/first.json" 2>/dev/null &
first=$!
sleep 4   # the first 2,500 are connected and idle (the hold lasts 8 s)
"$root/es" bench --url "http://127.0.0.1:$port" --channel-prefix other -s 1000 -m 10 --timeout 30s \
  >"$scratch/second.txt" 2>&1 || true
wait "$first" || true
json=$(cat "$scratch/first.json")
echo "| first client, before the limit | $(field "$json" connected)/2500 | $(field "$json" delivered) | $(field "$json" lost) | |"
echo "| second client, past it | $(awk '/^connected/ {print $2}' "$scratch/second.txt") | | | $(sed -n 's/.*the hub answered //p' "$scratch/second.txt") |"
stop
