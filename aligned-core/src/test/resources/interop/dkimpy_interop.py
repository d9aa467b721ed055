#!/usr/bin/python3
"""Interoperability helper for Aligned's tests: drives dkimpy (Debian python3-dkim) with keys from a file.

  dkimpy_interop.py verify MESSAGE KEYS      one line per DKIM-Signature, top first: pass or fail
  dkimpy_interop.py sign MESSAGE SELECTOR DOMAIN KEYFILE ALGORITHM
                                             the signed message on stdout (relaxed/simple canonicalisation)

KEYS holds one key record per line: the DNS name, a tab, the TXT text.
"""
import sys

import dkim


def load_keys(path):
    keys = {}
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if line:
                name, txt = line.split(b"\t", 1)
                keys[name.rstrip(b".").lower()] = txt
    return keys


def verify(message_path, keys_path):
    keys = load_keys(keys_path)

    def dnsfunc(name, timeout=5):
        if isinstance(name, str):
            name = name.encode("ascii")
        return keys.get(name.rstrip(b".").lower())

    with open(message_path, "rb") as f:
        message = f.read()
    d = dkim.DKIM(message, minkey=1024)
    count = sum(1 for (k, _) in d.headers if k.lower() == b"dkim-signature")
    for i in range(count):
        try:
            ok = d.verify(idx=i, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            ok = False
            print("error: %s" % e, file=sys.stderr)
        print("pass" if ok else "fail")


def sign(message_path, selector, domain, key_path, algorithm):
    with open(message_path, "rb") as f:
        message = f.read()
    with open(key_path, "rb") as f:
        key = f.read()
    sig = dkim.sign(message, selector.encode(), domain.encode(), key,
                    canonicalize=(b"relaxed", b"simple"), signature_algorithm=algorithm.encode())
    sys.stdout.buffer.write(sig + message)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 7 and sys.argv[1] == "sign":
        sign(*sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
