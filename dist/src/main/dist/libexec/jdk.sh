# Sourced by bin/es (and, in a source tree, by ./es and tools/mvn): es_find_jdk sets JAVA_HOME to a Java 21
# or newer, or says in one line what to install and fails. With --compiler it must be a JDK (javac), to build.
# Order: JAVA_HOME when it is new enough, else the newest under /usr/lib/jvm, else the java on the PATH.

es_java_major() { # a Java home [--compiler] -> its major version, empty when it is not one (or has no javac)
  # Read from its release file: starting a JVM to ask would cost every es command ~50 ms.
  [[ -x "$1/bin/java" && -f "$1/release" ]] || return 0
  [[ "${2:-}" != --compiler || -x "$1/bin/javac" ]] || return 0
  local line
  while IFS= read -r line; do
    if [[ $line =~ ^JAVA_VERSION=\"(1\.)?([0-9]+) ]]; then
      echo "${BASH_REMATCH[2]}"
      return 0
    fi
  done <"$1/release"
}

es_find_jdk() { # [--compiler]
  local need=${1:-} best="" best_major=0 dir major on_path
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major=$(es_java_major "$JAVA_HOME" "$need")
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      return 0
    fi
  fi
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    major=$(es_java_major "$dir" "$need")
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best=$dir best_major=$major
    fi
  done
  if [[ -z "$best" ]] && on_path=$(command -v java); then
    dir=$(dirname "$(dirname "$(readlink -f "$on_path")")")
    major=$(es_java_major "$dir" "$need")
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      best=$dir
    fi
  fi
  if [[ -z "$best" ]]; then
    echo "es: needs a Java ${need:+Development Kit }21 or newer (none in JAVA_HOME, /usr/lib/jvm or on the PATH); install one, e.g. 'apt-get install openjdk-21-jdk-headless'" >&2
    return 1
  fi
  export JAVA_HOME=$best
}
