#!/usr/bin/env bash
# Two es serve sharing channels through one Redis beside one es serve alone: the same es bench loads,
# alternating, one warm-up round then RUNS recorded rounds; prints a markdown table of deliveries/s and p99
# (medians) and the ratio. On Redis the publishers publish on the first server and the subscribers are spread
# over both, so every event crosses Redis and both servers deliver.
# Usage: bench/redis-compare.sh [RUNS]   (default 2). Loopback only; bounded runs. Needs redis-server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-2}
redis_port=18190 first=18191 second=18192 alone=18193
source "$root/bench/scratch.sh"
ulimit -n "$(ulimit -Hn)"

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$scratch/redis.log" 2>&1 &
pids+=($!)
"$root/es" --version >/dev/null   # builds first if needed
for port in "$first" "$second"; do
  "$root/es" serve --port "$port" --redis "redis://127.0.0.1:$redis_port" >"$scratch/es-$port.log" 2>&1 &
  pids+=($!)
done
"$root/es" serve --port "$alone" >"$scratch/es-$alone.log" 2>&1 &
pids+=($!)
for port in "$first" "$second" "$alone"; do
  for _ in $(seq 100); do
    curl -s -o /dev/null -I "http://127.0.0.1:$port/all" && break
    sleep 0.1
  done
done

out="$scratch/results"
# run_load NAME ARGS...: per round, one es bench run on the pair on Redis and one on the server alone.
run_load() {
  local name=$1; shift
  for round in $(seq 0 "$runs"); do
    for setup in redis alone; do
      local urls=(--url "http://127.0.0.1:$alone")
      [[ $setup == redis ]] && urls=(--url "http://127.0.0.1:$first" --sub-url "http://127.0.0.1:$first"
        --sub-url "http://127.0.0.1:$second")
      local json
      json=$("$root/es" bench "${urls[@]}" --channel-prefix "$name-$round" --timeout 300s --json "$@" 2>/dev/null) || true
      if ((round > 0)); then printf '%s\t%s\t%s\n' "$name" "$setup" "${json:-{\}}" >>"$out"; fi
      echo "redis-compare: $name $setup run $round: ${json:0:160}" >&2
      sleep 2   # the run's subscribers leave
    done
  done
}

run_load one-channel-1k -s 1000 -c 1 -m 2000 --size 100 -p 1
run_load hundred-channels -s 10000 -c 100 -m 5000 --size 100 -p 4

python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, setup, text = line.rstrip("\n").split("\t", 2)
    r = json.loads(text)
    rows.setdefault((name, setup), []).append((r.get("deliveriesPerSecond", 0), r.get("p50", 0), r.get("p99", 0), r.get("lost", -1)))
print("| load | setup | deliveries/s | p50 ms | p99 ms | lost (all runs) |")
print("|---|---|---|---|---|---|")
for name in dict.fromkeys(k[0] for k in rows):
    med = {}
    for setup, label in (("redis", "2 servers on Redis"), ("alone", "1 server in-process")):
        runs = rows.get((name, setup), [])
        med[setup] = [statistics.median(c) for c in zip(*runs)] if runs else [0] * 4
        d, p50, p99, _ = med[setup]
        print(f"| {name} | {label} | {d:,.0f} | {p50:.1f} | {p99:.1f} | {sum(x[3] for x in runs)} |")
    a, b = med["redis"], med["alone"]
    ratio = lambda x, y: f"{x / y:.2f}×" if y else "-"
    print(f"| {name} | Redis / alone | {ratio(a[0], b[0])} | {ratio(a[1], b[1])} | {ratio(a[2], b[2])} | |")
PY
