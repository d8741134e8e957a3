#!/usr/bin/env bash
# How long a one-request command takes, beside curl doing the same request, against one running hub:
# hyperfine over `es publish`, `es subscribe -n 1` (a replayed event) and `es channels` for each es given, and
# curl, all in one run (RUNS runs each after 3 warm-ups; medians on stdout); then, for each es, where a publish's
# time goes, from the JVM's class-initialization log: the JVM's own start (to the main class), the command model
# (picocli, to the client), the request (to the exit), and the whole process.
# Usage: bench/startup.sh [RUNS] ES...   e.g. bench/startup.sh 30 ./es /usr/bin/es dist/target/es-*-linux-x64/bin/es
# The hub is the first es's (es serve on a free loopback port). Needs hyperfine and curl.
set -euo pipefail
runs=${1:-30}
shift || true
(($#)) || set -- "$(dirname "${BASH_SOURCE[0]}")/../es"
for tool in hyperfine curl; do
  command -v $tool >/dev/null || { echo "startup: needs $tool (apt-get install $tool)" >&2; exit 1; }
done
source "$(dirname "${BASH_SOURCE[0]}")/../tools/serve.sh"
scratch=$(mktemp -d)
trap 'kill ${serve_pid:-} 2>/dev/null || true; rm -rf "$scratch"' EXIT
es_serve_start "$1" "$scratch/serve.log" --token bench
url=$serve_url
"$1" publish --url "$url" --token bench -q bench 'the first event' >/dev/null

# lib_of ES: the directory of an es's jars, where its class cache is made (a clone's ./es runs dist/target/lib).
lib_of() {
  local self
  self=$(readlink -f "$1")
  if [[ -d ${self%/*}/dist/target/lib ]]; then echo "${self%/*}/dist/target/lib"; else echo "${self%/bin/*}/lib"; fi
}

commands=()
for es in "$@"; do
  # Each es makes its class cache on its first runs, if it has none: not what is measured. On JDK 25 a run
  # records and the next makes the cache in the background, so that is waited for (at most 30 s).
  for _ in 1 2 3; do "$es" publish --url "$url" --token bench -q bench warm-up >/dev/null; done
  lib=$(lib_of "$es")
  for _ in $(seq 300); do
    compgen -G "$lib/es-client.aotconf*" >/dev/null || compgen -G "$lib/es-client.aot.[0-9]*" >/dev/null || break
    sleep 0.1
  done
  commands+=("$es publish --url $url --token bench -q bench hello"
    "$es subscribe --url $url -n 1 --last-event-id 0 bench"
    "$es channels --url $url --token bench")
done
commands+=("curl -s -o /dev/null -H 'Auth-Token: bench' -H 'Content-Type: application/json' -d '{\"data\":\"x\"}' $url/bench")
hyperfine -N -w 3 -r "$runs" --export-csv "$scratch/runs.csv" "${commands[@]}" >&2
echo "medians, ms (hyperfine's full report on stderr):"
awk -F, 'NR > 1 { printf "%8.1f  %s\n", $4 * 1000, $1 }' "$scratch/runs.csv"

echo
echo "where a publish's time goes (ms from the JVM's start, median of 11 runs): the JVM's own start (to es's main"
echo "class), the command model (picocli, to the client), the request (to the exit), and the whole process"
printf '%-60s %8s %8s %8s %8s\n' es main client exit process
for es in "$@"; do
  for _ in $(seq 11); do
    started=$(date +%s%N)
    # Classes are initialized when first used, whether or not a cache loaded them at start.
    ES_JAVA_OPTS="-Xlog:class+init=info:file=$scratch/init.txt:uptime" "$es" publish --url "$url" --token bench -q bench timed >/dev/null
    total=$((($(date +%s%N) - started) / 1000000))
    awk -v total="$total" '
      /Initializing .dev\/es\/cli\/Main. / && !m { m = $1 }
      /Initializing .dev\/es\/client\/EsClient. / && !c { c = $1 }
      /Initializing .java\/lang\/Shutdown. / { x = $1 }
      END { gsub(/[][s]/, "", m); gsub(/[][s]/, "", c); gsub(/[][s]/, "", x); printf "%d %d %d %d\n", m * 1000, c * 1000, x * 1000, total }
    ' "$scratch/init.txt"
  done | sort -n -k4 | sed -n 6p | awk -v es="$es" '{ printf "%-60s %8d %8d %8d %8d\n", es, $1, $2, $3, $4 }'
done
