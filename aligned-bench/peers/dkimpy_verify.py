#!/usr/bin/python3
"""dkimpy's DKIM verification rate on a signed message, keys from a file (no network): the peer figure next
to Aligned's DkimVerifyBenchmark.

  dkimpy_verify.py MESSAGE KEYS [SECONDS]

KEYS holds one key record per line: the DNS name, a tab, the TXT text. Prints verifications per second.
"""
import sys
import time

import dkim


def main():
    message = open(sys.argv[1], "rb").read()
    keys = {}
    for line in open(sys.argv[2], "rb"):
        name, txt = line.rstrip(b"\r\n").split(b"\t", 1)
        keys[name.rstrip(b".").lower()] = txt
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0

    def dnsfunc(name, timeout=5):
        return keys.get(name.rstrip(b".").lower())

    if not dkim.verify(message, dnsfunc=dnsfunc):
        sys.exit("the message does not verify")
    for _ in range(200):  # warm-up
        dkim.verify(message, dnsfunc=dnsfunc)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        dkim.verify(message, dnsfunc=dnsfunc)
        n += 1
    print("%.0f verifications/s" % (n / (time.perf_counter() - start)))


if __name__ == "__main__":
    main()
