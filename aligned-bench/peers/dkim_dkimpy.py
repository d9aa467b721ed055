#!/usr/bin/python3
"""dkimpy (Debian python3-dkim) verifying the DKIM workload messages, looping inside one process.

Usage: dkim_dkimpy.py WORKLOAD_DIR MESSAGE.eml [SECONDS]   (prints one JSON line)
"""
import json
import os
import sys
import time

import dkim

wdir, name = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
zone = json.load(open(os.path.join(wdir, "dkim-dns.json")))
txt = {k.encode(): v[0]["TXT"].encode() for k, v in zone.items()}


def dnsfunc(name, timeout=5):
    return txt.get(name.rstrip(b"."))


msg = open(os.path.join(wdir, name), "rb").read()
ok = dkim.verify(msg, dnsfunc=dnsfunc)
start, n = time.perf_counter(), 0
while time.perf_counter() - start < seconds:
    for _ in range(20):
        dkim.verify(msg, dnsfunc=dnsfunc)
    n += 20
elapsed = time.perf_counter() - start
print(json.dumps({"peer": "dkimpy", "message": name, "bytes": len(msg), "verified": bool(ok),
                  "verifications": n, "seconds": round(elapsed, 3), "per_second": round(n / elapsed, 1)}))
