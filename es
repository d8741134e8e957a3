#!/usr/bin/env bash
# Runs the es command from the current sources, building them first when the build is missing or older.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
source "$root/dist/src/main/dist/libexec/jdk.sh"
es_find_jdk --compiler

lib="$root/dist/target/lib"
stamp="$lib/.built"
stale() {
  [[ ! -f "$stamp" ]] && return 0
  [[ -n $(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
      \( -path '*/src/main/*' -o -name 'pom.xml' \) -type f -newer "$stamp" -print -quit) ]]
}
if stale; then
  # One build at a time: concurrent launches wait, then find the build done.
  mkdir -p "$root/dist/target"
  exec 9>"$root/dist/target/.build.lock"
  flock 9
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
  exec 9>&-
fi
ES_LIB=$lib exec "$root/dist/src/main/dist/bin/es" "$@"
