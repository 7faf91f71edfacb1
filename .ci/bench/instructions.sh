#!/usr/bin/env bash
# Where the gateway's time goes, in instructions: starts the release `shop` binary (gateway,
# auth and orders; dev mode, free ports, a fresh data directory), then a second gateway alone in
# its own process in front of those services, under valgrind's callgrind, and prints the
# user-space instructions that gateway runs per request (callgrind counts instructions, not
# seconds: the same binary gives the same figure however busy the machine is) for
#   a public read, proxied          GET /api/products
#   an authenticated read, proxied  GET /api/orders with an access token
#   the app shell and the stylesheet, served from the site's files
# and, for the public read, the share of each crate (self cost: hyper, http, tokio, the
# allocator, the gateway's own code...), so a change can be judged before any wall-clock run.
#
# Caveats, read before comparing with `shop.sh`'s CPU rows: kernel time (about half the CPU of a
# proxied request on loopback) is not counted; valgrind hides CPU features it cannot run, so
# SHA-256 of the access token runs in software here (about 27 K instructions) where the machine's
# SHA extensions make it a few hundred cycles.
#
# Usage: .ci/bench/instructions.sh [path/to/release/shop] [site root]   (defaults
#        target/release/shop and target/site). REQUESTS (2000) requests a path, at 4
#        connections, after 500 to warm up. Needs valgrind and oha (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
SHOP=$(realpath "${1:-target/release/shop}")
SITE=$(realpath "${2:-target/site}")
N=${REQUESTS:-2000}
OHA_VERSION=1.16.0

if ! command -v oha >/dev/null || [ "$(oha --version | awk '{print $2}')" != "$OHA_VERSION" ]; then
  echo "instructions: installing oha $OHA_VERSION (a few minutes, once)" >&2
  cargo install oha --version "$OHA_VERSION" --locked >&2
fi
command -v valgrind >/dev/null || { echo "instructions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
address() { json "d['$2']" <"$1"; }

common=(SHOP_DEV_MODE=true LEPTOS_SITE_ADDR=127.0.0.1:0 SHOP_ADMIN_ADDR=127.0.0.1:0
  LEPTOS_SITE_ROOT="$SITE" LEPTOS_OUTPUT_NAME=shop RUST_LOG=warn
  SHOP_RATE_LIMIT_IP_PER_MIN=100000000 SHOP_RATE_LIMIT_USER_PER_MIN=100000000
  SHOP_RATE_LIMIT_AUTH_PER_MIN=100000000)
mkdir -p "$work/shop/data" "$work/gateway/data"
env "${common[@]}" SHOP_DATA_DIR="$work/shop/data" SHOP_ADDRESS_FILE="$work/shop/addresses.json" \
  SHOP_AUTH_ADDR=127.0.0.1:0 SHOP_ORDERS_ADDR=127.0.0.1:0 "$SHOP" >"$work/shop/log" 2>&1 &
pids+=("$!")
for _ in $(seq 300); do [ -s "$work/shop/addresses.json" ] && break; sleep 0.1; done
shop="http://$(address "$work/shop/addresses.json" gateway)"
for _ in $(seq 300); do curl -sf "$shop/health/ready" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "$shop/api/auth/register" -H 'content-type: application/json' \
  -d '{"username":"instructions","password":"instructions password"}' >/dev/null
token=$(curl -sf -X POST "$shop/api/auth/login" -H 'content-type: application/json' \
  -d '{"username":"instructions","password":"instructions password"}' | json 'd["access_token"]')

env "${common[@]}" SHOP_DATA_DIR="$work/gateway/data" SHOP_ADDRESS_FILE="$work/gateway/addresses.json" \
  SHOP_INTERNAL_TOKEN_FILE="$work/shop/data/internal-token" \
  SHOP_AUTH_UPSTREAMS="http://$(address "$work/shop/addresses.json" auth)" \
  SHOP_ORDERS_UPSTREAMS="http://$(address "$work/shop/addresses.json" orders)" \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
  "$SHOP" >"$work/gateway/log" 2>&1 &
vg=$!
pids+=("$vg")
for _ in $(seq 600); do [ -s "$work/gateway/addresses.json" ] && break; sleep 0.2; done
gateway="http://$(address "$work/gateway/addresses.json" gateway)"
for _ in $(seq 600); do curl -sf "$gateway/api/products" >/dev/null && break; sleep 0.2; done
css=$(curl -sf "$gateway/" | grep -o '/pkg/[^"]*\.css' | head -1)

dumps=0
# measure NAME PATH [OHA_ARGS...]: instructions per request of the gateway for PATH, each path
# in a dump of its own (callgrind_control zeroes the counts, counts, then dumps)
measure() {
  local name=$1 path=$2; shift 2
  oha -n 500 -c 4 --no-tui "$@" "$gateway$path" >/dev/null
  callgrind_control -z "$vg" >/dev/null
  callgrind_control -i on "$vg" >/dev/null
  local codes
  codes=$(oha -n "$N" -c 4 --no-tui --output-format json "$@" "$gateway$path" | json 'd["statusCodeDistribution"]')
  callgrind_control -i off "$vg" >/dev/null
  callgrind_control -d "$name" "$vg" >/dev/null
  dumps=$((dumps + 1))
  local dump="$work/callgrind.out.$dumps"
  local total
  total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  printf '| %-44s | %9s | %s |\n' "$name" "$((total / N))" "$codes"
  case "$codes" in *"'2"*) ;; *) echo "instructions: $name did not answer 2xx (see the answers)" >&2 ;; esac
  [ "$name" = "public read" ] && cp "$dump" "$work/public-read.out"
  return 0
}

echo "| path (gateway alone, $N requests, 4 connections) | instructions per request | answers |"
echo "| --- | --- | --- |"
measure "public read" /api/products
measure "authenticated read" /api/orders -H "authorization: Bearer $token"
measure "app shell" / -H 'accept-encoding: gzip, deflate, br'
measure "stylesheet" "$css" -H 'accept-encoding: gzip, deflate, br'

echo
echo "Public read, self cost by crate (instructions per request):"
callgrind_annotate --threshold=100 "$work/public-read.out" 2>/dev/null | python3 -c '
import re, sys, collections
n = int(sys.argv[1])
share = collections.Counter()
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    if not m or "PROGRAM TOTALS" in line:
        continue
    count, name = int(m.group(1).replace(",", "")), m.group(2)
    if "libc.so" in name:
        crate = "libc (memcpy, memcmp...)"
    elif re.match(r"\?\?\?:_?mi_", name):
        crate = "mimalloc"
    else:
        c = re.match(r"\?\?\?:[<&]*(?:mut |dyn )?([a-z_0-9]+)::", name)
        crate = c.group(1) if c else "other"
    share[crate] += count
total = sum(share.values())
for crate, count in share.most_common(14):
    print(f"| {crate:<26} | {count // n:>7} | {100 * count / total:5.1f} % |")
' "$N"
