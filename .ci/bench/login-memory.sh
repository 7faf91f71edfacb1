#!/usr/bin/env bash
# Memory of the auth service under a burst of sign-ins: starts the auth binary (dev mode, fresh
# data directory, free port), registers one user, sends N concurrent sign-ins (default 200) and
# prints the peak RSS (VmHWM), the RSS right after and 10 s later, and how the answers split
# (200 / 503 busy). Usage: .ci/bench/login-memory.sh [path/to/auth] [N]
set -euo pipefail
AUTH=${1:-target/release/auth}
N=${2:-200}
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SHOP_DEV_MODE=true SHOP_DATA_DIR="$dir" SHOP_AUTH_ADDR="127.0.0.1:$port" RUST_LOG=warn "$AUTH" >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/health/live" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "$base/api/auth/register" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"a good password"}' >/dev/null
idle=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
python3 - "$base" "$N" <<'PY'
import concurrent.futures, json, sys, urllib.request, urllib.error, collections
base, n = sys.argv[1], int(sys.argv[2])
def login(i):
    req = urllib.request.Request(base + "/api/auth/login", method="POST",
        data=json.dumps({"username": "bench", "password": "a good password"}).encode(),
        headers={"content-type": "application/json", "x-forwarded-for": f"10.0.{i // 250}.{i % 250}"})
    try:
        return urllib.request.urlopen(req, timeout=60).status
    except urllib.error.HTTPError as e:
        return e.code
with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
    print("answers:", dict(collections.Counter(pool.map(login, range(n)))))
PY
peak=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
after=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
sleep 10
later=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "sign-ins at once: $N"
echo "RSS idle: $((idle / 1024)) MiB; peak: $((peak / 1024)) MiB; right after: $((after / 1024)) MiB; 10 s later: $((later / 1024)) MiB"
