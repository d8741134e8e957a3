#!/usr/bin/env bash
# es serve keeping history in memory beside es serve --data (synced, then relaxed): the same loads through es
# bench, servers taking turns round by round (three warm-up rounds first), at 4 and at 32 publishers. Prints a markdown
# table of deliveries/s, p99, server CPU per delivery (and its kernel part), each against memory mode's.
# Usage: bench/data-compare.sh [RUNS]   (default 2). Loopback only; bounded runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-2}
scratch=$(mktemp -d)
declare -A port=([memory]=18110 [full]=18111 [relaxed]=18112) pid=()
cleanup() {
  for mode in "${!pid[@]}"; do kill "${pid[$mode]}" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
"$root/es" --version >/dev/null   # builds first if needed
for mode in memory full relaxed; do
  data=()
  [[ $mode != memory ]] && data=(--data "$scratch/$mode" --data-sync "$mode")
  "$root/es" serve --port "${port[$mode]}" --max-channels-per-client 1000000 "${data[@]}" >"$scratch/$mode.log" 2>&1 &
  pid[$mode]=$!
done
for mode in memory full relaxed; do
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:${port[$mode]}/_es/v1/health/live" && continue 2
    sleep 0.1
  done
  echo "data-compare: es serve ($mode) did not start (see $scratch/$mode.log)" >&2; exit 1
done

# ticks MODE: CPU ticks the server has used, user and system.
ticks() {
  local f
  read -r -a f <"/proc/${pid[$1]}/stat"
  echo "${f[13]} ${f[14]}"
}

out="$scratch/results"
touch "$out"
# run_load NAME ARGS...: one es bench run against each server per round. Rounds up to 0 are warm-ups
# (DATA_COMPARE_WARMUPS, default 3, as compare.sh: the JIT compiles a load's code over its first rounds).
warmups=${DATA_COMPARE_WARMUPS:-3}
run_load() {
  local name=$1; shift
  for round in $(seq $((1 - warmups)) "$runs"); do
    for mode in memory full relaxed; do
      local user0 system0 user1 system1 json
      read -r user0 system0 < <(ticks "$mode")
      json=$("$root/es" bench --url "http://127.0.0.1:${port[$mode]}" --channel-prefix "$name-r$((round + warmups))" --timeout 300s \
        --json "$@" 2>/dev/null) || true
      read -r user1 system1 < <(ticks "$mode")
      ((round > 0)) && printf '%s\t%s\t%s\t%s\n' "$name" "$mode" "$((user1 - user0 + system1 - system0)) $((system1 - system0))" \
        "${json:-{\}}" >>"$out"
      echo "data-compare: $name $mode run $round: $json" >&2
    done
  done
}

for publishers in 4 32; do
  run_load "fan-out-1-p$publishers" -s 2000 -c 2000 -m 20000 --size 100 -p "$publishers"
  run_load "hundred-channels-p$publishers" -s 10000 -c 100 -m 5000 --size 100 -p "$publishers"
done

python3 - "$(getconf CLK_TCK)" "$out" <<'PY'
import json, statistics, sys
hz, path = int(sys.argv[1]), sys.argv[2]
rows = {}
for line in open(path):
    name, mode, ticks, text = line.rstrip("\n").split("\t", 3)
    r = json.loads(text)
    delivered = r.get("delivered", 0)
    total, system = (int(t) / hz * 1e6 / delivered if delivered else float("nan") for t in ticks.split())
    rows.setdefault((name, mode), []).append((r.get("deliveriesPerSecond", 0), r.get("p99", 0), total, system, r.get("lost", -1)))
print("| load | history | deliveries/s | p99 ms | CPU µs/delivery (kernel) | vs memory: deliveries/s, CPU | lost |")
print("|---|---|---|---|---|---|---|")
for name in dict.fromkeys(k[0] for k in rows):
    base = [statistics.median(c) for c in zip(*rows[(name, "memory")])] if (name, "memory") in rows else None
    for mode in ("memory", "full", "relaxed"):
        if (name, mode) not in rows:
            continue
        d, p99, cpu, kernel, _ = [statistics.median(c) for c in zip(*rows[(name, mode)])]
        lost = sum(r[4] for r in rows[(name, mode)])
        vs = f"{d / base[0]:.2f}×, {cpu / base[2]:.2f}×" if base and base[0] and base[2] else "-"
        print(f"| {name} | {mode} | {d:,.0f} | {p99:.1f} | {cpu:.1f} ({kernel:.1f}) | {vs} | {lost} |")
PY
