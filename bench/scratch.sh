# Sourced by the bench scripts: a scratch directory and the background processes they start (pids+=($!)),
# both gone when the script exits, however it exits.
scratch=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
