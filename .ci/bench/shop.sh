#!/usr/bin/env bash
# The shop's benchmark: starts the release `shop` binary (gateway, auth and orders in one
# process, every port free, a fresh data directory, dev mode) and prints, side by side in one
# run, the figures of the README's "Performance" section:
#   reads    GET /api/products: gateway vs orders direct vs nginx proxying the same orders port;
#            GET /api/orders with a token: gateway vs direct
#   static   the app shell `/` and the stylesheet: gateway vs nginx serving the same bytes
#            (req/s, and CPU per request for the stylesheet)
#   history  GET /api/orders of a customer with 0, 20 (a page) and 10,000 orders; the admin board
#   checkout payment latency 0 and 300 ms, 32 clients; the catalog at 200 req/s meanwhile
#   login    16 clients signing in for LOGIN_SECONDS; the catalog at 200 req/s meanwhile; the
#            process's RSS idle, at its peak and 10 s after
# All traffic is on loopback; every load run is bounded in time (BENCH_SECONDS, default 10).
#
# Usage: .ci/bench/shop.sh [path/to/release/shop]   (default target/release/shop; build it
#        with `cargo build --release -p shop`). Needs oha (installed here with
#        `cargo install oha --locked` when missing); nginx rows only when nginx is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHOP=$(realpath "${1:-target/release/shop}")
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
LOGIN_SECONDS=${LOGIN_SECONDS:-30}
OHA_VERSION=1.16.0
DRIVE="python3 $(pwd)/.ci/bench/drive.py"

if ! command -v oha >/dev/null || [ "$(oha --version | awk '{print $2}')" != "$OHA_VERSION" ]; then
  echo "bench: installing oha $OHA_VERSION (a few minutes, once)" >&2
  cargo install oha --version "$OHA_VERSION" --locked >&2
fi

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# start_shop NAME [ENV=VALUE ...]: a fresh shop; sets $base (gateway), $orders (direct), $pid.
start_shop() {
  local name=$1; shift
  local dir="$work/$name"
  mkdir -p "$dir"
  env SHOP_DEV_MODE=true SHOP_DATA_DIR="$dir/data" SHOP_ADDRESS_FILE="$dir/addresses.json" \
    LEPTOS_SITE_ADDR=127.0.0.1:0 SHOP_AUTH_ADDR=127.0.0.1:0 SHOP_ORDERS_ADDR=127.0.0.1:0 \
    SHOP_ADMIN_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT="$(pwd)/target/site" LEPTOS_OUTPUT_NAME=shop \
    SHOP_RATE_LIMIT_IP_PER_MIN=100000000 SHOP_RATE_LIMIT_USER_PER_MIN=100000000 \
    SHOP_RATE_LIMIT_AUTH_PER_MIN=100000000 SHOP_PASSWORD_HASH_MAX_WAIT_MS=60000 \
    SHOP_PAYMENT_SUCCESS_RATE=1 RUST_LOG=warn "$@" "$SHOP" >"$dir/log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 300); do
    [ -s "$dir/addresses.json" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/log" >&2; exit 1; }
    sleep 0.1
  done
  base="http://$(json 'd["gateway"]' <"$dir/addresses.json")"
  orders="http://$(json 'd["orders"]' <"$dir/addresses.json")"
  for _ in $(seq 300); do
    curl -sf "$base/health/ready" >/dev/null && curl -sf "$base/api/products" >/dev/null && return
    sleep 0.1
  done
  say "bench: $name did not become ready"; cat "$dir/log" >&2; exit 1
}

stop_shop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }

# token USER PASSWORD: signs in (registering first when asked) and prints the access token.
register() {
  curl -sf -X POST "$base/api/auth/register" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" >/dev/null
}
token() {
  curl -sf -X POST "$base/api/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | json 'd["access_token"]'
}

# bench_product TOKEN: a product with a million in stock, for the checkout storms.
bench_product() {
  curl -sf -X POST "$base/api/products" -H 'content-type: application/json' \
    -H "authorization: Bearer $1" \
    -d '{"name":"Bench beans","description":"For the benchmark.","price_cents":100,"category":"coffee","stock":1000000}' \
    | json 'd["id"]'
}

# oha_run ARGS...: a bounded oha run; prints its JSON summary.
oha_run() { oha --no-tui --output-format json "$@" 2>/dev/null; }
rps() { json 'round(d["summary"]["requestsPerSec"], 1)'; }
p99() { json 'round((d["latencyPercentiles"]["p99"] or 0) * 1000, 2)'; }
p50() { json 'round((d["latencyPercentiles"]["p50"] or 0) * 1000, 2)'; }
# the share of answers that were 2xx
ok_share() { json 'round(sum(v for k, v in d["statusCodeDistribution"].items() if k.startswith("2")) / max(1, sum(d["statusCodeDistribution"].values())), 3)'; }
# closed loop: 32 connections for SECONDS_PER_RUN; fixed rate: 200 req/s with latency correction.
load() { oha_run -z "${SECONDS_PER_RUN}s" -c 32 "$@"; }
probe() { oha_run -z "$1s" -q 200 -c 64 --latency-correction "$2"; }
fixed() { oha_run -z "${SECONDS_PER_RUN}s" -q 200 -c 64 --latency-correction "$@"; }
# a checkout run's summary line, from drive.py's JSON
checkouts() { json '"%s (p50 %s ms, p99 %s ms, %s orders, statuses %s)" % (d["orders_per_s"], d["p50_ms"], d["p99_ms"], d["orders"], d["statuses"])'; }
ratio() { python3 -c "print(round($1 / $2, 2) if $2 else 'n/a')"; }
rss_mib() { awk -v k="$2:" '$1 == k {print int($2 / 1024)}' "/proc/$1/status"; }
# cpu_ticks PID...: user + system CPU time of the processes so far, in clock ticks
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# cpu_per_request "PID..." OHA_ARGS...: one closed-loop run (`load OHA_ARGS...`); prints the
# CPU microseconds the processes spent per request answered (their own cost, whatever else
# shares the cores)
cpu_per_request() {
  local -a procs
  read -r -a procs <<<"$1"; shift
  local before after out
  before=$(cpu_ticks "${procs[@]}")
  out=$(load "$@")
  after=$(cpu_ticks "${procs[@]}")
  echo "$out" | json "round(($after - $before) * 1e6 / $(getconf CLK_TCK) / max(1, sum(d['statusCodeDistribution'].values())), 1)"
}
# cpu_per_request_median "PID..." OHA_ARGS...: the median of three cpu_per_request runs (one
# run moves by a fifth with whatever else the two cores are doing)
cpu_per_request_median() {
  local runs=() _
  for _ in 1 2 3; do runs+=("$(cpu_per_request "$@")"); done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}

row() { printf '| %-62s | %-34s |\n' "$1" "$2"; }
echo "| what | figure |"
echo "| --- | --- |"
row "machine" "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# ---------------------------------------------------------------- reads, static and history
start_shop reads SHOP_PAYMENT_LATENCY_MS=0
say "bench: reads"
register bench-y "bench password y"
ty=$(token bench-y "bench password y")
gw=$(load "$base/api/products" | rps)
direct=$(load "$orders/api/products" | rps)
row "GET /api/products req/s: gateway / direct" "$gw / $direct = $(ratio "$gw" "$direct")"
if command -v nginx >/dev/null; then
  mkdir -p "$work/nginx/site" "$work/nginx/tmp"
  cp -r target/site/. "$work/nginx/site/" 2>/dev/null || true
  curl -sf "$base/" -o "$work/nginx/site/index.html"
  nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  include /etc/nginx/mime.types;
  sendfile on;
  upstream orders { server ${orders#http://}; keepalive 64; }
  server {
    listen 127.0.0.1:$nport;
    location /api/ { proxy_pass http://orders; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location / { root $work/nginx/site; try_files \$uri /index.html; }
  }
}
EOF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  pids+=("$!")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nport/api/products" >/dev/null && break; sleep 0.1; done
  ng=$(load "http://127.0.0.1:$nport/api/products" | rps)
  row "GET /api/products req/s: nginx proxying the orders port" "$ng; gateway / nginx = $(ratio "$gw" "$ng")"
  gws=$(load "$base/" | rps); ngs=$(load "http://127.0.0.1:$nport/" | rps)
  row "app shell / req/s: gateway / nginx (same bytes)" "$gws / $ngs = $(ratio "$gws" "$ngs")"
  # The stylesheet's name carries a content hash (hash-files): take it from the shell.
  css=$(curl -sf "$base/" | grep -o '/pkg/[^"]*\.css' | head -1)
  gwc=$(load "$base$css" | rps); ngc=$(load "http://127.0.0.1:$nport$css" | rps)
  row "stylesheet $css req/s: gateway / nginx" "$gwc / $ngc = $(ratio "$gwc" "$ngc")"
  # The same file by the CPU each server spends per answer: closed-loop ratios of two servers
  # sharing two cores with the load generator moved threefold between runs minutes apart.
  read -r -a nworkers <<<"$(pgrep -d ' ' -f "nginx: worker process" || true)"
  gccpu=$(cpu_per_request_median "$pid" "$base$css")
  nccpu=$(cpu_per_request_median "${nworkers[*]}" "http://127.0.0.1:$nport$css")
  row "CPU us per stylesheet request (median of 3): gateway / nginx" "$gccpu / $nccpu = $(ratio "$nccpu" "$gccpu") (nginx / gateway)"
  # The gateway alone in its own process (a second shop in front of this one's services), so
  # its CPU per proxied request can be read apart from the services', beside nginx workers'.
  # gateway_alone NAME [VAR=VALUE...]: starts it; sets gpid and galone
  gateway_alone() {
    local name=$1; shift
    mkdir -p "$work/$name"
    env SHOP_DEV_MODE=true SHOP_DATA_DIR="$work/$name/data" \
      SHOP_ADDRESS_FILE="$work/$name/addresses.json" \
      SHOP_INTERNAL_TOKEN_FILE="$work/reads/data/internal-token" \
      SHOP_AUTH_UPSTREAMS="$auth" SHOP_ORDERS_UPSTREAMS="$orders" \
      LEPTOS_SITE_ADDR=127.0.0.1:0 SHOP_ADMIN_ADDR=127.0.0.1:0 \
      LEPTOS_SITE_ROOT="$(pwd)/target/site" LEPTOS_OUTPUT_NAME=shop \
      SHOP_RATE_LIMIT_IP_PER_MIN=100000000 SHOP_RATE_LIMIT_USER_PER_MIN=100000000 \
      RUST_LOG=warn "$@" "$SHOP" >"$work/$name/log" 2>&1 &
    gpid=$!
    pids+=("$gpid")
    for _ in $(seq 300); do [ -s "$work/$name/addresses.json" ] && break; sleep 0.1; done
    galone="http://$(json 'd["gateway"]' <"$work/$name/addresses.json")"
    for _ in $(seq 300); do curl -sf "$galone/api/products" >/dev/null && break; sleep 0.1; done
  }
  auth="http://$(json 'd["auth"]' <"$work/reads/addresses.json")"
  read -r -a nworkers <<<"$(pgrep -d ' ' -f "nginx: worker process" || true)"
  gateway_alone gateway-only
  gcpu=$(cpu_per_request_median "$gpid" "$galone/api/products")
  gacpu=$(cpu_per_request_median "$gpid" -H "authorization: Bearer $ty" "$galone/api/orders")
  kill "$gpid" 2>/dev/null || true; wait "$gpid" 2>/dev/null || true
  # The same with one runtime worker thread (tokio reads TOKIO_WORKER_THREADS): what the
  # work-stealing scheduler's wake-ups across the two cores cost.
  gateway_alone gateway-one-worker TOKIO_WORKER_THREADS=1
  g1cpu=$(cpu_per_request_median "$gpid" "$galone/api/products")
  kill "$gpid" 2>/dev/null || true; wait "$gpid" 2>/dev/null || true
  ncpu=$(cpu_per_request_median "${nworkers[*]}" "http://127.0.0.1:$nport/api/products")
  row "CPU us per proxied GET /api/products (median of 3): gateway alone / nginx" "$gcpu / $ncpu = $(ratio "$ncpu" "$gcpu") (nginx / gateway)"
  row "  the gateway alone with one worker thread" "$g1cpu"
  row "  the gateway alone, GET /api/orders with a token" "$gacpu"
else
  row "nginx rows" "skipped: nginx is not installed (apt-get install nginx)"
fi
gwa=$(load -H "authorization: Bearer $ty" "$base/api/orders" | rps)
da=$(load -H "authorization: Bearer $ty" "$orders/api/orders" | rps)
row "GET /api/orders with a token req/s: gateway / direct" "$gwa / $da = $(ratio "$gwa" "$da")"

say "bench: history"
ta=$(token admin admin-password)
h0=$(load -H "authorization: Bearer $ty" "$base/api/orders")
b0=$(load -H "authorization: Bearer $ta" "$base/api/admin/orders")
h0f=$(fixed -H "authorization: Bearer $ty" "$base/api/orders")
b0f=$(fixed -H "authorization: Bearer $ta" "$base/api/admin/orders")
product=$(bench_product "$ta")
register bench-x "bench password x"
tx=$(token bench-x "bench password x")
echo "$tx" >"$work/tokens-x"
co0=$($DRIVE checkout "$base" "$work/tokens-x" "$product" 32 "$SECONDS_PER_RUN" 10000)
row "checkout, payment latency 0, 32 clients: orders/s" "$(echo "$co0" | checkouts)"
left=$(curl -sf "$base/api/products/$product" | json 'd["stock"]')
row "  stock left / orders made (no oversell, none lost)" "$left / $(echo "$co0" | json 'd["orders"]') (started with 1000000)"
register bench-z "bench password z"
tz=$(token bench-z "bench password z")
echo "$tz" >"$work/tokens-z"
$DRIVE checkout "$base" "$work/tokens-z" "$product" 1 0 20 >/dev/null
h20=$(load -H "authorization: Bearer $tz" "$base/api/orders")
h1=$(load -H "authorization: Bearer $tx" "$base/api/orders")
b1=$(load -H "authorization: Bearer $ta" "$base/api/admin/orders")
b1s=$(load -H "authorization: Bearer $ta" "$base/api/admin/orders?status=paid")
h1f=$(fixed -H "authorization: Bearer $tx" "$base/api/orders")
b1f=$(fixed -H "authorization: Bearer $ta" "$base/api/admin/orders")
b1sf=$(fixed -H "authorization: Bearer $ta" "$base/api/admin/orders?status=paid")
n=$(curl -sf -H "authorization: Bearer $tx" "$base/api/orders" | json 'd["total"]')
row "GET /api/orders, 0 vs $n orders: req/s" "$(echo "$h0" | rps) vs $(echo "$h1" | rps)"
row "  p99 ms, 0 vs $n orders" "$(echo "$h0" | p99) vs $(echo "$h1" | p99) = x$(ratio "$(echo "$h1" | p99)" "$(echo "$h0" | p99)")"
row "  one full page (20 orders) vs $n orders: req/s; p99 ms" "$(echo "$h20" | rps) vs $(echo "$h1" | rps); $(echo "$h20" | p99) vs $(echo "$h1" | p99) = x$(ratio "$(echo "$h1" | p99)" "$(echo "$h20" | p99)")"
row "admin board p99 ms: 0 vs $n orders (all; status=paid)" "$(echo "$b0" | p99) vs $(echo "$b1" | p99); $(echo "$b1s" | p99)"
row "  admin board req/s: 0 vs $n orders (all; status=paid)" "$(echo "$b0" | rps) vs $(echo "$b1" | rps); $(echo "$b1s" | rps)"
row "at a fixed 200 req/s, p99 ms: history, 0 vs $n orders" "$(echo "$h0f" | p99) vs $(echo "$h1f" | p99) = x$(ratio "$(echo "$h1f" | p99)" "$(echo "$h0f" | p99)")"
row "  admin board, 0 vs $n orders (all; status=paid)" "$(echo "$b0f" | p99) vs $(echo "$b1f" | p99) = x$(ratio "$(echo "$b1f" | p99)" "$(echo "$b0f" | p99)"); $(echo "$b1sf" | p99)"
stop_shop

# ---------------------------------------------------------------- checkout storm, 300 ms provider
start_shop checkout SHOP_PAYMENT_LATENCY_MS=300
say "bench: checkout storm"
ta=$(token admin admin-password)
product=$(bench_product "$ta")
: >"$work/tokens-c"
for i in $(seq 32); do
  register "bench-c$i" "bench password c$i"
  token "bench-c$i" "bench password c$i" >>"$work/tokens-c"
done
calm=$(probe "$SECONDS_PER_RUN" "$base/api/products")
row "catalog at 200 req/s, calm: p99 ms" "$(echo "$calm" | p99)"
probe "$SECONDS_PER_RUN" "$base/api/products" >"$work/storm-probe.json" &
probe_pid=$!
co=$($DRIVE checkout "$base" "$work/tokens-c" "$product" 32 "$SECONDS_PER_RUN")
wait "$probe_pid"
row "checkout, payment latency 300 ms, 32 clients: orders/s" "$(echo "$co" | checkouts)"
row "  catalog at 200 req/s meanwhile: served req/s, p99 ms" "$(rps <"$work/storm-probe.json"), $(p99 <"$work/storm-probe.json") (ok share $(ok_share <"$work/storm-probe.json"))"
stop_shop

# ---------------------------------------------------------------- login storm
start_shop login
say "bench: login storm"
idle=$(rss_mib "$pid" VmRSS)
probe "$LOGIN_SECONDS" "$base/api/products" >"$work/login-probe.json" &
probe_pid=$!
storm=$(oha_run -z "${LOGIN_SECONDS}s" -c 16 -m POST -H 'content-type: application/json' \
  -d '{"username":"demo","password":"demo-password"}' "$base/api/auth/login")
wait "$probe_pid"
peak=$(rss_mib "$pid" VmHWM)
after=$(rss_mib "$pid" VmRSS)
sleep 10 # the figure asked for is the RSS 10 s after the storm
later=$(rss_mib "$pid" VmRSS)
row "login storm, 16 clients for ${LOGIN_SECONDS} s: sign-ins/s" "$(echo "$storm" | rps) (p50 $(echo "$storm" | p50) ms, ok share $(echo "$storm" | ok_share))"
row "  catalog at 200 req/s meanwhile: p99 ms" "$(p99 <"$work/login-probe.json") (served $(rps <"$work/login-probe.json") req/s)"
row "  process RSS MiB: idle / peak / right after / 10 s after" "$idle / $peak / $after / $later"
stop_shop
row "load average at the end" "$(cut -d' ' -f1-3 /proc/loadavg)"
