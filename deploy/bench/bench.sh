#!/usr/bin/env bash
# Benchmark (not a test): uploads the same data through the gateway (HTTP PUT with curl) and directly to the same
# FTP server (curl -T ftp://), then prints wall time, MB/s or files/s, the gateway/direct speed ratio and the gateway
# JVM's peak RSS per workload, checked against the targets of issue 2 and notes/anchors.md.
#   W1  one 1 GiB file
#   W2  32 x 32 MiB files, 8 at a time
#   W3  2000 x 4 KiB files, 16 at a time
# Every landed file is compared by SHA-256 with its source, so a broken transfer can never report a speed.
# The target is the gateway's own embedded FTP server (Apache FtpServer, user demo/demo from conf/ftp-users.properties):
# the JVM measured for RSS and CPU runs both the gateway and that server. MB = 10^6 bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  cat <<'EOF'
usage: deploy/bench/bench.sh [--quick] [--runs N] [--connections N] [--http-instances N] [--xmx SIZE]
  --quick              smaller data (W1 256 MiB, W2 16 x 16 MiB, W3 500 x 4 KiB) and 1 run
  --runs N             repeat every case N times and report the median (default 3, --quick 1)
  --connections N      relay.connections for the gateway (default: the gateway's default)
  --http-instances N   http.instances for the gateway (default: the gateway's default)
  --xmx SIZE           gateway heap (default 128m, as the issue's RSS target says)
Needs: java 17, curl, openssl; mvn when target/gateway-fat.jar is missing.
Environment: BENCH_JAVA_OPTS (extra JVM options for the gateway, e.g. a JFR recording), BENCH_KEEP=1 (keep the
temporary folder with the data, the gateway log and conf).
EOF
}

quick=0 runs="" connections="" instances="" xmx=128m
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --http-instances) instances="$2"; shift ;;
    --xmx) xmx="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

MiB=$((1 << 20))
if [ "$quick" = 1 ]; then
  w1_bytes=$((256 * MiB)) w2_count=16 w2_bytes=$((16 * MiB)) w3_count=500 runs=${runs:-1}
else
  w1_bytes=$((1024 * MiB)) w2_count=32 w2_bytes=$((32 * MiB)) w3_count=2000 runs=${runs:-3}
fi
w2_parallel=8 w3_parallel=16 w3_bytes=4096
host=127.0.0.1

for tool in java curl openssl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
if [ ! -f target/gateway-fat.jar ]; then
  echo "bench: building target/gateway-fat.jar"
  mvn -B -ntp -q -DskipTests package
fi

work=$(mktemp -d /tmp/ftpgw-bench.XXXXXX)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench: $*" >&2
  if [ -f "$work/gateway.log" ]; then
    echo "--- last lines of the gateway log:" >&2
    tail -n 20 "$work/gateway.log" >&2
  fi
  exit 1
}

now_ns() { date +%s%N; }

# ---------------------------------------------------------------- data
# Random bytes from AES-CTR: /dev/urandom is 5x slower and would dominate the set-up time. head closes the pipe, so
# openssl ends on SIGPIPE: not an error.
random_bytes() {
  { openssl enc -aes-128-ctr -pbkdf2 -nosalt -pass "pass:ftpgw-bench-$2" </dev/zero 2>/dev/null || true; } | head -c "$1"
}

make_data() {
  mkdir -p "$work/src/w1" "$work/src/w2" "$work/src/w3"
  random_bytes "$w1_bytes" w1 >"$work/src/w1/w1.bin"
  random_bytes $((w2_count * w2_bytes)) w2 | (cd "$work/src/w2" && split -a 3 -d -b "$w2_bytes" --additional-suffix=.bin - w2-)
  random_bytes $((w3_count * w3_bytes)) w3 | (cd "$work/src/w3" && split -a 5 -d -b "$w3_bytes" --additional-suffix=.bin - w3-)
  for w in w1 w2 w3; do
    (cd "$work/src/$w" && ls >"$work/$w.names" && xargs openssl dgst -sha256 -r <"$work/$w.names" >"$work/$w.sums")
  done
}

# ---------------------------------------------------------------- gateway
start_gateway() {
  local ftp_root="$work/ftp" spool="$work/spool" pasv_from=$((20000 + RANDOM % 10000))
  mkdir -p "$ftp_root" "$spool"
  local tuning_http="" tuning_relay=""
  [ -n "$instances" ] && tuning_http=", \"instances\": $instances"
  [ -n "$connections" ] && tuning_relay="\"connections\": $connections"
  cat >"$work/gateway.json" <<EOF
{
  "http": { "host": "$host", "port": 0 $tuning_http },
  "spool": { "dir": "$spool" },
  "relay": { $tuning_relay },
  "ftpServer": {
    "enabled": true, "host": "$host", "port": 0, "root": "$ftp_root",
    "usersFile": "$PWD/conf/ftp-users.properties", "passivePorts": "$pasv_from-$((pasv_from + 199))"
  }
}
EOF
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options
  java -Xmx"$xmx" ${BENCH_JAVA_OPTS:-} -jar target/gateway-fat.jar -conf "$work/gateway.json" >"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  local deadline=$((SECONDS + 60))
  http_port="" ftp_port=""
  while [ -z "$http_port" ]; do
    kill -0 "$gateway_pid" 2>/dev/null || die "the gateway exited during start-up"
    [ $SECONDS -lt $deadline ] || die "the gateway did not start within 60 s"
    http_port=$(sed -n 's|.*HTTP uploads on http://[^:]*:\([0-9]*\).*|\1|p' "$work/gateway.log" | head -n 1)
    sleep 0.1
  done
  ftp_port=$(sed -n 's|.*Embedded FTP server on [^:]*:\([0-9]*\).*|\1|p' "$work/gateway.log" | head -n 1)
  [ -n "$ftp_port" ] || die "cannot find the embedded FTP server's port in the gateway log"
  gw_url="http://$host:$http_port/files/bench/gw"
  ftp_url="ftp://demo:demo@$host:$ftp_port/bench/ftp"
}

# VmHWM is the peak RSS since the last reset (writing 5 to clear_refs, Linux >= 4.0, needs the same user or root).
hwm_resettable=1
reset_peak_rss() { echo 5 2>/dev/null >"/proc/$gateway_pid/clear_refs" || hwm_resettable=0; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$gateway_pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$gateway_pid/stat"; }

# ---------------------------------------------------------------- cases
# Every uploader prints one HTTP/FTP status line per file into $codes; the case fails unless all are 201 / 226.
curl_opts=(-sS --fail -o /dev/null -w '%{response_code}\n')

# Uploads every file of workload $1 with one curl process per file, $2 at a time, to URL base $3.
per_file() {
  (cd "$work/src/$1" && xargs -P "$2" -I{} curl "${curl_opts[@]}" --ftp-create-dirs -T {} "$3/{}" <"$work/$1.names")
}

# Uploads every file of workload $1 with $2 curl processes, each uploading its share over one connection, to $3/.
per_connection() {
  local i names pids=()
  for ((i = 0; i < $2; i++)); do
    names=$(awk -v n="$2" -v i="$i" 'NR % n == i' "$work/$1.names" | paste -sd, -)
    [ -n "$names" ] || continue
    (cd "$work/src/$1" && curl "${curl_opts[@]}" --ftp-create-dirs -T "{$names}" "$3/") &
    pids+=($!)
  done
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

# Checks what landed in folder $2 (relative to the FTP root) against workload $1's sources, then removes it.
verify_and_clear() {
  local landed="$work/ftp/$2"
  [ -d "$landed" ] || die "$2: nothing landed"
  local count expected
  count=$(find "$landed" -type f | wc -l)
  expected=$(wc -l <"$work/$1.names")
  [ "$count" = "$expected" ] || die "$2: $count files landed, expected $expected"
  (cd "$landed" && xargs openssl dgst -sha256 -r <"$work/$1.names") | cmp -s - "$work/$1.sums" \
    || die "$2: SHA-256 of the landed files differs from the sources"
  local stray
  stray=$(find "$work/ftp" -name '.ftpgw-*.part' | head -n 3)
  [ -z "$stray" ] || die "temporary files left on the FTP server: $stray"
  [ -z "$(ls -A "$work/spool")" ] || die "files left in the spool: $(ls -A "$work/spool" | head -n 3)"
  rm -rf "$landed"
}

declare -A wall peak cpu
# run_case NAME WORKLOAD LANDING_FOLDER EXPECTED_CODE COMMAND...
run_case() {
  local name=$1 workload=$2 folder=$3 code=$4
  shift 4
  local codes="$work/codes" t0 t1 c0 c1
  reset_peak_rss
  c0=$(cpu_ticks)
  t0=$(now_ns)
  "$@" >"$codes" || die "$name: an upload failed (curl exit codes above)"
  t1=$(now_ns)
  c1=$(cpu_ticks)
  local bad
  bad=$(grep -cv "^$code\$" "$codes" || true)
  [ "$bad" = 0 ] || die "$name: $bad uploads were not answered $code: $(grep -v "^$code\$" "$codes" | sort | uniq -c | tr '\n' ' ')"
  [ "$(wc -l <"$codes")" = "$(wc -l <"$work/$workload.names")" ] || die "$name: $(wc -l <"$codes") answers for $(wc -l <"$work/$workload.names") files"
  wall[$name]+="$(((t1 - t0) / 1000000)) "
  cpu[$name]+="$((c1 - c0)) "
  local kib
  kib=$(peak_rss_kib)
  [ -z "${peak[$name]:-}" ] || [ "$kib" -gt "${peak[$name]}" ] && peak[$name]=$kib
  verify_and_clear "$workload" "$folder"
  printf '  %-14s run %d: %6d ms\n' "$name" "$run" $(((t1 - t0) / 1000000))
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# ---------------------------------------------------------------- run
echo "ftpgw benchmark: W1 1 x $((w1_bytes / MiB)) MiB, W2 $w2_count x $((w2_bytes / MiB)) MiB x$w2_parallel," \
  "W3 $w3_count x 4 KiB x$w3_parallel; $runs run(s), median; gateway -Xmx$xmx;" \
  "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "preparing data in $work"
make_data
start_gateway
echo "gateway pid $gateway_pid: HTTP $host:$http_port, embedded FTP $host:$ftp_port, conf:"
sed 's/^/  /' "$work/gateway.json"

# a warm-up, so that JIT compilation is not billed to the first case
per_connection w3 4 "$gw_url/warm" >/dev/null && per_connection w3 4 "$ftp_url/warm" >/dev/null
rm -rf "$work/ftp/bench"

for ((run = 1; run <= runs; run++)); do
  run_case w1.direct w1 bench/ftp/w1 226 per_file w1 1 "$ftp_url/w1"
  run_case w1.gateway w1 bench/gw/w1 201 per_file w1 1 "$gw_url/w1"
  run_case w2.direct w2 bench/ftp/w2 226 per_file w2 "$w2_parallel" "$ftp_url/w2"
  run_case w2.gateway w2 bench/gw/w2 201 per_file w2 "$w2_parallel" "$gw_url/w2"
  run_case w3.login w3 bench/ftp/w3a 226 per_file w3 "$w3_parallel" "$ftp_url/w3a"
  run_case w3.gw-proc w3 bench/gw/w3a 201 per_file w3 "$w3_parallel" "$gw_url/w3a"
  run_case w3.reuse w3 bench/ftp/w3b 226 per_connection w3 "$w3_parallel" "$ftp_url/w3b"
  run_case w3.gw-keep w3 bench/gw/w3b 201 per_connection w3 "$w3_parallel" "$gw_url/w3b"
done

# ---------------------------------------------------------------- report
ticks=$(getconf CLK_TCK)
ms() { median "${wall[$1]}"; }
mbs() { awk -v b="$2" -v ms="$(ms "$1")" 'BEGIN {printf "%.0f", b / 1e6 / (ms / 1000)}'; }
fps() { awk -v n="$2" -v ms="$(ms "$1")" 'BEGIN {printf "%.0f", n / (ms / 1000)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v k="${peak[$1]}" 'BEGIN {printf "%.0f", k / 1024}'; }
cpus() { awk -v t="$(median "${cpu[$1]}")" -v hz="$ticks" 'BEGIN {printf "%.1f", t / hz}'; }

w1_total=$w1_bytes w2_total=$((w2_count * w2_bytes))
echo
echo "Results (median of $runs; MB = 10^6 bytes; RSS = gateway JVM peak during the case; CPU = gateway JVM seconds)"
printf '%-40s %9s %12s %9s %9s %8s\n' "case" "wall ms" "speed" "gw/direct" "RSS MiB" "CPU s"
row() { printf '%-40s %9s %12s %9s %9s %8s\n' "$1" "$(ms "$2")" "$3" "$4" "$(mib "$2")" "$(cpus "$2")"; }
row "W1 direct   curl -T ftp://" w1.direct "$(mbs w1.direct $w1_total) MB/s" ""
row "W1 gateway  curl -T PUT /files" w1.gateway "$(mbs w1.gateway $w1_total) MB/s" \
  "$(ratio "$(mbs w1.gateway $w1_total)" "$(mbs w1.direct $w1_total)")"
row "W2 direct   curl per file x$w2_parallel" w2.direct "$(mbs w2.direct $w2_total) MB/s" ""
row "W2 gateway  curl per file x$w2_parallel" w2.gateway "$(mbs w2.gateway $w2_total) MB/s" \
  "$(ratio "$(mbs w2.gateway $w2_total)" "$(mbs w2.direct $w2_total)")"
row "W3 direct   new login per file x$w3_parallel" w3.login "$(fps w3.login $w3_count) files/s" ""
row "W3 gateway  curl per file x$w3_parallel" w3.gw-proc "$(fps w3.gw-proc $w3_count) files/s" \
  "$(ratio "$(fps w3.gw-proc $w3_count)" "$(fps w3.login $w3_count)")"
row "W3 direct   $w3_parallel logins, reused" w3.reuse "$(fps w3.reuse $w3_count) files/s" ""
row "W3 gateway  $w3_parallel keep-alive curls" w3.gw-keep "$(fps w3.gw-keep $w3_count) files/s" \
  "$(ratio "$(fps w3.gw-keep $w3_count)" "$(fps w3.reuse $w3_count)")"
[ "$hwm_resettable" = 1 ] || echo "(RSS: /proc/PID/clear_refs was not writable: peaks are since the JVM started)"

check() { if awk "BEGIN {exit !($2)}"; then echo "  PASS  $1"; else echo "  FAIL  $1"; fi; }
echo
echo "Targets (issue 2 and notes/anchors.md)$([ "$quick" = 1 ] && echo "; --quick sizes, indicative only"):"
check "W1 through the gateway within 1.5x of direct: $(ms w1.gateway) ms <= 1.5 x $(ms w1.direct) ms" \
  "$(ms w1.gateway) <= 1.5 * $(ms w1.direct)"
check "W3 gateway >= 10x new-login-per-file: $(fps w3.gw-keep $w3_count) (keep-alive) / $(fps w3.gw-proc $w3_count) (curl per file) vs 10 x $(fps w3.login $w3_count) files/s" \
  "$(fps w3.gw-keep $w3_count) >= 10 * $(fps w3.login $w3_count)"
check "W1 gateway peak RSS < 300 MB with -Xmx$xmx: $(mib w1.gateway) MiB" "${peak[w1.gateway]} * 1024 < 300e6"
check "W1 gateway >= rclone 899 MB/s: $(mbs w1.gateway $w1_total) MB/s" "$(mbs w1.gateway $w1_total) >= 899"
check "W2 gateway >= rclone 923 MB/s: $(mbs w2.gateway $w2_total) MB/s" "$(mbs w2.gateway $w2_total) >= 923"
check "W1 and W2 gateway within 10% of direct: $(ratio "$(mbs w1.gateway $w1_total)" "$(mbs w1.direct $w1_total)"), $(ratio "$(mbs w2.gateway $w2_total)" "$(mbs w2.direct $w2_total)")" \
  "$(mbs w1.gateway $w1_total) >= 0.9 * $(mbs w1.direct $w1_total) && $(mbs w2.gateway $w2_total) >= 0.9 * $(mbs w2.direct $w2_total)"
check "W3 gateway >= 600 files/s: $(fps w3.gw-keep $w3_count) (keep-alive), $(fps w3.gw-proc $w3_count) (curl per file)" \
  "$(fps w3.gw-keep $w3_count) >= 600"
check "W2 gateway peak RSS < 200 MiB: $(mib w2.gateway) MiB" "${peak[w2.gateway]} < 200 * 1024"
