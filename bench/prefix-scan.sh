#!/usr/bin/env bash
# What a prefix that matches nothing costs es serve while it holds many channels: 100,000 channels (one event
# each), then 200 streams by a prefix (?channel=zz*), one after another, each refused 404. Prints the mean time
# per request and the server's CPU per request. Usage: bench/prefix-scan.sh [ES_LAUNCHER] (default: ./es).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
es=${1:-$root/es}
port=18091
"$es" --version >/dev/null
"$es" serve --port "$port" --history 1 >/dev/null 2>&1 &
launcher=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/_es/v1/health/live" && break; sleep 0.1; done
pid=$(pgrep -f "dev.es.cli.Main serve --port $port")
trap 'kill $launcher $pid 2>/dev/null || true' EXIT
python3 - "$port" "$pid" <<'PY'
import http.client, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
for c in range(100_000):
    conn.request("POST", "/channel-%06d" % c, body='{"data":"x"}', headers={"Content-Type": "application/json"})
    conn.getresponse().read()
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
for round in ("warm-up", "measured"):
    ticks, start = cpu(), time.monotonic()
    for _ in range(200):
        conn.request("GET", "/_es/v1/stream?channel=zz*")
        answer = conn.getresponse(); answer.read()
        assert answer.status == 404, answer.status
    elapsed = time.monotonic() - start
    print("%s: %.2f ms per prefix request, %.2f ms of server CPU each" % (round, elapsed / 200 * 1000, (cpu() - ticks) * 10 / 200))
PY
