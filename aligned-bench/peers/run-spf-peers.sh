#!/usr/bin/env bash
# Runs the SPF peers on the same workloads as SpfBenchmark, each looping inside its own process.
# Needs: Debian python3-spf python3-yaml, Node.js with `npm install` done in this folder (mailauth 4.x).
# Usage: aligned-bench/peers/run-spf-peers.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
w="$here/../src/main/resources/workloads"
secs="${1:-10}"
[ -d "$here/node_modules/mailauth" ] || (cd "$here" && npm install --silent --no-audit --no-fund)
for f in spf-suite.json spf-realistic.json; do
  /usr/bin/python3 "$here/spf_pyspf.py" "$w/$f" "$secs"
  node "$here/spf_mailauth.js" "$w/$f" "$secs"
done
