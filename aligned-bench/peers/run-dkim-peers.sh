#!/usr/bin/env bash
# Runs the DKIM peers (dkimpy, mailauth) verifying the same workload messages as DkimBenchmark.
# Needs: Debian python3-dkim python3-nacl, Node.js with `npm install` done in this folder.
# Usage: aligned-bench/peers/run-dkim-peers.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
w="$here/../src/main/resources/workloads/dkim"
secs="${1:-10}"
[ -d "$here/node_modules/mailauth" ] || (cd "$here" && npm install --silent --no-audit --no-fund)
for m in msg-4k-rsa.eml msg-4k-ed25519.eml msg-100k-rsa.eml msg-100k-ed25519.eml; do
  /usr/bin/python3 "$here/dkim_dkimpy.py" "$w" "$m" "$secs"
  node "$here/dkim_mailauth.js" "$w" "$m" "$secs"
done
