#!/usr/bin/env python3
"""Latency of dashboard pages and API calls, measured from a second process on loopback.

Usage: python3 aligned-bench/web/latency.py BASE_URL TOKEN [DOMAIN] [REQUESTS] [DAYS] [CLIENTS]
  e.g. python3 aligned-bench/web/latency.py http://127.0.0.1:18080 alg_... example.com 50 30 1
DAYS is the period of every request (default 30; 0 = everything, as the dashboard's "everything").
TOKEN is an API token (Settings page). DOMAIN defaults to example.com; the source page is asked for the
domain's biggest source. Each path gets 10 warm-up requests (the first one's time is printed as "first"), then
REQUESTS (default 50) more from CLIENTS (default 1) concurrent clients; p50 and p95 are printed in milliseconds.
Standard library only.
"""
import concurrent.futures
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request


def get(base, token, path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read()


def main():
    base, token = sys.argv[1], sys.argv[2]
    domain = sys.argv[3] if len(sys.argv) > 3 else "example.com"
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    d = int(sys.argv[5]) if len(sys.argv) > 5 else 30
    clients = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    t = time.perf_counter()
    sources = json.loads(get(base, token, f"/api/v1/domains/{domain}/sources?days={d}"))["sources"]
    print(f"first sources call {(time.perf_counter() - t) * 1000:.1f} ms", flush=True)
    ip = urllib.parse.quote(sources[0]["ip"], safe="") if sources else "192.0.2.1"
    paths = [f"/api/v1/overview?days={d}", f"/api/v1/domains/{domain}?days={d}",
             f"/api/v1/domains/{domain}/sources?days={d}", f"/api/v1/domains/{domain}/sources/{ip}?days={d}",
             f"/?days={d}", f"/domains/{domain}?days={d}", f"/domains/{domain}/sources/{ip}?days={d}",
             f"/reports?domain={domain}&days={d}"]
    def timed(p):
        t = time.perf_counter()
        get(base, token, p)
        return (time.perf_counter() - t) * 1000

    for p in paths:
        first = timed(p)
        for i in range(9):
            timed(p)
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            xs = sorted(pool.map(timed, [p] * n))
        print(f"{p:60s} first {first:7.1f} ms  p50 {statistics.median(xs):7.1f} ms  "
              f"p95 {xs[int(len(xs) * 0.95) - 1]:7.1f} ms", flush=True)

if __name__ == "__main__":
    main()
