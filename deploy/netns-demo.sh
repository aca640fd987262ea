#!/usr/bin/env bash
# The seed's situation on one Linux machine, with network namespaces (needs root and iproute2):
#
#   client 10.200.1.1 ── 10.200.1.2 edge 10.200.2.1 ── 10.200.2.2 relay 10.200.3.1 ── 10.200.3.2 ftp
#
# Each host is a namespace; each link a veth pair; nothing forwards between links, and nothing is routed out of the
# namespaces (the 10.200.x.0/24 addresses exist only inside them). The edge takes uploads on the client's side and
# talks to the cluster on the relay's side only; the relay reaches the FTP host; the FTP host runs the gateway with
# the "ftp" role. The script proves the client cannot reach the FTP host, uploads a file from the client to the
# edge, and compares SHA-256 with what arrived on the FTP host. Everything it made is removed on exit.
# It takes about 30-40 s on an otherwise idle 2-core machine (~32 s there in issue #22), most of it three gateway
# JVMs starting and the cluster forming; much longer on a busy one. It prints its own time before OK.
#
# Usage: deploy/netns-demo.sh [--size MiB]         (uses target/gateway-fat.jar; build it first)
#        FTPGW_CP=<classpath> deploy/netns-demo.sh  (runs the classes on that classpath instead, as the tests do)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=8
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size_mib="$2"; shift 2 ;;
    *) echo "usage: $0 [--size MiB]" >&2; exit 2 ;;
  esac
done

say() { printf 'netns-demo: %s\n' "$*"; }
die() { printf 'netns-demo: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (ip netns)"
command -v ip >/dev/null || die "ip (iproute2) is missing: deploy/setup.sh installs it"
command -v curl >/dev/null || die "curl is missing: deploy/setup.sh installs it"
if [ -n "${FTPGW_CP:-}" ]; then
  gateway=(java -cp "$FTPGW_CP" ftpgw.GatewayLauncher ftpgw.GatewayVerticle)
  users=(java -cp "$FTPGW_CP" ftpgw.ftpserver.FtpUsers)
  hash_secret=(java -cp "$FTPGW_CP" ftpgw.auth.HashSecret)
else
  [ -f target/gateway-fat.jar ] || die "target/gateway-fat.jar is missing: mvn -B -ntp -DskipTests package"
  gateway=(java -jar target/gateway-fat.jar)
  users=(java -cp target/gateway-fat.jar ftpgw.ftpserver.FtpUsers)
  hash_secret=(java -cp target/gateway-fat.jar ftpgw.auth.HashSecret)
fi

# names unique per run, so that runs side by side never meet; interface names stay under 15 characters
run=$(( $$ % 100000 ))
ns_client="ftpgw-client-$run"; ns_edge="ftpgw-edge-$run"; ns_relay="ftpgw-relay-$run"; ns_ftp="ftpgw-ftp-$run"
work=$(mktemp -d /tmp/ftpgw-netns.XXXXXX)
pids=()

cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "$ns_client" "$ns_edge" "$ns_relay" "$ns_ftp"; do
    # whatever still runs inside (a namespace outlives its name while a process holds it)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# link NS_A ADDR_A NS_B ADDR_B: a veth pair between two namespaces, a /24 between them
link() {
  local a=$1 addr_a=$2 b=$3 addr_b=$4 name_a="fg${run}a$5" name_b="fg${run}b$5"
  ip link add "$name_a" type veth peer name "$name_b"
  ip link set "$name_a" netns "$a"
  ip link set "$name_b" netns "$b"
  in_ns "$a" ip addr add "$addr_a/24" dev "$name_a"
  in_ns "$b" ip addr add "$addr_b/24" dev "$name_b"
  in_ns "$a" ip link set "$name_a" up
  in_ns "$b" ip link set "$name_b" up
}

say "building the hosts: client, edge, relay, ftp (run $run)"
for ns in "$ns_client" "$ns_edge" "$ns_relay" "$ns_ftp"; do
  ip netns add "$ns"
  in_ns "$ns" ip link set lo up
done
link "$ns_client" 10.200.1.1 "$ns_edge" 10.200.1.2 1
link "$ns_edge" 10.200.2.1 "$ns_relay" 10.200.2.2 2
link "$ns_relay" 10.200.3.1 "$ns_ftp" 10.200.3.2 3

mkdir -p "$work/ftp-root" "$work/logs"
# The FTP host listens on a real network: its account gets a fresh random password (the shipped demo/demo is for
# loopback only, and the FTP server refuses it elsewhere). The relay reads it from a file, never from its config.
umask 077
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$work/ftp-password"
"${users[@]}" add demo --home . < "$work/ftp-password" > "$work/ftp-users.properties"
umask 022
cat > "$work/ftp.json" <<EOF
{ "roles": ["ftp"],
  "http": {"host": "127.0.0.1", "port": 8080},
  "ftpServer": {"host": "10.200.3.2", "port": 2121, "root": "$work/ftp-root",
                "usersFile": "$work/ftp-users.properties", "passivePorts": "40000-40019"} }
EOF
cat > "$work/relay.json" <<EOF
{ "roles": ["relay"],
  "http": {"host": "127.0.0.1", "port": 8080},
  "spool": {"dir": "$work/relay-spool"},
  "relay": {"target": {"host": "10.200.3.2", "port": 2121, "user": "demo", "passwordFile": "$work/ftp-password"}, "connections": 4},
  "cluster": {"name": "netns-demo-$run", "host": "10.200.2.2", "members": ["10.200.2.1", "10.200.2.2"]} }
EOF
# the edge faces the client's network: it needs a login too, with its own random password (only its hash in the config);
# plain HTTP is allowed because that network is a veth pair between two namespaces of this machine
umask 077
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$work/http-password"
"${hash_secret[@]}" < "$work/http-password" > "$work/http-user.hash"
printf 'machine 10.200.1.2 login demo password %s\n' "$(cat "$work/http-password")" > "$work/netrc"
umask 022
cat > "$work/edge.json" <<EOF
{ "roles": ["http"],
  "auth": {"mode": "users", "allowPlainHttp": true, "users": [{"name": "demo", "folder": "", "passwordHashFile": "$work/http-user.hash"}]},
  "http": {"host": "10.200.1.2", "port": 6969},
  "spool": {"dir": "$work/edge-spool"},
  "cluster": {"name": "netns-demo-$run", "host": "10.200.2.1", "members": ["10.200.2.1", "10.200.2.2"]} }
EOF

say "starting the FTP host, the relay and the edge"
# `ip netns exec` execs java, so $! is the JVM itself (a shell function in the background would not be)
ip netns exec "$ns_ftp" "${gateway[@]}" -conf "$work/ftp.json" > "$work/logs/ftp.log" 2>&1 & pids+=($!)
ip netns exec "$ns_relay" "${gateway[@]}" -conf "$work/relay.json" -cluster > "$work/logs/relay.log" 2>&1 & pids+=($!)
ip netns exec "$ns_edge" "${gateway[@]}" -conf "$work/edge.json" -cluster > "$work/logs/edge.log" 2>&1 & pids+=($!)

show_logs() { for f in "$work"/logs/*.log; do echo "--- $f"; tail -n 30 "$f"; done >&2; }
deadline=$((SECONDS + 90))
# the edge asks for a login (auth users): without one, /ready shows only {"status"}, not the cluster's members
until in_ns "$ns_edge" curl -fsS --max-time 2 --netrc-file "$work/netrc" http://10.200.1.2:6969/ready 2>/dev/null \
     | grep -q '"members":2' \
   && in_ns "$ns_relay" curl -fsS --max-time 2 http://127.0.0.1:8080/ready 2>/dev/null | grep -q '"outcome":"UP"'; do
  [ $SECONDS -lt $deadline ] || { show_logs; die "the cluster did not become ready within 90 s"; }
  sleep 0.5
done
say "edge and relay formed a cluster over 10.200.2.0/24; the relay reaches ftp://10.200.3.2:2121"

# The bridge is needed: the client has no way to the FTP host (no route), while the relay has one.
if in_ns "$ns_client" timeout 3 bash -c 'exec 3<>/dev/tcp/10.200.3.2/2121' 2>/dev/null; then
  die "the client reached the FTP host directly: the demo network is wrong"
fi
say "the client cannot reach the FTP host 10.200.3.2:2121 (as in the seed)"
in_ns "$ns_relay" timeout 3 bash -c 'exec 3<>/dev/tcp/10.200.3.2/2121' || die "the relay cannot reach the FTP host"
if in_ns "$ns_client" timeout 3 bash -c 'exec 3<>/dev/tcp/10.200.2.2/5701' 2>/dev/null; then
  die "the client reached the relay's cluster port"
fi

head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/upload.bin"
sent=$(sha256sum < "$work/upload.bin" | cut -d' ' -f1)
say "client uploads $size_mib MiB to the edge: curl --netrc-file netrc -T upload.bin http://10.200.1.2:6969/files/netns/upload.bin"
reply=$(in_ns "$ns_client" curl -sS --max-time 60 -w ' HTTP %{http_code}' --netrc-file "$work/netrc" -T "$work/upload.bin" \
  http://10.200.1.2:6969/files/netns/upload.bin) || { show_logs; die "the upload failed: $reply"; }
say "edge answered: $reply"
case "$reply" in *"HTTP 201") ;; *) show_logs; die "expected 201 from the edge" ;; esac

arrived="$work/ftp-root/netns/upload.bin"   # the demo user's home is the FTP root
[ -f "$arrived" ] || { show_logs; die "nothing arrived at $arrived"; }
received=$(sha256sum < "$arrived" | cut -d' ' -f1)
[ "$sent" = "$received" ] || die "SHA-256 differs: sent $sent, arrived $received"
grep -q "is pulled by relay node" "$work/logs/edge.log" || die "the edge did not hand the upload to the relay"
say "SHA-256 match: $sent arrived on the FTP host through edge → relay"
say "took $SECONDS s"
say "OK"
