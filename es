#!/usr/bin/env bash
# Runs the es command from the current sources, building them first when the build is missing or older.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
source "$root/tools/jdk.sh"
es_find_jdk

lib="$root/dist/target/lib"
stamp="$lib/.built"
stale() {
  [[ ! -f "$stamp" ]] && return 0
  [[ -n $(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit) ]]
}
if stale; then
  echo "es: building from sources (first run or sources changed)…" >&2
  log=$(mktemp)
  if ! "$root/tools/mvn" -q -B -DskipTests package -pl dist -am >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "es: the build failed (output above)" >&2
    exit 1
  fi
  rm -f "$log"
  touch "$stamp"
fi

# The subcommand is the first argument that is not an option.
command=""
for arg in "$@"; do
  [[ $arg == -* ]] || { command=$arg; break; }
done
# A class-data archive per kind of run, made by the JVM on first use and again whenever the jars change:
# it halves the start of a one-request command. Client commands also skip the optimizing compiler and use
# the serial collector, which only slow a short run down; the server keeps the JVM's defaults.
if [[ $command == serve ]]; then
  kind=serve tuning=()
else
  kind=client tuning=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
fi
exec "$JAVA_HOME/bin/java" -XX:-UsePerfData -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$lib/es-$kind.jsa" \
  -Xlog:cds=off,cds+dynamic=off "${tuning[@]}" ${ES_JAVA_OPTS:-} -cp "$lib/*" dev.es.cli.Main "$@"
