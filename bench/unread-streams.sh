#!/usr/bin/env bash
# What unread streams of several channels make es serve hold: 100 channels of 43-character names, 1,000 small
# events each, then 8 streams by prefix that resume every channel from its start (a crafted Last-Event-ID,
# c=<ch0>&<ch0>=0&…) and stop reading after 64 KiB. Prints the heap after a full GC and the resident memory,
# before the streams and with them. Usage: bench/unread-streams.sh [ES_LAUNCHER] (default: ./es). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
es=${1:-$root/es}
port=18090
"$es" --version >/dev/null
"$es" serve --port "$port" >/dev/null 2>&1 &
launcher=$!
trap 'kill $launcher 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/_es/v1/health/live" && break; sleep 0.1; done
pid=$(pgrep -f "dev.es.cli.Main serve --port $port")
trap 'kill $launcher $pid 2>/dev/null || true' EXIT
source "$root/dist/src/main/dist/libexec/jdk.sh"
es_find_jdk
measure() { # LABEL
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null
  local heap rss
  heap=$("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  printf '%-22s heap after GC %6d MiB   resident %6d MiB\n' "$1" $((heap / 1024)) $((rss / 1024))
}
python3 - "$port" <<'PY'
import http.client, sys
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port)
for c in range(100):
    name = "q" * 38 + "-%04d" % c
    for e in range(1000):
        conn.request("POST", "/" + name, body='{"data":"event %d"}' % e, headers={"Content-Type": "application/json"})
        conn.getresponse().read()
PY
measure "history only"
python3 - "$port" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
names = ["q" * 38 + "-%04d" % c for c in range(100)]
resume = "c=" + names[0] + "".join("&%s=0" % n for n in names)
readers = []
for _ in range(8):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(("GET /_es/v1/stream?channel=%s* HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: %s\r\n\r\n" % ("q" * 38, resume)).encode())
    got = 0
    s.settimeout(60)
    while got < 64 * 1024:
        got += len(s.recv(65536))
    readers.append(s)
print("8 streams opened, each read 64 KiB, then none read", flush=True)
time.sleep(30)
PY
reader=$!
sleep 15
measure "8 unread streams"
kill $reader 2>/dev/null || true
