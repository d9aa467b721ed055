#!/usr/bin/env python3
"""Latency of dashboard pages and API calls, measured from a second process on loopback.

Usage: python3 aligned-bench/web/latency.py http://127.0.0.1:18080 TOKEN [requests]
TOKEN is an API token (Settings page). Each path gets 10 warm-up requests, then `requests` (default 50)
sequential ones; p50 and p95 are printed in milliseconds. Standard library only.
"""
import statistics
import sys
import time
import urllib.request

PATHS = ["/api/v1/overview?days=30", "/api/v1/domains/example.com?days=30",
         "/api/v1/domains/example.com/sources?days=30", "/", "/domains/example.com", "/reports"]


def main():
    base, token = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    for p in PATHS:
        xs = []
        for i in range(10 + n):
            req = urllib.request.Request(base + p, headers={"Authorization": "Bearer " + token})
            t = time.perf_counter()
            urllib.request.urlopen(req).read()
            if i >= 10:
                xs.append((time.perf_counter() - t) * 1000)
        xs.sort()
        print(f"{p:45s} p50 {statistics.median(xs):6.1f} ms  p95 {xs[int(len(xs) * 0.95) - 1]:6.1f} ms")


if __name__ == "__main__":
    main()
