#!/usr/bin/env bash
# First-load figures of the app: the size of its script, wasm and stylesheet as the gateway sends
# them (raw, gzip, brotli), the bytes a first visit of the catalog downloads, and Lighthouse's
# mobile and desktop scores in Debian's Chromium; with end2end's npm packages installed, also the
# main thread's long tasks of a first load in unthrottled Chromium (.ci/bench/startup.js).
#
#   .ci/bench/first-load.sh [shop binary] [site root]
#
# Defaults: target/release/shop and target/site (build them with
# `cargo leptos build --release --precompress`). The shop runs on free loopback ports with a
# fresh data directory and is stopped at the end. Lighthouse (npm package `lighthouse`) is
# installed into ~/.cache/shop-lighthouse on the first run; with LIGHTHOUSE=0 it is skipped, and
# LH_REPORTS=DIR keeps its JSON reports (lh-mobile.json, lh-desktop.json) there.
# Budget (issue 12): JS + wasm at most 200 KB brotli; Lighthouse mobile performance at least 90,
# LCP under 2.5 s. Figures are printed, not judged.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${1:-target/release/shop}
site=${2:-target/site}
[ -x "$bin" ] || { echo "no shop binary at $bin: cargo leptos build --release --precompress" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

SHOP_DEV_MODE=true SHOP_DATA_DIR="$work/data" SHOP_ADDRESS_FILE="$work/addresses.json" \
  LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_ADDR=127.0.0.1:0 SHOP_AUTH_ADDR=127.0.0.1:0 \
  SHOP_ORDERS_ADDR=127.0.0.1:0 SHOP_ADMIN_ADDR=127.0.0.1:0 RUST_LOG=warn \
  "$bin" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 600); do [ -s "$work/addresses.json" ] && break; sleep 0.1; done
[ -s "$work/addresses.json" ] || { cat "$work/log" >&2; exit 1; }
base="http://$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway"])' "$work/addresses.json")"

size() { curl -sf -o /dev/null -H "accept-encoding: $2" -w '%{size_download}' "$base$1"; }
kb() { python3 -c "print(f'{int(\"$1\") / 1000:.1f}')"; }

echo "== first load of $base/ ($(cat /proc/loadavg | cut -d' ' -f1-3) load average)"
printf '%-46s %10s %10s %10s  %s\n' file "raw KB" "gzip KB" "brotli KB" cache-control
assets=$(curl -sf "$base/" | grep -o '/pkg/[^"]*\.\(css\|js\|wasm\)' | sort -u)
code_br=0
for a in $assets; do
  raw=$(size "$a" identity); gz=$(size "$a" gzip); br=$(size "$a" br)
  cc=$(curl -sfI "$base$a" | tr -d '\r' | awk -F': ' 'tolower($1)=="cache-control" {print $2}')
  printf '%-46s %10s %10s %10s  %s\n' "$a" "$(kb "$raw")" "$(kb "$gz")" "$(kb "$br")" "$cc"
  case "$a" in *.js|*.wasm) code_br=$((code_br + br)) ;; esac
done
shell_status=$(curl -s -o /dev/null -w '%{http_code}' "$base/no-such-page")
echo "JS + wasm, brotli: $(kb "$code_br") KB (budget 200 KB); an unknown page answers $shell_status"

if [ -d end2end/node_modules/playwright-core ]; then
  CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium} node .ci/bench/startup.js "$base/"
else
  echo "(main-thread figures skipped: run npm ci in end2end/ for Playwright)"
fi

if [ "${LIGHTHOUSE:-1}" = 0 ]; then exit 0; fi
lh="$HOME/.cache/shop-lighthouse/node_modules/.bin/lighthouse"
if [ ! -x "$lh" ]; then
  echo "== installing lighthouse into ~/.cache/shop-lighthouse (npm registry)"
  mkdir -p "$HOME/.cache/shop-lighthouse"
  npm install --prefix "$HOME/.cache/shop-lighthouse" --no-audit --no-fund lighthouse@12 >/dev/null
fi
reports=${LH_REPORTS:-$work}
export CHROME_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
for form in mobile desktop; do
  preset=()
  [ "$form" = desktop ] && preset=(--preset=desktop)
  "$lh" "$base/" "${preset[@]}" --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" --output=json \
    --output-path="$reports/lh-$form.json" --quiet >/dev/null 2>&1 || { echo "lighthouse $form failed"; continue; }
  python3 - "$reports/lh-$form.json" "$form" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
score = lambda k: round(c[k]["score"] * 100) if k in c and c[k]["score"] is not None else "-"
print(f"lighthouse {sys.argv[2]:7}: performance {score('performance')}, accessibility {score('accessibility')}, "
      f"best practices {score('best-practices')}; LCP {a['largest-contentful-paint']['displayValue']}, "
      f"FCP {a['first-contentful-paint']['displayValue']}, TBT {a['total-blocking-time']['displayValue']}, "
      f"transferred {a['total-byte-weight']['numericValue'] / 1000:.0f} KB")
EOF
done
