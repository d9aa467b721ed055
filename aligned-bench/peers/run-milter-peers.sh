#!/bin/sh
# Milter benchmark: one private Postfix (loopback) with three smtpd ports -- no milter, Aligned's milter, and
# OpenDKIM + OpenDMARC (Debian) -- fed by SmtpLoad with the RSA-signed 4 KB workload message. All three milters
# ask the same local nsd (127.0.0.153:53) for the same zone; OpenDMARC has no resolver setting, so it runs in its
# own mount namespace where /etc/resolv.conf names that nsd. Postfix discards accepted mail (relay_transport =
# discard) so delivery does not weigh on the figures. Needs root, postfix, nsd, opendkim, opendmarc, python3,
# and the jars: ./mvnw -B -pl aligned-cli,aligned-bench -am package -DskipTests
#
# usage: aligned-bench/peers/run-milter-peers.sh [MESSAGES] [CONNECTIONS] [ROUNDS]
# (ALIGNED_JAVA_OPTS goes to the milter's JVM, e.g. -XX:StartFlightRecording=filename=/tmp/m.jfr to profile it)
set -eu
N=${1:-1000}
C=${2:-8}
ROUNDS=${3:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BENCH="$ROOT/aligned-bench/target/benchmarks.jar"
CLI="$ROOT/aligned-cli/target/aligned.jar"
MSG="$ROOT/aligned-bench/src/main/resources/workloads/dkim/msg-4k-rsa.eml"
W=$(mktemp -d /tmp/aligned-milter-bench.XXXXXX)
chmod 755 "$W"
PIDS=""
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() {
    [ -f "$W/etc/main.cf" ] && postfix -c "$W/etc" stop >/dev/null 2>&1 || true
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    sleep 1
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT INT TERM

# --- DNS: the workload's zone (SPF with include/a/mx, DMARC p=reject, the RSA DKIM key) on nsd
mkdir -p "$W/nsd"
python3 - "$ROOT/aligned-bench/src/main/resources/workloads/dkim/dkim-dns.json" > "$W/nsd/example.com.zone" <<'PY'
import json, sys
key = json.load(open(sys.argv[1]))["rsa._domainkey.example.com"][0]["TXT"]
chunks = " ".join('"%s"' % key[i:i + 200] for i in range(0, len(key), 200))
print("""$ORIGIN example.com.
$TTL 300
@ IN SOA ns1 hostmaster 2026112801 3600 600 86400 60
@ IN NS ns1
ns1 IN A 127.0.0.153
@ TXT "v=spf1 include:_spf.example.com a:relay.example.com mx -all"
@ MX 10 mail
@ A 192.0.2.10
_spf TXT "v=spf1 ip4:198.51.100.0/24 -all"
relay A 203.0.113.5
mail A 192.0.2.25
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"
rsa._domainkey TXT ( %s )""" % chunks)
PY
cat > "$W/nsd/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.153
  port: 53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$W/nsd"
  zonelistfile: "$W/nsd/zone.list"
  database: ""
  pidfile: "$W/nsd/nsd.pid"
  xfrdfile: "$W/nsd/xfrd.state"
  xfrdir: "$W/nsd"
  server-count: 1
  verbosity: 1
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "example.com"
  zonefile: "example.com.zone"
CONF
nsd -d -c "$W/nsd/nsd.conf" > "$W/nsd/out.log" 2>&1 &
PIDS="$PIDS $!"
printf 'nameserver 127.0.0.153\noptions attempts:1 timeout:2\n' > "$W/resolv.conf"
# wait until nsd answers (and fail if it does not: every milter would see SERVFAIL-like time-outs)
python3 - <<'PY'
import socket, struct, sys, time
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"".join(
    bytes([len(p)]) + p.encode() for p in "_dmarc.example.com".split(".")) + b"\0" + struct.pack(">HH", 16, 1)
deadline = time.time() + 20
while time.time() < deadline:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    try:
        s.sendto(q, ("127.0.0.153", 53))
        r = s.recv(4096)
        if r[:2] == q[:2] and struct.unpack(">H", r[6:8])[0] > 0:
            sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("nsd does not answer on 127.0.0.153:53 (port taken by another nsd?)")
PY

# --- milters
MA=$(free_port); MK=$(free_port); MD=$(free_port)
echo 192.0.2.1 > "$W/none.hosts"
cat > "$W/opendkim.conf" <<CONF
Syslog no
Mode v
Socket inet:$MK@127.0.0.1
UserID opendkim
AuthservID mx.test
Nameservers 127.0.0.153
InternalHosts $W/none.hosts
CONF
cat > "$W/opendmarc.conf" <<CONF
Syslog false
Socket inet:$MD@127.0.0.1
UserID opendmarc
AuthservID mx.test
TrustedAuthservIDs mx.test
IgnoreHosts $W/none.hosts
SPFSelfValidate true
RejectFailures false
FailureReports false
CONF
unshare --mount sh -c "mount --bind $W/resolv.conf /etc/resolv.conf && exec opendkim -f -x $W/opendkim.conf" \
    > "$W/opendkim.log" 2>&1 &
PK=$!
unshare --mount sh -c "mount --bind $W/resolv.conf /etc/resolv.conf && exec opendmarc -f -c $W/opendmarc.conf" \
    > "$W/opendmarc.log" 2>&1 &
PD=$!
"$JAVA" ${ALIGNED_JAVA_OPTS:-} -jar "$CLI" milter --listen "inet:127.0.0.1:$MA" --dns-server 127.0.0.153 --trusted none --no-record \
    --authserv-id mx.test --mode monitor > "$W/aligned.log" 2>&1 &
PA=$!
PIDS="$PIDS $PK $PD $PA"
# CPU time (user + system, clock ticks) used so far by the given processes
ticks() { t=0; for p in "$@"; do set -- $(cut -d')' -f2 "/proc/$p/stat"); t=$((t + ${12} + ${13})); done; echo "$t"; }
HZ=$(getconf CLK_TCK)

# --- Postfix: one instance, three smtpd ports
P0=$(free_port); P1=$(free_port); P2=$(free_port)
mkdir -p "$W/etc" "$W/queue" "$W/data" "$W/mail"
chown postfix "$W/data" "$W/mail"
cat > "$W/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $W/queue
data_directory = $W/data
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = aligned-bench-postfix
maillog_file = $W/maillog
maillog_file_prefixes = $W
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.test
mydestination =
mynetworks = 127.0.0.0/8
relay_domains = example.net
virtual_mailbox_domains = example.org
virtual_mailbox_base = $W/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
relay_transport = discard
default_transport = discard
smtpd_tls_security_level = none
alias_maps =
alias_database =
biff = no
milter_protocol = 6
milter_default_action = tempfail
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
CONF
cat > "$W/etc/master.cf" <<CONF
127.0.0.1:$P0 inet n - n - - smtpd -o smtpd_milters=
127.0.0.1:$P1 inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$MA
127.0.0.1:$P2 inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$MK,inet:127.0.0.1:$MD
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
CONF
postfix -c "$W/etc" start >/dev/null
sleep 4

# --- one message through each path first, to show what each milter wrote (and fail early)
check() { # port label: one message delivered to a Maildir, then what the milters wrote into it
    "$JAVA" -cp "$BENCH" dev.aligned.bench.milter.SmtpLoad --port "$1" --message "$MSG" --messages 1 --connections 1 \
        --warmup 0 --to check@example.org --label "$2" > /dev/null
    sleep 2
    f=$(ls -t "$W/mail/inbox/new/" | head -1)
    echo "# $2: $(grep -E '^(Authentication-Results|\s)' "$W/mail/inbox/new/$f" | grep -oE '(spf|dkim|dmarc)=[a-z]+' | tr '\n' ' ')"
}
check "$P0" none; check "$P1" aligned; check "$P2" opendkim+opendmarc
echo "# Postfix $(postconf -d -h mail_version), $(opendkim -V | head -1), $(opendmarc -V | head -1)"
echo "# ports: none=$P0 aligned=$P1 opendkim+opendmarc=$P2; $N messages per run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
    for c in 1 "$C"; do
        for pair in "none:$P0" "aligned:$P1" "opendkim+opendmarc:$P2"; do
            label=${pair%%:*}; port=${pair##*:}
            m=$N; [ "$c" = 1 ] && m=$((N / 2))
            case "$label" in aligned) who="$PA";; none) who="";; *) who="$PK $PD";; esac
            # shellcheck disable=SC2086
            before=$(ticks $who)
            line=$("$JAVA" -cp "$BENCH" dev.aligned.bench.milter.SmtpLoad --port "$port" --message "$MSG" \
                --messages "$m" --connections "$c" --warmup 100 --label "$label")
            # shellcheck disable=SC2086
            after=$(ticks $who)
            # milter CPU per message, warm-up included (its messages are sent too): an upper bound
            cpu=$(awk -v a="$after" -v b="$before" -v hz="$HZ" -v n=$((m + 100)) 'BEGIN { printf "%.2f", (a - b) * 1000 / hz / n }')
            echo "$line" | sed "s/}\$/,\"milter_cpu_ms_per_msg\":$cpu}/"
        done
    done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${KEEP_LOGS:-}" ]; then
    cp "$W/maillog" "$W/aligned.log" "$W/opendkim.log" "$W/opendmarc.log" "$W/nsd/out.log" "$KEEP_LOGS/"
fi
