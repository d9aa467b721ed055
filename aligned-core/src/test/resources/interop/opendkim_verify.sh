#!/bin/sh
# Verifies a message with OpenDKIM's opendkim-testmsg against key records served by a real nsd.
# OpenDKIM reads keys through the system resolver (port 53 of /etc/resolv.conf), so this runs inside
# private user, mount and network namespaces:
#   unshare -rmn sh opendkim_verify.sh ZONE_ORIGIN ZONE_FILE MESSAGE
# Exit status: opendkim-testmsg's (0 = every signature verified); its messages go to standard error.
set -eu
origin="$1"; zonefile="$2"; message="$3"
dir=$(mktemp -d)
# nsd writes xfrd.state while it shuts down: wait for it to be gone before removing the directory, and never let
# the clean-up change the exit status (a failed rm once turned a verified message into a failure)
cleanup() {
  status=$?
  if [ -s "$dir/nsd.pid" ]; then
    pid=$(cat "$dir/nsd.pid")
    kill "$pid" 2>/dev/null || true
    j=0
    while kill -0 "$pid" 2>/dev/null && [ $j -lt 100 ]; do sleep 0.05; j=$((j+1)); done
  fi
  # nsd's xfrd child may still be writing its state file after the main process has gone
  j=0
  until rm -rf "$dir" 2>/dev/null || [ $j -ge 100 ]; do sleep 0.05; j=$((j+1)); done
  exit $status
}
trap cleanup EXIT
ip link set lo up
cp "$zonefile" "$dir/zone"
cat > "$dir/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: 53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$dir"
  zonelistfile: "$dir/zone.list"
  database: ""
  pidfile: "$dir/nsd.pid"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: "$origin"
  zonefile: "zone"
CONF
echo "nameserver 127.0.0.1" > "$dir/resolv.conf"
mount --bind "$dir/resolv.conf" /etc/resolv.conf
"${ALIGNED_NSD:-/usr/sbin/nsd}" -c "$dir/nsd.conf" -l "$dir/nsd.log"
i=0
while [ ! -s "$dir/nsd.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
sleep 0.3
opendkim-testmsg < "$message"
