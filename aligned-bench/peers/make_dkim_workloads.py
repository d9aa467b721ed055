#!/usr/bin/python3
"""Writes the DKIM benchmark workload: messages of 4 KB and 100 KB signed with RSA-2048 and Ed25519 by dkimpy
(Debian python3-dkim), the signing keys, and the DNS records as zonedata. Aligned and every peer verify these
same files. Keys and bodies come from a fixed seed, so a re-run changes nothing but the RSA key (openssl).

Usage: make_dkim_workloads.py OUT_DIR
"""
import base64
import json
import os
import random
import subprocess
import sys

import dkim
from nacl.signing import SigningKey

out = sys.argv[1]
rnd = random.Random(6376)
WORDS = ("invoice account payment delivery shipment order report meeting schedule update customer support "
         "quarterly review please attached regards thanks confirm request details summary").split()


def paragraph(n_words):
    return " ".join(rnd.choice(WORDS) for _ in range(n_words)).capitalize() + "."


def body(size):
    text_lines, html_lines = [], []
    while sum(len(l) + 2 for l in text_lines) < size * 0.45:
        p = paragraph(rnd.randint(12, 40))
        # wrap at 76 columns like a mail client
        line = ""
        for w in p.split():
            if len(line) + len(w) + 1 > 76:
                text_lines.append(line)
                line = w
            else:
                line = (line + " " + w).strip()
        text_lines.append(line)
        text_lines.append("")
        html_lines.append("<p>" + p + "</p>")
    b = "=_aligned_bench_boundary"
    parts = [f"--{b}", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 7bit", ""]
    parts += text_lines
    parts += [f"--{b}", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 7bit", "",
              "<html><body>"] + html_lines + ["</body></html>", f"--{b}--", ""]
    return b, "\r\n".join(parts).encode()


def message(size, n):
    boundary, b = body(size)
    headers = [
        "Return-Path: <bounces@example.com>",
        "Received: from mail.example.com (mail.example.com [192.0.2.25]) by mx.example.org with ESMTPS id 4ab"
        f"{n}; Sat, 28 Nov 2026 06:00:0{n} +0000",
        "From: \"Example Billing\" <billing@example.com>",
        "To: customer@example.org",
        f"Subject: Your monthly statement {n}",
        f"Date: Sat, 28 Nov 2026 06:00:0{n} +0000",
        f"Message-ID: <bench-{size}-{n}@example.com>",
        "MIME-Version: 1.0",
        f"Content-Type: multipart/alternative; boundary=\"{boundary}\"",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + b


rsa_pem = os.path.join(out, "rsa2048.key.pem")
if not os.path.exists(rsa_pem):
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa_pem],
                   check=True, capture_output=True)
rsa_key = open(rsa_pem, "rb").read()
pub_der = subprocess.run(["openssl", "pkey", "-in", rsa_pem, "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
ed_seed = bytes(rnd.getrandbits(8) for _ in range(32))
ed_key = SigningKey(ed_seed)
with open(os.path.join(out, "ed25519.seed.b64"), "w") as f:
    f.write(base64.b64encode(ed_seed).decode() + "\n")
zone = {
    "rsa._domainkey.example.com": [{"TXT": "v=DKIM1; k=rsa; p=" + base64.b64encode(pub_der).decode()}],
    "ed._domainkey.example.com": [{"TXT": "v=DKIM1; k=ed25519; p="
                                          + base64.b64encode(bytes(ed_key.verify_key)).decode()}],
}
with open(os.path.join(out, "dkim-dns.json"), "w") as f:
    json.dump(zone, f, indent=1)
    f.write("\n")

heads = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]
for size, label in ((4 * 1024, "4k"), (100 * 1024, "100k")):
    for alg, sel, key in ((b"rsa-sha256", b"rsa", rsa_key), (b"ed25519-sha256", b"ed", base64.b64encode(ed_seed))):
        msg = message(size, 1 if label == "4k" else 2)
        sig = dkim.sign(msg, sel, b"example.com", key, include_headers=heads, signature_algorithm=alg,
                        canonicalize=(b"relaxed", b"relaxed"))
        name = f"msg-{label}-{'rsa' if sel == b'rsa' else 'ed25519'}.eml"
        with open(os.path.join(out, name), "wb") as f:
            f.write(sig + msg)
        print(name, len(sig + msg), "bytes")
