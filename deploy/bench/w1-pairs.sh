#!/usr/bin/env bash
# W1 alone, in pairs: one 1 GiB file uploaded directly to the embedded FTP server (curl -T ftp://) then through the
# gateway (curl -T to PUT /files/...), N times on one warm gateway JVM (-Xmx128m), printing each pair's times, their
# ratio and the gateway JVM's CPU seconds (the FTP server included), then the median ratio. Faster to repeat than
# bench.sh, so it suits A/B comparisons of two jars; bench.sh stays the reference.
#   deploy/bench/w1-pairs.sh [--jar PATH] [--pairs N] [--small N] [--threads]
#     --small N  first upload N 4 KiB files through the gateway, as bench.sh's W3 does before W1 (default 2000)
#     --threads  also print, per upload, the CPU seconds of each gateway JVM thread that took more than 0.05 s
#                (pool-3-thread-* is the embedded FTP server's data connection, ftpgw-spool-* hash and write the
#                spool, ftp-relay-* send it to the FTP server) and of the whole machine
# Environment: BENCH_JAVA_OPTS (extra JVM options for the gateway).
set -euo pipefail
cd "$(dirname "$0")/../.."

jar=target/gateway-fat.jar pairs=8 small=2000 threads=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift ;;
    --pairs) pairs="$2"; shift ;;
    --small) small="$2"; shift ;;
    --threads) threads=1 ;;
    *) echo "w1-pairs: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$jar" ] || { echo "w1-pairs: no such jar: $jar (mvn -B -ntp -DskipTests package)" >&2; exit 1; }

work=$(mktemp -d /tmp/ftpgw-w1.XXXXXX)
gateway_pid=""
trap '[ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
{ openssl enc -aes-128-ctr -pbkdf2 -nosalt -pass pass:ftpgw-w1 </dev/zero 2>/dev/null || true; } \
  | head -c $((1 << 30)) >"$work/w1.bin"
head -c 4096 "$work/w1.bin" >"$work/small.bin"
pasv_from=$((20000 + RANDOM % 12000))
cat >"$work/gateway.json" <<EOF
{
  "http": { "host": "127.0.0.1", "port": 0 },
  "spool": { "dir": "$work/spool" },
  "ftpServer": { "enabled": true, "host": "127.0.0.1", "port": 0, "root": "$work/ftp",
    "usersFile": "$PWD/conf/ftp-users.properties", "passivePorts": "$pasv_from-$((pasv_from + 199))" }
}
EOF
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options
java -Xmx128m ${BENCH_JAVA_OPTS:-} -jar "$jar" -conf "$work/gateway.json" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 300); do
  http_port=$(sed -n 's|.*HTTP uploads on http://[^:]*:\([0-9]*\).*|\1|p' "$work/gateway.log" | head -n 1)
  [ -n "$http_port" ] && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$http_port" ] || { echo "w1-pairs: the gateway did not start" >&2; exit 1; }
ftp_port=$(sed -n 's|.*Embedded FTP server listening on [^:]*:\([0-9]*\).*|\1|p' "$work/gateway.log" | head -n 1)
(umask 077 && echo "machine 127.0.0.1 login demo password demo" >"$work/netrc")
gw_url="http://127.0.0.1:$http_port/files/w1/w1.bin" ftp_url="ftp://127.0.0.1:$ftp_port/w1/w1.bin"

hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$gateway_pid/stat"; }
# every thread of the gateway JVM: "tid name ticks", sorted by tid
thread_ticks() {
  local task
  for task in /proc/"$gateway_pid"/task/*; do
    echo "${task##*/} $(tr ' ' '_' <"$task/comm") $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0)"
  done | sort
}
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# upload URL: prints the wall ms and the gateway JVM's CPU ticks it took (with --threads, the threads' on stderr)
upload() {
  local c0 t0 t1 c1 m0 m1
  [ "$threads" = 1 ] && thread_ticks >"$work/threads0"
  m0=$(machine_ticks) c0=$(cpu) t0=$(date +%s%N)
  curl -sS --fail --ftp-create-dirs --netrc-file "$work/netrc" -o /dev/null -T "$work/w1.bin" "$1"
  t1=$(date +%s%N) c1=$(cpu) m1=$(machine_ticks)
  rm -rf "$work/ftp/w1"
  if [ "$threads" = 1 ]; then
    thread_ticks >"$work/threads1"
    {
      echo "  ${1%%:*}: machine busy $(awk -v t=$((m1 - m0)) -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}') CPU-s"
      join "$work/threads0" "$work/threads1" \
        | awk -v hz="$hz" '$5 - $3 > 5 {printf "    %-20s %.2f\n", $2, ($5 - $3) / hz}' | sort -k2 -nr
    } >&2
  fi
  echo "$(((t1 - t0) / 1000000)) $((c1 - c0))"
}

echo "warming up: $small small files, then W1 3 times through the gateway and once directly"
seq "$small" | xargs -P 16 -I{} curl -sS --fail -o /dev/null -T "$work/small.bin" \
  "http://127.0.0.1:$http_port/files/small/{}.bin"
rm -rf "$work/ftp/small"
for url in "$gw_url" "$gw_url" "$gw_url" "$ftp_url"; do upload "$url" >/dev/null; done

ratios=""
for ((i = 1; i <= pairs; i++)); do
  sync
  read -r direct direct_cpu < <(upload "$ftp_url")
  sync
  read -r gateway gateway_cpu < <(upload "$gw_url")
  ratio=$(awk -v g="$gateway" -v d="$direct" 'BEGIN {printf "%.2f", g / d}')
  ratios+="$ratio "
  awk -v i="$i" -v d="$direct" -v g="$gateway" -v r="$ratio" -v dc="$direct_cpu" -v gc="$gateway_cpu" -v hz="$hz" \
    'BEGIN {printf "pair %d: direct %d ms (JVM CPU %.2f s), gateway %d ms (JVM CPU %.2f s): %s x\n", i, d, dc / hz, g, gc / hz, r}'
done
echo "median gateway/direct: $(tr ' ' '\n' <<<"$ratios" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') x (target 1.5)"
