#!/usr/bin/env python3
"""Generates the DMARC cross-check scenarios (scenarios.json) that Aligned, mailauth and Mail::DMARC evaluate.

Each scenario: the RFC5322.From domain, the SPF outcome (MAIL FROM domain + result), the DKIM outcomes (d= +
result) and a zone in OpenSPF zonedata form (name -> list of {TYPE: value} or "TIMEOUT"). Every domain that
should exist has an A record, so that Mail::DMARC's existence check (RFC 7489 6.6.3 / its exists_in_dns)
passes except where a scenario is about non-existent domains.

Usage: python3 scenarios.py > scenarios.json
"""
import json

A = {"A": "192.0.2.1"}
SCENARIOS = []


def sc(sid, desc, frm, zone, spf=None, dkim=(), exists=None, tags=()):
    z = {}
    for name, recs in zone.items():
        z.setdefault(name, [])
        for r in recs:
            z[name].append(r if r == "TIMEOUT" or isinstance(r, dict) else {"TXT": r})
    # the author domain and every _dmarc parent's owner exist unless told otherwise
    for name in ([frm] if exists is None else exists):
        if name and not any("A" in r for r in z.get(name, []) if isinstance(r, dict)):
            z.setdefault(name, []).append(A)
    for name in list(z):
        if name.startswith("_dmarc."):
            owner = name[len("_dmarc."):]
            if "." in owner and owner not in z:
                z[owner] = [A]
    SCENARIOS.append({
        "id": sid, "description": desc, "from": frm,
        "spf": None if spf is None else {"domain": spf[0], "result": spf[1]},
        "dkim": [{"domain": d, "result": r} for d, r in dkim],
        "zonedata": z, "tags": list(tags),
    })


EX = "example.com"
REJ = "v=DMARC1; p=reject"

# --- basic pass/fail at the author domain
sc("basic-spf-pass", "SPF pass, MAIL FROM = From domain", EX, {"_dmarc.example.com": [REJ]}, spf=(EX, "pass"))
sc("basic-dkim-pass", "DKIM pass d= From domain, SPF fail", EX, {"_dmarc.example.com": [REJ]},
   spf=(EX, "fail"), dkim=[(EX, "pass")])
sc("basic-both-fail", "SPF fail, DKIM fail", EX, {"_dmarc.example.com": [REJ]}, spf=(EX, "fail"),
   dkim=[(EX, "fail")])
sc("basic-spf-unaligned", "SPF pass for an unrelated domain", EX, {"_dmarc.example.com": [REJ]},
   spf=("other.net", "pass"))
sc("basic-dkim-unaligned", "DKIM pass for an unrelated domain", EX, {"_dmarc.example.com": [REJ]},
   dkim=[("other.net", "pass")])
sc("basic-quarantine", "fail under p=quarantine", EX, {"_dmarc.example.com": ["v=DMARC1; p=quarantine"]},
   spf=(EX, "fail"))
sc("basic-none", "fail under p=none", EX, {"_dmarc.example.com": ["v=DMARC1; p=none"]}, spf=(EX, "fail"))
sc("basic-no-identifiers", "no SPF, no DKIM at all", EX, {"_dmarc.example.com": [REJ]})
sc("spf-softfail-aligned", "SPF softfail for the From domain", EX, {"_dmarc.example.com": [REJ]},
   spf=(EX, "softfail"))
sc("spf-neutral-aligned", "SPF neutral for the From domain", EX, {"_dmarc.example.com": [REJ]},
   spf=(EX, "neutral"))
sc("spf-temperror-aligned", "SPF temperror for the From domain, no DKIM", EX, {"_dmarc.example.com": [REJ]},
   spf=(EX, "temperror"))
sc("dkim-temperror-aligned", "DKIM temperror d= From domain, SPF fail", EX, {"_dmarc.example.com": [REJ]},
   spf=(EX, "fail"), dkim=[(EX, "temperror")])
sc("dkim-many-one-aligned-pass", "three signatures, the aligned one passes", EX, {"_dmarc.example.com": [REJ]},
   dkim=[("other.net", "pass"), (EX, "pass"), ("esp.example", "fail")])
sc("dkim-aligned-fail-unaligned-pass", "aligned signature fails, unaligned passes", EX,
   {"_dmarc.example.com": [REJ]}, dkim=[(EX, "fail"), ("esp.example", "pass")])

# --- alignment modes
sc("relaxed-spf-subdomain", "relaxed: MAIL FROM bounce.example.com", EX, {"_dmarc.example.com": [REJ]},
   spf=("bounce.example.com", "pass"))
sc("relaxed-dkim-subdomain", "relaxed: d=mail.example.com", EX, {"_dmarc.example.com": [REJ]},
   dkim=[("mail.example.com", "pass")])
sc("strict-spf-subdomain", "aspf=s: MAIL FROM bounce.example.com", EX,
   {"_dmarc.example.com": ["v=DMARC1; p=reject; aspf=s"]}, spf=("bounce.example.com", "pass"))
sc("strict-dkim-subdomain", "adkim=s: d=mail.example.com", EX,
   {"_dmarc.example.com": ["v=DMARC1; p=reject; adkim=s"]}, dkim=[("mail.example.com", "pass")])
sc("strict-dkim-exact", "adkim=s: d=example.com", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; adkim=s"]},
   dkim=[(EX, "pass")])
sc("strict-spf-exact", "aspf=s: MAIL FROM example.com", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; aspf=s"]},
   spf=(EX, "pass"))
sc("strict-dkim-parent", "adkim=s at the org record; From sub.example.com, d=example.com", "sub.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=reject; adkim=s"]}, dkim=[(EX, "pass")])
sc("relaxed-dkim-parent", "From sub.example.com, d=example.com", "sub.example.com",
   {"_dmarc.example.com": [REJ]}, dkim=[(EX, "pass")])
sc("relaxed-sibling", "From a.example.com, MAIL FROM b.example.com", "a.example.com",
   {"_dmarc.example.com": [REJ]}, spf=("b.example.com", "pass"))
sc("strict-spf-parent-of-from", "aspf=s; From sub.example.com, MAIL FROM example.com", "sub.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=reject; aspf=s"]}, spf=(EX, "pass"))
sc("relaxed-lookalike", "d=example.com.evil.net is not example.com", EX, {"_dmarc.example.com": [REJ]},
   dkim=[("example.com.evil.net", "pass")])
sc("relaxed-suffix-trick", "d=notexample.com is not example.com", EX, {"_dmarc.example.com": [REJ]},
   dkim=[("notexample.com", "pass")])

# --- subdomain policies
sc("sp-applies", "From sub.example.com, org p=reject sp=quarantine", "sub.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=reject; sp=quarantine"]}, spf=("sub.example.com", "fail"))
sc("p-for-subdomain", "From sub.example.com, org p=reject, no sp", "sub.example.com",
   {"_dmarc.example.com": [REJ]}, spf=("sub.example.com", "fail"))
sc("own-record-wins", "From sub.example.com with its own p=none; org p=reject", "sub.example.com",
   {"_dmarc.sub.example.com": ["v=DMARC1; p=none"], "_dmarc.example.com": [REJ]}, spf=("sub.example.com", "fail"))
sc("deep-sp-none", "From a.b.c.example.com; org p=reject sp=none", "a.b.c.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=reject; sp=none"]}, spf=("a.b.c.example.com", "fail"))
sc("sp-at-author-ignored", "From example.com; p=none sp=reject (sp is for subdomains)", EX,
   {"_dmarc.example.com": ["v=DMARC1; p=none; sp=reject"]}, spf=(EX, "fail"))
sc("intermediate-record", "From a.b.example.com; record only at b.example.com", "a.b.example.com",
   {"_dmarc.b.example.com": ["v=DMARC1; p=quarantine"]}, spf=("a.b.example.com", "fail"))
sc("intermediate-and-org", "From a.b.example.com; records at b.example.com (none) and example.com (reject)",
   "a.b.example.com", {"_dmarc.b.example.com": ["v=DMARC1; p=none"], "_dmarc.example.com": [REJ]},
   spf=("a.b.example.com", "fail"))
sc("deep-nine-labels", "From a 10-label name; record at example.com", "a.b.c.d.e.f.g.h.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=quarantine"]}, spf=("x.example.com", "fail"))
sc("deep-nine-labels-pass", "10-label From, d=example.com relaxed", "a.b.c.d.e.f.g.h.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=quarantine"]}, dkim=[(EX, "pass")])

# --- multi-label public suffixes and organizational domains
sc("co-uk-org", "From mail.example.co.uk; record at example.co.uk", "mail.example.co.uk",
   {"_dmarc.example.co.uk": ["v=DMARC1; p=reject; sp=quarantine"]}, spf=("mail.example.co.uk", "fail"))
sc("co-uk-align", "From mail.example.co.uk, d=example.co.uk relaxed", "mail.example.co.uk",
   {"_dmarc.example.co.uk": [REJ]}, dkim=[("example.co.uk", "pass")])
sc("co-uk-cross-org", "From a.example.co.uk, d=other.co.uk: different organizations", "a.example.co.uk",
   {"_dmarc.example.co.uk": [REJ]}, dkim=[("other.co.uk", "pass")])
sc("psl-private-suffix", "From app.github.io (a PSL private suffix below github.io); d=github.io",
   "app.github.io", {"_dmarc.app.github.io": [REJ]}, dkim=[("github.io", "pass")])
sc("psd-n-org-boundary", "From a.b.example.com; b.example.com says psd=n; d=example.com", "a.b.example.com",
   {"_dmarc.b.example.com": ["v=DMARC1; p=reject; psd=n"], "_dmarc.example.com": ["v=DMARC1; p=none"]},
   dkim=[(EX, "pass")])

# --- public suffix domains (psd=y, RFC 9989; RFC 9091 in RFC 7489 times)
sc("psd-y-policy", "From mybank.bank, no own record; _dmarc.bank p=reject psd=y", "mybank.bank",
   {"_dmarc.bank": ["v=DMARC1; p=reject; psd=y"]}, spf=("mybank.bank", "fail"))
sc("psd-y-own-record", "From mybank.bank with its own p=none; PSD p=reject psd=y", "mybank.bank",
   {"_dmarc.mybank.bank": ["v=DMARC1; p=none"], "_dmarc.bank": ["v=DMARC1; p=reject; psd=y"]},
   spf=("mybank.bank", "fail"))
sc("psd-y-pass", "From mybank.bank, SPF pass; PSD p=reject psd=y", "mybank.bank",
   {"_dmarc.bank": ["v=DMARC1; p=reject; psd=y"]}, spf=("mybank.bank", "pass"))

# --- testing mode and percentages
sc("t-y-reject", "p=reject t=y, fail", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; t=y"]}, spf=(EX, "fail"))
sc("t-y-quarantine", "p=quarantine t=y, fail", EX, {"_dmarc.example.com": ["v=DMARC1; p=quarantine; t=y"]},
   spf=(EX, "fail"))
sc("t-n-reject", "p=reject t=n, fail", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; t=n"]}, spf=(EX, "fail"))
sc("pct-0-reject", "p=reject pct=0, fail", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; pct=0"]},
   spf=(EX, "fail"))
sc("pct-0-quarantine", "p=quarantine pct=0, fail", EX, {"_dmarc.example.com": ["v=DMARC1; p=quarantine; pct=0"]},
   spf=(EX, "fail"))
sc("pct-100-reject", "p=reject pct=100, fail", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; pct=100"]},
   spf=(EX, "fail"))
sc("pct-0-pass", "p=reject pct=0, pass", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; pct=0"]},
   spf=(EX, "pass"))

# --- missing and multiple records
sc("no-record", "no DMARC record anywhere, fail", EX, {}, spf=(EX, "fail"))
sc("no-record-pass", "no DMARC record anywhere, SPF pass", EX, {}, spf=(EX, "pass"))
sc("no-record-subdomain", "From sub.example.com, no record anywhere", "sub.example.com", {},
   spf=("sub.example.com", "fail"))
sc("multiple-at-author", "two DMARC records at example.com", EX,
   {"_dmarc.example.com": [REJ, "v=DMARC1; p=none"]}, spf=(EX, "fail"))
sc("multiple-at-sub", "two records at sub.example.com, org p=reject", "sub.example.com",
   {"_dmarc.sub.example.com": ["v=DMARC1; p=none", "v=DMARC1; p=quarantine"], "_dmarc.example.com": [REJ]},
   spf=("sub.example.com", "fail"))
sc("dmarc-plus-other-txt", "a DMARC record next to an unrelated TXT record", EX,
   {"_dmarc.example.com": ["google-site-verification=abc", REJ]}, spf=(EX, "fail"))
sc("split-strings", "record split over two character-strings", EX,
   {"_dmarc.example.com": [{"TXT": ["v=DMARC1; p=", "reject"]}]}, spf=(EX, "fail"))

# --- syntax
sc("bad-p", "p=bogus, no rua", EX, {"_dmarc.example.com": ["v=DMARC1; p=bogus"]}, spf=(EX, "fail"))
sc("bad-p-with-rua", "p=bogus with a valid rua", EX,
   {"_dmarc.example.com": ["v=DMARC1; p=bogus; rua=mailto:d@example.com"]}, spf=(EX, "fail"))
sc("no-p", "v=DMARC1 only", EX, {"_dmarc.example.com": ["v=DMARC1"]}, spf=(EX, "fail"))
sc("no-p-with-rua", "no p, valid rua", EX, {"_dmarc.example.com": ["v=DMARC1; rua=mailto:d@example.com"]},
   spf=(EX, "fail"))
sc("bad-sp", "From sub.example.com; org p=reject sp=bogus", "sub.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=reject; sp=bogus"]}, spf=("sub.example.com", "fail"))
sc("missing-semicolon", "'v=DMARC1 p=reject' (no separator)", EX, {"_dmarc.example.com": ["v=DMARC1 p=reject"]},
   spf=(EX, "fail"))
sc("lowercase-version", "v=dmarc1 (the version is case-sensitive)", EX,
   {"_dmarc.example.com": ["v=dmarc1; p=reject"]}, spf=(EX, "fail"))
sc("uppercase-tags", "V=DMARC1; P=REJECT", EX, {"_dmarc.example.com": ["V=DMARC1; P=REJECT"]}, spf=(EX, "fail"))
sc("spaces", "blanks around '=' and ';'", "sub.example.com",
   {"_dmarc.example.com": ["v=DMARC1 ;  p = reject ; sp = quarantine ;"]}, spf=("sub.example.com", "fail"))
sc("v-not-first", "p=reject; v=DMARC1", EX, {"_dmarc.example.com": ["p=reject; v=DMARC1"]}, spf=(EX, "fail"))
sc("unknown-tag", "unknown tag foo=bar", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; foo=bar"]},
   spf=(EX, "fail"))
sc("duplicate-p", "p=none; p=reject", EX, {"_dmarc.example.com": ["v=DMARC1; p=none; p=reject"]},
   spf=(EX, "fail"))
sc("bad-adkim", "adkim=x", EX, {"_dmarc.example.com": ["v=DMARC1; p=reject; adkim=x"]},
   dkim=[("mail.example.com", "pass")])
sc("garbage-after", "valid tags then garbage text", EX,
   {"_dmarc.example.com": ["v=DMARC1; p=quarantine; this is not a tag"]}, spf=(EX, "fail"))
sc("uppercase-from", "From EXAMPLE.COM", "EXAMPLE.COM", {"_dmarc.example.com": [REJ]},
   dkim=[(EX, "pass")], exists=[EX])

# --- non-existent domains (np)
sc("np-nxdomain", "From nosuch.example.com (NXDOMAIN); org p=quarantine sp=none np=reject", "nosuch.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=quarantine; sp=none; np=reject"]}, spf=("nosuch.example.com", "none"),
   exists=[])
sc("np-none-nxdomain", "From nosuch.example.com; org p=reject np=none", "nosuch.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=reject; np=none"]}, spf=("nosuch.example.com", "none"), exists=[])
sc("np-existing-sub", "From sub.example.com (exists); org p=quarantine sp=none np=reject", "sub.example.com",
   {"_dmarc.example.com": ["v=DMARC1; p=quarantine; sp=none; np=reject"]}, spf=("sub.example.com", "fail"))
sc("no-such-org", "From a domain whose organization does not exist either", "mail.nosuch-org.net",
   {}, spf=("mail.nosuch-org.net", "none"), exists=[])

# --- DNS failures
sc("timeout-author", "the _dmarc query for the From domain times out", EX,
   {"_dmarc.example.com": ["TIMEOUT"]}, spf=(EX, "fail"))
sc("timeout-org", "From sub.example.com; _dmarc.example.com times out", "sub.example.com",
   {"_dmarc.example.com": ["TIMEOUT"]}, spf=("sub.example.com", "fail"))

if __name__ == "__main__":
    ids = [s["id"] for s in SCENARIOS]
    assert len(ids) == len(set(ids)), "duplicate scenario id"
    print(json.dumps({"scenarios": SCENARIOS}, indent=1))
