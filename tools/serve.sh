# Sourced by scripts that need an es serve of their own (the packages' training run, bench/startup.sh):
# es_serve_start ES LOG [ARGS...] starts `ES serve --port 0 ARGS` in the background, its output in LOG, and
# waits (at most 30 s) for its start line: then serve_pid and serve_url are set. Fails with the log otherwise.
es_serve_start() {
  local es=$1 log=$2
  shift 2
  "$es" serve --port 0 "$@" >"$log" 2>&1 &
  serve_pid=$!
  serve_url=""
  local _
  for _ in $(seq 300); do
    serve_url=$(sed -n 's/^es serve: listening on \(http:[^,]*\),.*/\1/p' "$log")
    [[ -n $serve_url ]] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  echo "es: es serve did not start within 30 s" >&2
  return 1
}
