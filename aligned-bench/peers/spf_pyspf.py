#!/usr/bin/python3
"""pyspf (Debian python3-spf) on an Aligned SPF workload, looping inside one process.

Answers DNS from the workload's zonedata (the same conventions as Aligned's ZoneData), prints one JSON line:
evaluations per second over the timed loop, and how many results matched the workload's expectations.

Usage: spf_pyspf.py WORKLOAD.json [SECONDS]
"""
import json
import sys
import time

import spf


class Timeout(Exception):
    pass


def load_zone(zonedata):
    """(name, type) -> list of values, or Timeout; mirrors dev.aligned.dns.ZoneData."""
    zone, timeouts, names = {}, set(), set()
    for name, records in zonedata.items():
        name = name.lower().rstrip(".")
        names.add(name)
        answered, timed_out, txt_listed, spf_copy = set(), False, False, []
        for r in records:
            if r == "TIMEOUT":
                if not timed_out and "CNAME" not in answered:
                    for t in ("A", "AAAA", "MX", "PTR", "TXT", "SPF", "CNAME"):
                        if t not in answered:
                            timeouts.add((name, t))
                timed_out = True
                continue
            (t, v), = r.items()
            if t == "TXT":
                txt_listed = True
            if v == "NONE":
                continue
            if t in ("TXT", "SPF"):
                strings = v if isinstance(v, list) else [v]
                v = [s.encode("latin-1") if all(ord(c) < 256 for c in s) else s.encode() for s in strings]
                if t == "SPF":
                    spf_copy.append(v)
            elif t == "MX":
                v = (int(v[0]), v[1])
            zone.setdefault((name, t), []).append(v)
            if not timed_out:
                answered.add(t)
        if not txt_listed:
            zone.setdefault((name, "TXT"), []).extend(spf_copy)
    return zone, timeouts


def make_lookup(zone, timeouts):
    def lookup(name, qtype, strict=True, timeout=None):
        name = name.lower().rstrip(".")
        out = []
        for _ in range(9):
            if (name, qtype) in timeouts:
                raise spf.TempError("DNS timeout")
            vals = zone.get((name, qtype))
            if vals:
                return out + [((name, qtype), v) for v in vals]
            cname = zone.get((name, "CNAME"))
            if not cname:
                return out
            out.append(((name, "CNAME"), cname[0]))
            name = cname[0].lower().rstrip(".")
        raise spf.TempError("CNAME loop")
    return lookup


def main():
    workload = json.load(open(sys.argv[1], encoding="utf-8"))
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    prepared = []
    for sc in workload["scenarios"]:
        lookup = make_lookup(*load_zone(sc["zonedata"]))
        for c in sc["cases"]:
            prepared.append((lookup, c))

    def run_all():
        ok = 0
        for lookup, c in prepared:
            spf.DNSLookup = lookup
            try:
                res, _ = spf.check2(i=c["ip"], s=c["mail_from"], h=c["helo"])
            except Exception:  # a crash on a case counts as a mismatch
                res = "exception"
            ok += res in c["expected"]
        return ok

    matched = run_all()  # warm-up and correctness
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        run_all()
        n += len(prepared)
    elapsed = time.perf_counter() - start
    print(json.dumps({"peer": "pyspf " + spf.__version__, "workload": workload["name"], "cases": len(prepared),
                      "matched": matched, "evaluations": n, "seconds": round(elapsed, 3),
                      "per_second": round(n / elapsed, 1)}))


if __name__ == "__main__":
    main()
