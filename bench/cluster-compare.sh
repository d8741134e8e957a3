#!/usr/bin/env bash
# Three es serve on a Redis Cluster (three primaries, three replicas) beside three es serve on one Redis: the
# same es bench loads, alternating, one warm-up round then RUNS recorded rounds. For each run: deliveries/s (es
# bench) and publishes/s (the events published over the deliveries' span), each Redis primary's CPU per
# publish (its utime+stime from /proc over every publish of the run: summed, the cost of one publish), and
# what each es serve was sent by Redis (es_events_received_total) as a share of the events published.
# Loads: "fan-out" (100 channels x 100 subscribers over the three servers, 4 publishers flat out) and "tenth"
# (100 channels, 30 subscribers: each server follows 10 of the 100 channels; 8 publishers flat out).
# Usage: bench/cluster-compare.sh [RUNS]   (default 2). Loopback only; bounded runs. Needs redis-server, redis-cli.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-2}
single_port=18290 node_ports=(18291 18292 18293 18294 18295 18296)
single_es=(18281 18282 18283) cluster_es=(18284 18285 18286)
source "$root/bench/scratch.sh"
ulimit -n "$(ulimit -Hn)"
hz=$(getconf CLK_TCK)

redis-server --port "$single_port" --bind 127.0.0.1 --save "" --appendonly no >"$scratch/single.log" 2>&1 &
pids+=($!)
declare -A redis_pid=([single]=$!)
for port in "${node_ports[@]}"; do
  mkdir -p "$scratch/$port"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$scratch/$port" \
    --cluster-enabled yes --cluster-config-file nodes.conf >"$scratch/$port.log" 2>&1 &
  pids+=($!)
  redis_pid[$port]=$!
done
for port in "$single_port" "${node_ports[@]}"; do
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${node_ports[@]}") --cluster-replicas 1 --cluster-yes >/dev/null
for _ in $(seq 300); do
  redis-cli -p "${node_ports[0]}" cluster info | grep -q cluster_state:ok && break
  sleep 0.1
done

"$root/es" --version >/dev/null   # builds first if needed
for port in "${single_es[@]}"; do
  "$root/es" serve --port "$port" --redis "redis://127.0.0.1:$single_port" >"$scratch/es-$port.log" 2>&1 &
  pids+=($!)
done
for port in "${cluster_es[@]}"; do
  "$root/es" serve --port "$port" --redis "redis://127.0.0.1:${node_ports[0]}" >"$scratch/es-$port.log" 2>&1 &
  pids+=($!)
done
for port in "${single_es[@]}" "${cluster_es[@]}"; do
  for _ in $(seq 150); do curl -s -o /dev/null -I "http://127.0.0.1:$port/all" && break; sleep 0.1; done
done

# cpu_of PID: utime+stime in clock ticks.
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# received PORT: es_events_received_total of that es serve.
received() { curl -s "http://127.0.0.1:$1/_es/v1/metrics" | awk '/^es_events_received_total / { printf "%d", $2 }'; }
# primaries: the ports of the cluster's primaries now.
primaries() {
  for p in "${node_ports[@]}"; do
    if redis-cli -p "$p" role | head -1 | grep -q master; then echo "$p"; fi
  done
}

out="$scratch/results"
# run_load NAME MESSAGES ARGS...: per round, one es bench run on each setup, publishing on its first server and
# subscribing on all three.
run_load() {
  local name=$1 messages=$2; shift 2
  for round in $(seq 0 "$runs"); do
    for setup in single cluster; do
      local ports=("${single_es[@]}") redis=(single)
      [[ $setup == cluster ]] && ports=("${cluster_es[@]}") && redis=($(primaries))
      local urls=(--url "http://127.0.0.1:${ports[0]}")
      for port in "${ports[@]}"; do urls+=(--sub-url "http://127.0.0.1:$port"); done
      local before_cpu=() before_received=() after_cpu=() after_received=()
      for r in "${redis[@]}"; do before_cpu+=("$(cpu_of "${redis_pid[$r]}")"); done
      for port in "${ports[@]}"; do before_received+=("$(received "$port")"); done
      local json
      json=$("$root/es" bench "${urls[@]}" --channel-prefix "$name-$setup-$round" -m "$messages" --timeout 300s --json \
        "$@" 2>/dev/null) || true
      for r in "${redis[@]}"; do after_cpu+=("$(cpu_of "${redis_pid[$r]}")"); done
      for port in "${ports[@]}"; do after_received+=("$(received "$port")"); done
      local cpu="" share=""
      for i in "${!redis[@]}"; do
        cpu+="$(awk -v t=$((after_cpu[i] - before_cpu[i])) -v hz="$hz" -v m="$messages" \
          'BEGIN { printf "%.1f ", t / hz * 1e6 / m }')"
      done
      for i in "${!ports[@]}"; do
        share+="$(awk -v r=$((after_received[i] - before_received[i])) -v m="$messages" 'BEGIN { printf "%.2f ", r / m }')"
      done
      if ((round > 0)); then printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$setup" "$cpu" "$share" "${json:-{\}}" >>"$out"; fi
      echo "cluster-compare: $name $setup run $round: redis µs/publish [$cpu] received/published [$share] ${json:0:120}" >&2
      sleep 2   # the run's subscribers leave
    done
  done
}

run_load fan-out 5000 -s 10000 -c 100 --size 100 -p 4
run_load tenth 20000 -s 30 -c 100 --size 100 -p 8

python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, setup, cpu, share, text = line.rstrip("\n").split("\t", 4)
    r = json.loads(text)
    span = r["delivered"] / r["deliveriesPerSecond"] if r.get("deliveriesPerSecond") else 0
    publishes = r["published"] / span if span else 0
    rows.setdefault((name, setup), []).append((r.get("deliveriesPerSecond", 0), r.get("p99", 0), r.get("lost", -1),
                                               cpu.split(), share.split(), publishes))
print("| load | setup | publishes/s | deliveries/s | p99 ms | lost | Redis CPU µs per publish, each primary | sent to each es / published |")
print("|---|---|---|---|---|---|---|---|")
for name in dict.fromkeys(k[0] for k in rows):
    for setup, label in (("single", "3 es on one Redis"), ("cluster", "3 es on a cluster (3+3)")):
        runs = rows.get((name, setup), [])
        if not runs:
            continue
        d = statistics.median(x[0] for x in runs)
        p99 = statistics.median(x[1] for x in runs)
        lost = sum(x[2] for x in runs)
        cpu = " / ".join(str(statistics.median(float(x[3][i]) for x in runs)) for i in range(len(runs[0][3])))
        share = " / ".join(str(statistics.median(float(x[4][i]) for x in runs)) for i in range(len(runs[0][4])))
        pubs = statistics.median(x[5] for x in runs)
        print(f"| {name} | {label} | {pubs:,.0f} | {d:,.0f} | {p99:.1f} | {lost} | {cpu} | {share} |")
PY
