#!/usr/bin/env bash
# es serve beside nginx+nchan, same loads, same instrument (es bench), alternating runs; prints a markdown
# table of deliveries/s, p50/p99, server CPU per delivery and loss, with the ratio es/nchan.
# Then each ratio beside the target issue 19 set for it, and whether it holds.
# Usage: bench/compare.sh [RUNS [LOAD...]]   RUNS per load and server (default 2); LOADs by name (default: all),
# from: fresh (fresh servers: the first 10,000 connections' CPU and memory) idle-memory publish-only fan-out-1
# fan-out-1-paced fan-out-10 fan-out-10-paced fan-out-1-batch connect one-channel-1k one-channel-10k
# hundred-channels hundred-channels-paced healthy-8k stalled-8k healthy-8k-paced stalled-8k-paced.
# Loopback only; bounded runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-2}
selected=("${@:2}")
# wanted NAME: whether the load was asked for (all are, when none is named).
wanted() {
  ((${#selected[@]} == 0)) && return 0
  local name
  for name in "${selected[@]}"; do [[ $name == "$1" ]] && return 0; done
  return 1
}
es_port=18080
nchan_port=18081
scratch=$(mktemp -d)
cleanup() {
  [[ -f $scratch/es.pid ]] && kill "$(cat "$scratch/es.pid")" 2>/dev/null || true
  [[ -f $scratch/nginx.pid ]] && kill "$(cat "$scratch/nginx.pid")" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

if [[ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]] || ! command -v wrk >/dev/null; then
  echo "compare: installing nginx-light, libnginx-mod-nchan and wrk" >&2
  apt-get update -q >/dev/null && apt-get install -y -q nginx-light libnginx-mod-nchan wrk >/dev/null
fi
ulimit -n "$(ulimit -Hn)"

"$root/es" --version >/dev/null   # builds first if needed
mkdir -p "$scratch/body"
sed -e "s#@PORT@#$nchan_port#g" -e "s#@PREFIX@#$scratch#g" "$root/bench/nchan.conf" >"$scratch/nginx.conf"
# start_servers: a fresh es serve and a fresh nginx, both answering.
start_servers() {
  # Every load comes from loopback and makes thousands of channels, kept for an hour with their history: past
  # --max-channels-per-client's 10,000 a later load's subscribers would be refused (429).
  "$root/es" serve --port "$es_port" --max-channels-per-client 1000000 >>"$scratch/es.log" 2>&1 &
  echo $! >"$scratch/es.pid"
  nginx -c "$scratch/nginx.conf" -p "$scratch"
  local ready=""
  for _ in $(seq 100); do
    if curl -s -o /dev/null -I "http://127.0.0.1:$es_port/all" && curl -s -o /dev/null "http://127.0.0.1:$nchan_port/"; then
      ready=yes; break
    fi
    sleep 0.1
  done
  [[ -n $ready ]] || { echo "compare: es serve or nginx did not start (see $scratch)" >&2; exit 1; }
}
# stop_servers: both stopped, their ports free.
stop_servers() {
  kill "$(cat "$scratch/es.pid")" 2>/dev/null || true
  kill "$(cat "$scratch/nginx.pid")" 2>/dev/null || true
  for _ in $(seq 100); do
    pgrep -f "dev.es.cli.Main serve --port $es_port" >/dev/null || pgrep -x nginx >/dev/null || return 0
    sleep 0.1
  done
  echo "compare: es serve or nginx did not stop" >&2; exit 1
}
start_servers

# CPU ticks used so far by the server (es's java, or nginx's master and workers): user and system, apart, since
# the system part (the TCP sends, which on loopback also run the receiver's TCP processing) is what no server
# design removes from a delivery written alone.
ticks() {
  local pids user=0 system=0
  if [[ $1 == es ]]; then pids=$(pgrep -f "dev.es.cli.Main serve --port $es_port"); else pids=$(pgrep -x nginx); fi
  for p in $pids; do
    read -r -a f <"/proc/$p/stat"
    user=$((user + f[13])) system=$((system + f[14]))
  done
  echo "$user $system"
}

out="$scratch/results"
# run_load NAME ARGS...: one es bench run against each server per round, alternating. Rounds up to 0 are
# warm-ups ($warmups, default 3, or COMPARE_WARMUPS) that are not recorded: a JVM compiles its hot code over
# the first runs of a load, and the figures are for a server that has run. One warm-up was not enough: with
# fan-out 1, es's CPU per delivery over eight rounds on one server was 226, 74, 57, 58, 50, 45, 50 and 46 µs, its
# JIT still compiling in the third (a third of the CPU samples).
warmups=${COMPARE_WARMUPS:-3}
run_load() {
  local name=$1; shift
  wanted "$name" || return 0
  for round in $(seq $((1 - warmups)) "$runs"); do
    run_round "$name" "$round" "$@"
  done
}

# Arguments of es bench for es's runs only (run_load_batched).
es_only=()

# run_round NAME ROUND ARGS...: one es bench run against each server, es first.
run_round() {
  local name=$1 round=$2; shift 2
  for server in es nchan; do
    local port=$es_port mode=api user0 system0 user1 system1 json extra=()
    [[ $server == nchan ]] && port=$nchan_port mode=raw
    [[ $server == es ]] && extra=("${es_only[@]}")
    read -r user0 system0 < <(ticks "$server")
    # The load generator shares the machine's two cores: its own CPU (user + system seconds) is recorded too.
    json=$(/usr/bin/time -f "%U %S" -o "$scratch/generator" "$root/es" bench --url "http://127.0.0.1:$port" \
      --pub-mode "$mode" --channel-prefix "$name-$round" --timeout 300s --json "$@" "${extra[@]}" 2>/dev/null) || true
    read -r user1 system1 < <(ticks "$server")
    # Wait until the last run's subscribers are gone from es (it notices a close at once, and ends
    # thousands of them in a moment), so that no run pays for the last one's connections.
    for _ in $(seq 400); do
      [[ $(curl -s -I "http://127.0.0.1:$es_port/all" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-consumer-count"{print $2}') == 0 ]] && break
      sleep 0.1
    done
    record "$name" "$server" "$round" "$user0" "$system0" "$user1" "$system1" "$json" \
      "$(awk '{print $1 + $2}' "$scratch/generator" 2>/dev/null)"
  done
}

# record NAME SERVER ROUND USER0 SYSTEM0 USER1 SYSTEM1 JSON [GENERATOR]: keeps a run's figures (not the warm-up's),
# with the load generator's CPU seconds when known.
record() {
  if (($3 > 0)); then
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(($6 - $4 + $7 - $5)) $(($7 - $5))" "${9:--}" "${8:-{\}}" >>"$out"
  fi
  echo "compare: $1 $2 run $3: $8" >&2
}

# run_load_batched NAME BATCH ARGS...: as run_load, es publishing BATCH events to a request through its batch
# publish, nchan (which has none) one request per event.
run_load_batched() {
  es_only=(--batch "$2")
  run_load "$1" "${@:3}"
  es_only=()
}

# run_publishes NAME: publishes alone, no subscriber: wrk, 4 connections for 10 s, against each server per
# round, alternating (warm-ups first, as run_load). Its "deliveries" are publishes answered 2xx.
run_publishes() {
  local name=$1
  wanted "$name" || return 0
  printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "'{\"data\":\"x\"}'" >"$scratch/es.lua"
  printf 'wrk.method = "POST"\nwrk.body = "x"\nwrk.headers["Content-Type"] = "text/plain"\n' >"$scratch/nchan.lua"
  for round in $(seq $((1 - warmups)) "$runs"); do
    for server in es nchan; do
      local port=$es_port user0 system0 user1 system1 json
      [[ $server == nchan ]] && port=$nchan_port
      read -r user0 system0 < <(ticks "$server")
      wrk -t2 -c4 -d10s --latency -s "$scratch/$server.lua" "http://127.0.0.1:$port/$name-$round" >"$scratch/wrk.txt"
      read -r user1 system1 < <(ticks "$server")
      json=$(python3 - "$scratch/wrk.txt" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
ms = lambda v, unit: float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
pct = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$", text, re.M)}
requests = int(re.search(r"(\d+) requests in", text).group(1))
failed = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = int(failed.group(1)) if failed else 0
print(json.dumps({"delivered": requests - errors, "deliveriesPerSecond": float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1)),
                  "p50": pct.get("50", 0), "p99": pct.get("99", 0), "lost": errors}))
PY
)
      record "$name" "$server" "$round" "$user0" "$system0" "$user1" "$system1" "$json"
    done
  done
}

# Memory per idle subscriber: the server's resident memory with 10,000 idle subscribers, less without them,
# on a server that has already served (and dropped) 10,000 subscribers once.
rss_kib() {
  local pids total=0
  if [[ $1 == es ]]; then pids=$(pgrep -f "dev.es.cli.Main serve --port $es_port"); else pids=$(pgrep -x nginx); fi
  for p in $pids; do total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status"))); done
  echo "$total"
}
memory="$scratch/memory"
touch "$memory" "$out"
wanted idle-memory && for server in es nchan; do
  port=$es_port mode=api
  [[ $server == nchan ]] && port=$nchan_port mode=raw
  # Warm: on a fresh es serve the first connections also pay for loading and compiling the code that serves
  # them and for growing the heap, which is not what one more idle subscriber costs a running server.
  "$root/es" bench --url "http://127.0.0.1:$port" --pub-mode "$mode" --channel-prefix warm -s 10000 -m 0 \
    --timeout 60s --json >/dev/null 2>&1 || true
  sleep 3
  before=$(rss_kib "$server")
  "$root/es" bench --url "http://127.0.0.1:$port" --pub-mode "$mode" --channel-prefix idle -s 10000 -m 0 \
    --hold 10s --timeout 60s --json >"$scratch/idle-$server.json" 2>/dev/null &
  bench=$!
  sleep 7   # started, connected (about 2 s at 5,000/s), and idle: the hold lasts 10 s
  during=$(rss_kib "$server")
  wait "$bench" || true
  echo "idle-memory $server $((during - before))" >>"$memory"
  echo "compare: idle $server: RSS $before KiB -> $during KiB" >&2
done

# A reconnect storm right after a deploy: per round, both servers restarted, then 10,000 subscribers of one
# channel connect to each (5,000/s) and are held 10 s: the CPU of those first connections (JIT and all) and the
# resident memory they hold. Recorded as the loads connect-fresh and idle-memory-fresh.
wanted fresh && for round in $(seq "$runs"); do
  stop_servers
  start_servers
  sleep 2
  for server in es nchan; do
    port=$es_port mode=api
    [[ $server == nchan ]] && port=$nchan_port mode=raw
    before=$(rss_kib "$server")
    read -r user0 system0 < <(ticks "$server")
    "$root/es" bench --url "http://127.0.0.1:$port" --pub-mode "$mode" --channel-prefix fresh -s 10000 -m 0 \
      --hold 10s --timeout 60s --json >"$scratch/fresh-$server.json" 2>/dev/null &
    bench=$!
    sleep 7
    during=$(rss_kib "$server")
    wait "$bench" || true
    read -r user1 system1 < <(ticks "$server")
    echo "idle-memory-fresh $server $((during - before))" >>"$memory"
    record connect-fresh "$server" "$round" "$user0" "$system0" "$user1" "$system1" "$(cat "$scratch/fresh-$server.json")"
  done
done

run_publishes publish-only
# Small fan-outs, the most common real load (per-user channels): one publish per event, 4 publishers flat out,
# and at a rate both servers keep up with (each does ~15,000 deliveries/s flat out here).
run_load fan-out-1 -s 2000 -c 2000 -m 20000 --size 100 -p 4
run_load fan-out-1-paced -s 2000 -c 2000 -m 16000 --size 100 -p 4 --rate 8000
run_load fan-out-10 -s 5000 -c 500 -m 10000 --size 100 -p 4
run_load fan-out-10-paced -s 5000 -c 500 -m 6000 --size 100 -p 4 --rate 3000
# Connect and close on a warm server: 10,000 subscribers of one channel connect (5,000/s), are held 2 s and
# leave.
run_load connect -s 10000 -m 0 --hold 2s
run_load_batched fan-out-1-batch 100 -s 2000 -c 2000 -m 20000 --size 100 -p 4
run_load one-channel-1k -s 1000 -c 1 -m 2000 --size 100 -p 1
run_load one-channel-10k -s 10000 -c 1 -m 200 --size 100 -p 1
run_load hundred-channels -s 10000 -c 100 -m 5000 --size 100 -p 4
# The same at a rate both servers keep up with (30,000 deliveries/s): no backlog, so nothing to coalesce, and
# CPU per delivery is what one event written alone costs each server.
run_load hundred-channels-paced -s 10000 -c 100 -m 3000 --size 100 -p 4 --rate 300
# run_stalled_pair HEALTHY STALLED ARGS...: the load without, then with, 10 subscribers that never read, taking
# turns round by round so that both meet a server as warm; the healthy subscribers' p99 is compared.
run_stalled_pair() {
  local healthy=$1 stalled=$2; shift 2
  wanted "$healthy" || wanted "$stalled" || return 0
  for round in $(seq 0 "$runs"); do
    run_round "$healthy" "$round" "$@"
    run_round "$stalled" "$round" "$@" --stalled 10
  done
}
# 8 KiB events flat out: the stalled subscribers fill their socket buffers and 4 MiB queues with the 8 MB each is
# sent, and are dropped as too slow.
run_stalled_pair healthy-8k stalled-8k -s 500 -c 1 -m 1000 --size 8192 -p 1
# The same at 40 events/s (20,000 deliveries/s, below both servers' capacity): a flat-out publisher's p99 is its
# queue, which varies 2x between identical runs; paced, the p99 is what a delivery takes, and a stalled
# subscriber's effect on it can be seen.
run_stalled_pair healthy-8k-paced stalled-8k-paced -s 500 -c 1 -m 600 --size 8192 -p 1 --rate 40

python3 - "$(getconf CLK_TCK)" "$out" "$memory" <<'PY'
import json, statistics, sys
hz, path, memory = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = {}
for line in open(path):
    name, server, ticks, generator, text = line.rstrip("\n").split("\t", 4)
    r = json.loads(text)
    # A load with no events (connect) is counted per connection.
    unit = r.get("delivered", 0) or r.get("connected", 0)
    total, system = (int(t) / hz * 1e6 / unit if unit else float("nan") for t in ticks.split())
    load = float(generator) * 1e6 / unit if unit and generator != "-" else float("nan")
    rows.setdefault((name, server), []).append(
        (r.get("deliveriesPerSecond", 0), r.get("p50", 0), r.get("p99", 0), total, system, load, r.get("lost", -1)))
med = {key: [statistics.median(col) for col in zip(*runs)] for key, runs in rows.items()}
print("| load | server | deliveries/s | p50 ms | p99 ms | server CPU µs/delivery | of it, kernel | load generator's CPU µs/delivery | lost (all runs) |")
print("|---|---|---|---|---|---|---|---|---|")
for name in dict.fromkeys(k[0] for k in rows):
    for server in ("es", "nchan"):
        d, p50, p99, cpu, kernel, load, _ = med.get((name, server), [0] * 7)
        print(f"| {name} | {server} | {d:,.0f} | {p50:.1f} | {p99:.1f} | {cpu:.2f} | {kernel:.2f} | {load:.2f} | {sum(x[6] for x in rows.get((name, server), []))} |")
    e, n = med.get((name, "es"), [0] * 7), med.get((name, "nchan"), [0] * 7)
    ratio = lambda a, b: f"{a / b:.2f}×" if b else "-"
    print(f"| {name} | es / nchan | " + " | ".join(ratio(e[i], n[i]) for i in range(6)) + " | |")
p99 = lambda name, server: statistics.median(r[2] for r in rows[(name, server)])
pairs = [(h, s) for h, s in (("healthy-8k", "stalled-8k"), ("healthy-8k-paced", "stalled-8k-paced"))
         if all((load, server) in rows and p99(load, server) for load in (h, s) for server in ("es", "nchan"))]
if pairs:
    print()
    print("| 10 stalled subscribers beside 500 healthy: healthy p99 with / without them | es | nchan |")
    print("|---|---|---|")
    for healthy, stalled in pairs:
        print(f"| {healthy} | " + " | ".join(f"{p99(stalled, s) / p99(healthy, s):.2f}×" for s in ("es", "nchan")) + " |")
kib = {}
for line in open(memory):
    name, server, value = line.split()
    kib.setdefault((name, server), []).append(int(value) / 10000)
for (name, server), values in kib.items():
    med[(name, server)] = statistics.median(values)
if kib:
    print()
    print("| 10,000 idle subscribers, resident memory each | es | nchan | es / nchan |")
    print("|---|---|---|---|")
    for name in dict.fromkeys(k[0] for k in kib):
        e, n = med.get((name, "es"), 0), med.get((name, "nchan"), 0)
        print(f"| {name} | {e:.1f} KiB | {n:.1f} KiB | " + (f"{e / n:.2f}× |" if n else "- |"))

# Issue 19's targets: (load, measure, target, whether a higher ratio is better). A measure is a ratio es / nchan
# of a column (deliveries/s 0, p99 2, CPU 3), or an absolute es figure in µs.
RATE, P99, CPU = 0, 2, 3
targets = [("publish-only", RATE, 1.0, True), ("publish-only", CPU, 1.0, False)]
for load in ("fan-out-1", "fan-out-10", "hundred-channels"):
    targets += [(load, RATE, 1.0, True), (load, CPU, 1.0, False), (load, P99, 1.0, False)]
for load in ("fan-out-1-paced", "fan-out-10-paced", "hundred-channels-paced"):
    targets += [(load, CPU, 1.0, False), (load, P99, 1.0, False)]
targets += [("fan-out-1-batch", RATE, 2.0, True), ("fan-out-1-batch", CPU, 0.5, False)]
for load in ("one-channel-1k", "one-channel-10k"):
    targets += [(load, RATE, 2.0, True), (load, CPU, 0.7, False)]
targets += [("connect", CPU, 1.5, False), ("connect", "user µs", 60, False),
            # Half the 664 µs per connection the issue measured on a fresh server.
            ("connect-fresh", "µs", 332, False),
            ("idle-memory", None, 1.0, False), ("idle-memory-fresh", None, 1.0, False)]
names = {RATE: "deliveries/s", P99: "p99", CPU: "CPU per delivery", None: "memory per subscriber",
         "user µs": "es user CPU µs", "µs": "es CPU µs"}
print()
print("| load | measure | es / nchan, or es | target | holds |")
print("|---|---|---|---|---|")
for load, measure, target, higher in targets:
    e, n = med.get((load, "es")), med.get((load, "nchan"))
    if e is None:
        continue
    if measure == "user µs":
        value = e[CPU] - e[CPU + 1]
    elif measure == "µs":
        value = e[CPU]
    elif measure is None:
        value = e / n if n else float("nan")
    else:
        value = e[measure] / n[measure] if n and n[measure] else float("nan")
    holds = value >= target if higher else value <= target
    unit = "" if measure in ("user µs", "µs") else "×"
    print(f"| {load} | {names[measure]} | {value:.2f}{unit} | {'≥' if higher else '≤'} {target}{unit} | {'holds' if holds else 'misses'} |")
PY
