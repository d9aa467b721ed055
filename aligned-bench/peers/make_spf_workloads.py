#!/usr/bin/env python3
"""Writes the SPF benchmark workloads as JSON, shared by the JMH benchmark and the peer harnesses.

  spf-suite.json      every test of the OpenSPF RFC 7208 suite (BSD-3, see workloads/README.md)
  spf-realistic.json  a synthetic domain whose record includes the chains of four large providers (8 lookups)

Usage: make_spf_workloads.py SUITE.yml OUT_DIR
"""
import ipaddress
import json
import random
import sys

import yaml


def suite(path):
    scenarios = []
    with open(path, encoding="utf-8") as f:
        for doc in yaml.safe_load_all(f):
            if not doc or "tests" not in doc:
                continue
            cases = []
            for name, t in doc["tests"].items():
                expected = t["result"] if isinstance(t["result"], list) else [t["result"]]
                cases.append({"name": name, "ip": str(t["host"]), "mail_from": str(t.get("mailfrom", "")),
                              "helo": str(t.get("helo", "")), "expected": expected})
            scenarios.append({"description": doc.get("description", ""), "zonedata": stringify(doc.get("zonedata") or {}),
                              "cases": cases})
    return {"name": "openspf-rfc7208-suite", "scenarios": scenarios}


def stringify(zonedata):
    """Every scalar as text (the suite's YAML has a few numbers), MX preference as a number."""
    out = {}
    for name, records in zonedata.items():
        rs = []
        for r in records:
            if isinstance(r, str):
                rs.append(r)
                continue
            (t, v), = r.items()
            if t == "MX":
                rs.append({t: [int(v[0]), str(v[1])]})
            elif isinstance(v, list):
                rs.append({t: [str(x) for x in v]})
            else:
                rs.append({t: str(v)})
        out[str(name)] = rs
    return out


def realistic():
    rnd = random.Random(7208)

    def nets4(n, prefixes=(16, 18, 19, 20, 21, 22, 24)):
        seen = []
        while len(seen) < n:
            p = rnd.choice(prefixes)
            addr = ipaddress.IPv4Address(rnd.randrange(1 << 24, 223 << 24))
            net = ipaddress.IPv4Network((addr, p), strict=False)
            if not any(net.overlaps(s) for s in seen):
                seen.append(net)
        return seen

    def nets6(n):
        return [ipaddress.IPv6Network((ipaddress.IPv6Address((0x2001 << 112) | (rnd.getrandbits(64) << 48)), 36),
                                      strict=False) for _ in range(n)]

    g1, g2, g3 = nets4(18), nets4(14), nets4(10)
    g6 = nets6(8)
    ms4, ms6 = nets4(12), nets6(6)
    ms_d = nets4(4)
    mc = nets4(9)
    sg = nets4(11)
    zone = {
        "example.com": [{"TXT": "v=spf1 include:_spf.google.com include:spf.protection.outlook.com "
                                "include:servers.mcsv.net include:sendgrid.net -all"}],
        "_spf.google.com": [{"TXT": "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com "
                                    "include:_netblocks3.google.com ~all"}],
        "_netblocks.google.com": [{"TXT": "v=spf1 " + " ".join(f"ip4:{n}" for n in g1) + " ~all"}],
        "_netblocks2.google.com": [{"TXT": "v=spf1 " + " ".join(f"ip6:{n}" for n in g6) + " ~all"}],
        "_netblocks3.google.com": [{"TXT": "v=spf1 " + " ".join(f"ip4:{n}" for n in g2 + g3) + " ~all"}],
        "spf.protection.outlook.com": [{"TXT": "v=spf1 " + " ".join(f"ip4:{n}" for n in ms4) + " "
                                        + " ".join(f"ip6:{n}" for n in ms6) + " include:spfd.protection.outlook.com -all"}],
        "spfd.protection.outlook.com": [{"TXT": "v=spf1 " + " ".join(f"ip4:{n}" for n in ms_d) + " -all"}],
        "servers.mcsv.net": [{"TXT": "v=spf1 " + " ".join(f"ip4:{n}" for n in mc) + " -all"}],
        "sendgrid.net": [{"TXT": "v=spf1 " + " ".join(f"ip4:{n}" for n in sg) + " ~all"}],
    }

    def inside(net):
        return str(net.network_address + (net.num_addresses // 2 + 3))

    cases = [
        {"name": "google-first-include", "ip": inside(g1[5]), "expected": ["pass"]},
        {"name": "sendgrid-last-include", "ip": inside(sg[7]), "expected": ["pass"]},
        {"name": "outlook-ipv6", "ip": inside(ms6[2]), "expected": ["pass"]},
        {"name": "outlook-nested", "ip": inside(ms_d[1]), "expected": ["pass"]},
        {"name": "spoofer", "ip": "198.51.100.77", "expected": ["fail"]},
    ]
    for c in cases:
        c.update({"mail_from": "billing@example.com", "helo": "mail.example.com"})
    return {"name": "realistic-8-lookups", "scenarios": [{"description": "large-provider include chain",
                                                          "zonedata": zone, "cases": cases}]}


if __name__ == "__main__":
    suite_path, out = sys.argv[1], sys.argv[2]
    for name, data in (("spf-suite.json", suite(suite_path)), ("spf-realistic.json", realistic())):
        with open(f"{out}/{name}", "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=True)
            f.write("\n")
        print(f"{out}/{name}: {sum(len(s['cases']) for s in data['scenarios'])} cases")
