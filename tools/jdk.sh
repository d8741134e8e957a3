# Sourced by ./es and tools/mvn: sets JAVA_HOME to a JDK 21 or newer, or says what to install and fails.
# Order: JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.

es_java_major() { # JAVA_HOME-like dir -> major version, empty when not a JDK
  # Read from the JDK's release file: starting a JVM to ask would cost every es command ~50 ms.
  [[ -x "$1/bin/java" && -x "$1/bin/javac" && -f "$1/release" ]] || return 0
  sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release"
}

es_find_jdk() {
  local best="" best_major=0 dir major
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major=$(es_java_major "$JAVA_HOME")
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      return 0
    fi
  fi
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    major=$(es_java_major "$dir")
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best=$dir best_major=$major
    fi
  done
  if [[ -z "$best" ]]; then
    echo "es: needs a JDK 21 or newer (none in JAVA_HOME or /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless'" >&2
    return 1
  fi
  export JAVA_HOME=$best
}
