#!/bin/sh
# DMARC cross-check: Aligned (RFC 9989 and RFC 7489 modes) against mailauth 4.x and Mail::DMARC on the
# generated scenarios. Needs java 21+, node + npm, perl with libmail-dmarc-perl, python3.
# Usage (from the repository root): aligned-bench/peers/dmarc-crosscheck/run.sh
# Writes scenarios.json, results.json and results.md next to this script; exit 1 on an unexplained difference.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
jar="$root/aligned-bench/target/benchmarks.jar"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [ ! -f "$jar" ] || [ -n "${REBUILD:-}" ]; then
    (cd "$root" && ./mvnw -B -q -pl aligned-core,aligned-bench -am package -DskipTests)
fi
if [ ! -d "$here/../node_modules/mailauth" ]; then
    (cd "$here/.." && npm install --no-audit --no-fund)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/scenarios.py" > "$here/scenarios.json"
"$java" -cp "$jar" dev.aligned.bench.auth.DmarcCrossCheck "$here/scenarios.json" > "$tmp/aligned.jsonl"
node "$here/crosscheck_mailauth.js" "$here/scenarios.json" > "$tmp/mailauth.jsonl"
perl "$here/crosscheck_maildmarc.pl" "$here/scenarios.json" > "$tmp/maildmarc.jsonl" 2> "$tmp/maildmarc.err" || {
    cat "$tmp/maildmarc.err" >&2; exit 1; }
python3 "$here/compare.py" "$here/scenarios.json" "$tmp/aligned.jsonl" "$tmp/mailauth.jsonl" \
    "$tmp/maildmarc.jsonl" "$here"
