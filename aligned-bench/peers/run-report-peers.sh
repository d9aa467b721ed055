#!/usr/bin/env bash
# Runs the aggregate-report parsing peers (Mail::DMARC, npm dmarc-report-parser) on the given report files,
# each looping inside its own process. Needs Debian libmail-dmarc-perl and `npm install` in this folder.
# Usage: aligned-bench/peers/run-report-peers.sh SECONDS FILE.xml...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
secs="$1"; shift
[ -d "$here/node_modules/dmarc-report-parser" ] || (cd "$here" && npm install --silent --no-audit --no-fund)
for f in "$@"; do
  perl "$here/report_maildmarc.pl" "$f" "$secs" 2>/dev/null   # Mail::DMARC warns on every record without an SPF domain
  node "$here/report_dmarc_report_parser.js" "$f" "$secs"
done
