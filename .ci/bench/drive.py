#!/usr/bin/env python3
"""Closed-loop drivers for the benchmark (.ci/bench/shop.sh) where a fixed request will not do:
every checkout needs an idempotency key of its own. Standard library only; loopback only.

  drive.py checkout BASE TOKENS_FILE PRODUCT_ID CLIENTS SECONDS [MIN_ORDERS]
      CLIENTS threads, each with the token of its line in TOKENS_FILE (cycled), post
      `POST /api/orders {"items": [{"product_id": PRODUCT_ID, "quantity": 1}]}` with a new
      Idempotency-Key each, back to back, for SECONDS (and, with MIN_ORDERS, on until that
      many orders were made, at most 120 s more). Prints one JSON object: orders, seconds,
      orders_per_s, p50_ms, p99_ms, statuses.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, round(p * len(sorted_values)) - 1))
    return sorted_values[i]


def checkout(base, tokens_file, product_id, clients, seconds, min_orders=0):
    url = urllib.parse.urlparse(base)
    tokens = [line.strip() for line in open(tokens_file) if line.strip()]
    body = json.dumps({"items": [{"product_id": int(product_id), "quantity": 1}]})
    start = time.monotonic()
    soft_end = start + seconds
    hard_end = soft_end + 120
    lock = threading.Lock()
    latencies, statuses = [], {}
    made = [0]

    def worker(i):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        token = tokens[i % len(tokens)]
        while True:
            now = time.monotonic()
            with lock:
                enough = made[0] >= min_orders
            if now >= hard_end or (now >= soft_end and enough):
                break
            headers = {
                "authorization": f"Bearer {token}",
                "content-type": "application/json",
                "idempotency-key": str(uuid.uuid4()),
            }
            t0 = time.monotonic()
            try:
                conn.request("POST", "/api/orders", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                status = 0
            elapsed = time.monotonic() - t0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201 or status == 200:
                    made[0] += 1
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(int(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    latencies.sort()
    print(json.dumps({
        "orders": made[0],
        "seconds": round(took, 2),
        "orders_per_s": round(made[0] / took, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "statuses": statuses,
    }))


if __name__ == "__main__":
    if len(sys.argv) < 7 or sys.argv[1] != "checkout":
        sys.exit(__doc__)
    args = sys.argv[2:]
    checkout(args[0], args[1], args[2], int(args[3]), float(args[4]),
             int(args[5]) if len(args) > 5 else 0)
