#!/usr/bin/env bash
# Benchmark (not a test): uploads the same data through the gateway (HTTP PUT with curl) and directly to the same
# FTP server (curl -T ftp://), through the gateway's multipart form (POST /upload, the seed's protocol) and through
# rclone (`rclone serve webdav` over an FTP remote on the same target), then prints per proxy process and workload
# the wall time, MB/s or files/s, CPU-s per GiB (or per 1000 files) and peak RSS, checked against the targets of
# issue 15 (docs/benchmark.md). The gateway starts as the README says: java -jar, no JVM flags.
#   W1  one 1 GiB file
#   W2  32 x 32 MiB files, 8 at a time
#   W3  2000 x 4 KiB files, 16 at a time
#   W1's floor: deploy/bench/w1-floor.py, the least an upload with a SHA-256 and a spool file costs (one process, no
#       checks), through the same FTP target
#   R1  W1's file read back: GET /files through the gateway against curl's own RETR from the same server, rclone's
#       GET and the cheapest possible hop (deploy/bench/plain-hop.py: RETR spliced to the client, nothing else)
# Every landed file is compared by SHA-256 with its source, so a broken transfer can never report a speed.
# MB = 10^6 bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  cat <<'EOF'
usage: deploy/bench/bench.sh [--quick] [--target embedded|ftp-node|vsftpd] [--runs N] [--connections N]
                             [--http-instances N] [--xmx SIZE] [--no-rclone]
  --quick              smaller data (W1 256 MiB, W2 16 x 16 MiB, W3 500 x 4 KiB) and 1 run
  --target embedded    (default) the gateway's embedded Apache FtpServer, user demo/demo from
                       conf/ftp-users.properties; the JVM measured for RSS and CPU runs the FTP server too
  --target ftp-node    the same Apache FtpServer and account in a second JVM of the jar with only the ftp role:
                       the JVM measured for RSS and CPU runs the gateway only
  --target vsftpd      a vsftpd started by the script (as the reference figures were measured; needs root and
                       /usr/sbin/vsftpd); the gateway JVM runs the gateway only
  --runs N             repeat every case N times and report the median (default 3, --quick 1)
  --connections N      relay.connections for the gateway (default: the gateway's default)
  --http-instances N   http.instances for the gateway (default: the gateway's default)
  --xmx SIZE           gateway heap (default: none given, so the jar's own defaults apply: ftpgw.lifecycle.JvmDefaults)
  --no-rclone          skip the rclone cases (default: measured when rclone is installed)
  --jar PATH           the gateway jar to measure (default target/gateway-fat.jar, built when missing)
  --only upload|read|small
                       only the upload workloads (W1-W3), only the download one (R1) or only the
                       small-files upload W3; default upload and read
  --w1-mib N           size of W1's (and R1's) file in MiB (default 1024, --quick 256)
  --w3-warmup N        N more W3 rounds through the gateway (PUT and form, 16 connections) before the timed runs, to
                       measure a gateway whose JIT has settled (default 0: the W3 warm-up is one round of 4 clients)
Needs: java 17, curl, openssl, rclone (else its cases are skipped); mvn when target/gateway-fat.jar is missing.
Environment: BENCH_JAVA_OPTS (extra JVM options for the gateway, e.g. a JFR recording), BENCH_KEEP=1 (keep the
temporary folder with the data, the logs and confs).
EOF
}

quick=0 runs="" connections="" instances="" xmx="" target=embedded jar=target/gateway-fat.jar only=all w1_mib="" rclone=1 w3_warmup=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --target) target="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --http-instances) instances="$2"; shift ;;
    --xmx) xmx="$2"; shift ;;
    --jar) jar="$2"; shift ;;
    --only) only="$2"; shift ;;
    --w1-mib) w1_mib="$2"; shift ;;
    --w3-warmup) w3_warmup="$2"; shift ;;
    --no-rclone) rclone=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$target" in
  embedded | ftp-node | vsftpd) ;;
  *) echo "bench: --target is embedded, ftp-node or vsftpd" >&2; exit 2 ;;
esac

MiB=$((1 << 20))
if [ "$quick" = 1 ]; then
  w1_bytes=$((256 * MiB)) w2_count=16 w2_bytes=$((16 * MiB)) w3_count=500 runs=${runs:-1}
else
  w1_bytes=$((1024 * MiB)) w2_count=32 w2_bytes=$((32 * MiB)) w3_count=2000 runs=${runs:-3}
fi
[ -n "$w1_mib" ] && w1_bytes=$((w1_mib * MiB))
case "$only" in all|upload|read|small) ;; *) echo "bench: --only is upload, read or small" >&2; exit 2 ;; esac
w2_parallel=8 w3_parallel=16 w3_bytes=4096
w3_login_count=$w3_count
[ "$target" = vsftpd ] && w3_login_count=$((w3_count < 200 ? w3_count : 200))
host=127.0.0.1

for tool in java curl openssl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
if [ "$jar" = target/gateway-fat.jar ] && [ ! -f "$jar" ]; then
  echo "bench: building target/gateway-fat.jar"
  mvn -B -ntp -q -DskipTests package
fi
[ -f "$jar" ] || { echo "bench: no such jar: $jar" >&2; exit 1; }
command -v rclone >/dev/null || rclone=0

work=$(mktemp -d /tmp/ftpgw-bench.XXXXXX)
chmod 711 "$work" # vsftpd enters its jail below as the FTP user
gateway_pid="" launcher_pid="" vsftpd_pid="" ftp_node_pid="" rclone_pid="" hop_pid="" floor_pid=""
stop() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    # vsftpd forks a process per session: stop those too
    pkill -TERM -P "$1" 2>/dev/null || true
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$launcher_pid"
  stop "$gateway_pid"
  stop "$rclone_pid"
  stop "$hop_pid"
  stop "$floor_pid"
  stop "$vsftpd_pid"
  stop "$ftp_node_pid"
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench: $*" >&2
  for log in gateway.log vsftpd.out ftp-node.log; do
    if [ -s "$work/$log" ]; then
      echo "--- last lines of $log:" >&2
      tail -n 20 "$work/$log" >&2
    fi
  done
  exit 1
}

now_ns() { date +%s%N; }

# ---------------------------------------------------------------- data
# Random bytes from AES-CTR: /dev/urandom is 5x slower and would dominate the set-up time. head closes the pipe, so
# openssl ends on SIGPIPE: not an error.
random_bytes() {
  { openssl enc -aes-128-ctr -pbkdf2 -nosalt -pass "pass:ftpgw-bench-$2" </dev/zero 2>/dev/null || true; } | head -c "$1"
}

# Every workload is a list of names ($work/<w>.names) in a source folder (src_of) with their SHA-256 ($work/<w>.sums).
src_of() { if [ "$1" = w3login ]; then echo "$work/src/w3"; else echo "$work/src/$1"; fi; }

make_data() {
  mkdir -p "$work/src/w1" "$work/src/w2" "$work/src/w3"
  [ "$only" = small ] && w1_bytes=1
  random_bytes "$w1_bytes" w1 >"$work/src/w1/w1.bin"
  [ "$only" = read ] && w2_count=1 w2_bytes=1 w3_count=1 w3_login_count=1 # R1 needs W1's file only
  [ "$only" = small ] && w2_count=1 w2_bytes=1 # W3 needs no large files
  random_bytes $((w2_count * w2_bytes)) w2 | (cd "$work/src/w2" && split -a 3 -d -b "$w2_bytes" --additional-suffix=.bin - w2-)
  random_bytes $((w3_count * w3_bytes)) w3 | (cd "$work/src/w3" && split -a 5 -d -b "$w3_bytes" --additional-suffix=.bin - w3-)
  for w in w1 w2 w3; do (cd "$work/src/$w" && ls >"$work/$w.names"); done
  head -n "$w3_login_count" "$work/w3.names" >"$work/w3login.names"
  for w in w1 w2 w3 w3login; do
    (cd "$(src_of $w)" && xargs openssl dgst -sha256 -r <"$work/$w.names" >"$work/$w.sums")
  done
}

# ---------------------------------------------------------------- FTP target
# The FTP root every upload lands under (direct and through the gateway), and curl's login for direct uploads.
ftp_root="$work/ftp"
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return; }
  done
}

# The same local account as src/test/java/ftpgw/testing/VsftpdAccount.java: created once per machine, its random
# password in a root-only file (read by the gateway through relay.target.passwordFile, never printed).
vsftpd_state=/var/lib/ftpgw-test vsftpd_user=ftpgw-vsftpd
ensure_vsftpd_account() {
  [ "$(id -u)" = 0 ] || die "--target vsftpd needs root (vsftpd and its local user)"
  [ -x /usr/sbin/vsftpd ] || die "vsftpd is not installed: run deploy/setup.sh"
  mkdir -p "$vsftpd_state"
  chmod 711 "$vsftpd_state"
  if ! getent passwd "$vsftpd_user" >/dev/null; then
    useradd --create-home --home-dir "$vsftpd_state/$vsftpd_user-home" --shell /bin/sh \
      --comment "ftpgw vsftpd tests" "$vsftpd_user"
    rm -f "$vsftpd_state/$vsftpd_user.password"
  fi
  if [ ! -s "$vsftpd_state/$vsftpd_user.password" ]; then
    local password
    password=$(openssl rand -base64 18 | tr '+/' '-_' | tr -d '=')
    echo "$vsftpd_user:$password" | chpasswd
    (umask 077 && echo "$password" >"$vsftpd_state/$vsftpd_user.password")
  fi
}

start_vsftpd() {
  ensure_vsftpd_account
  mkdir -p "$ftp_root" "$work/empty"
  chown "$vsftpd_user:" "$ftp_root"
  ftp_port=$(free_port)
  local pasv_from
  pasv_from=$(free_port)
  cat >"$work/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$host
listen_port=$ftp_port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
local_root=$ftp_root
pasv_enable=YES
pasv_address=$host
pasv_min_port=$pasv_from
pasv_max_port=$((pasv_from + 199))
seccomp_sandbox=NO
isolate_network=NO
secure_chroot_dir=$work/empty
pam_service_name=vsftpd
userlist_enable=NO
max_per_ip=0
max_clients=0
xferlog_enable=NO
vsftpd_log_file=$work/vsftpd.log
EOF
  /usr/sbin/vsftpd "$work/vsftpd.conf" >"$work/vsftpd.out" 2>&1 &
  vsftpd_pid=$!
  local deadline=$((SECONDS + 15)) banner=""
  until [[ "$banner" == 220* ]]; do
    kill -0 "$vsftpd_pid" 2>/dev/null || die "vsftpd exited during start-up"
    [ $SECONDS -lt $deadline ] || die "vsftpd did not greet with 220 within 15 s"
    sleep 0.1
    banner=$( (exec 3<>"/dev/tcp/$host/$ftp_port" && read -r -t 2 line <&3 && echo "$line") 2>/dev/null || true)
  done
  ftp_login="$vsftpd_user" ftp_password=$(cat "$vsftpd_state/$vsftpd_user.password")
}

# The embedded FTP server's settings (the demo account of conf/ftp-users.properties), on a free passive range.
embedded_ftp_server() {
  local pasv_from
  pasv_from=$(free_port)
  echo "\"enabled\": true, \"host\": \"$host\", \"port\": 0, \"root\": \"$ftp_root\",
    \"usersFile\": \"$PWD/conf/ftp-users.properties\", \"passivePorts\": \"$pasv_from-$((pasv_from + 199))\""
}

# Waits until JVM $1 has written a line matching sed pattern $3 (the port as \1) into log $2; prints the port.
logged_port() {
  local deadline=$((SECONDS + 60)) port=""
  while [ -z "$port" ]; do
    kill -0 "$1" 2>/dev/null || die "$(basename "$2" .log) exited during start-up"
    [ $SECONDS -lt $deadline ] || die "$(basename "$2" .log) did not start within 60 s"
    port=$(sed -n "s|$3|\1|p" "$2" | head -n 1)
    sleep 0.1
  done
  echo "$port"
}

# A second JVM of the same jar with only the ftp role: the embedded FTP server on its own.
start_ftp_node() {
  mkdir -p "$ftp_root"
  cat >"$work/ftp-node.json" <<EOF
{
  "roles": ["ftp"],
  "http": { "host": "$host", "port": 0 },
  "ftpServer": { $(embedded_ftp_server) }
}
EOF
  java -jar "$jar" -conf "$work/ftp-node.json" >"$work/ftp-node.log" 2>&1 &
  ftp_node_pid=$!
  ftp_port=$(logged_port "$ftp_node_pid" "$work/ftp-node.log" '.*Embedded FTP server listening on [^:]*:\([0-9]*\).*')
  (umask 077 && echo demo >"$work/demo.password")
}

# ---------------------------------------------------------------- gateway
start_gateway() {
  local spool="$work/spool"
  mkdir -p "$ftp_root" "$spool"
  local http_tuning="" relay_tuning="" ftp_server relay_target=""
  [ -n "$instances" ] && http_tuning=", \"instances\": $instances"
  [ -n "$connections" ] && relay_tuning="\"connections\": $connections"
  if [ "$target" = embedded ]; then
    ftp_server=$(embedded_ftp_server)
  else
    local user=$vsftpd_user password_file=$vsftpd_state/$vsftpd_user.password
    [ "$target" = ftp-node ] && user=demo password_file=$work/demo.password
    ftp_server="\"enabled\": false"
    relay_target="\"target\": { \"host\": \"$host\", \"port\": $ftp_port, \"user\": \"$user\",
      \"passwordFile\": \"$password_file\" }"
    [ -n "$relay_tuning" ] && relay_target+=","
  fi
  cat >"$work/gateway.json" <<EOF
{
  "http": { "host": "$host", "port": 0 $http_tuning },
  "spool": { "dir": "$spool" },
  "relay": { $relay_target $relay_tuning },
  "ftpServer": { $ftp_server }
}
EOF
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options
  java ${xmx:+-Xmx"$xmx"} ${BENCH_JAVA_OPTS:-} -jar "$jar" -conf "$work/gateway.json" >"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  http_port=$(logged_port "$gateway_pid" "$work/gateway.log" '.*HTTP uploads on http://[^:]*:\([0-9]*\).*')
  # started without JVM settings, the jar runs the gateway in a child JVM with its defaults: measure that one
  local child
  child=$(pgrep -P "$gateway_pid" java | head -n 1 || true)
  if [ -n "$child" ]; then
    launcher_pid=$gateway_pid gateway_pid=$child
  fi
  if [ "$target" = embedded ]; then
    ftp_port=$(sed -n 's|.*Embedded FTP server listening on [^:]*:\([0-9]*\).*|\1|p' "$work/gateway.log" | head -n 1)
    [ -n "$ftp_port" ] || die "cannot find the embedded FTP server's port in the gateway log"
  fi
  if [ "$target" != vsftpd ]; then
    ftp_login=demo ftp_password=demo
  fi
  gw_url="http://$host:$http_port/files/bench/gw"
  form_url="http://$host:$http_port/upload"
  ftp_url="ftp://$host:$ftp_port/bench/ftp"
  # curl reads the FTP login from here, so that no password shows in the process list
  (umask 077 && echo "machine $host login $ftp_login password $ftp_password" >"$work/netrc")
}

# rclone's WebDAV server over an FTP remote on the same target and account (the issue's comparison), from env config.
start_rclone() {
  local password
  if [ "$target" = vsftpd ]; then password=$(cat "$vsftpd_state/$vsftpd_user.password"); else password=$ftp_password; fi
  rclone_port=$(free_port)
  RCLONE_CONFIG_BENCHFTP_TYPE=ftp RCLONE_CONFIG_BENCHFTP_HOST=$host RCLONE_CONFIG_BENCHFTP_PORT=$ftp_port \
    RCLONE_CONFIG_BENCHFTP_USER=$ftp_login RCLONE_CONFIG_BENCHFTP_PASS=$(rclone obscure "$password") \
    rclone serve webdav benchftp: --addr "$host:$rclone_port" --config /dev/null >"$work/rclone.log" 2>&1 &
  rclone_pid=$!
  local deadline=$((SECONDS + 30))
  until curl -s -o /dev/null "http://$host:$rclone_port/"; do
    kill -0 "$rclone_pid" 2>/dev/null || die "rclone exited during start-up"
    [ $SECONDS -lt $deadline ] || die "rclone did not start within 30 s"
    sleep 0.2
  done
  rc_url="http://$host:$rclone_port/bench/rc"
}

# Starts deploy/bench/$1 (a Python floor: w1-floor.py or plain-hop.py) on a free port, in front of the same target
# and account, with the extra arguments $2...; sets floor_script_pid and floor_script_port once it listens.
start_floor_script() {
  local script=$1
  shift
  (umask 077 && echo "$ftp_password" >"$work/ftp.password")
  floor_script_port=$(free_port)
  python3 "$(dirname "$0")/$script" "$floor_script_port" "$host" "$ftp_port" "$ftp_login" "$work/ftp.password" "$@" \
    >"$work/${script%.py}.log" 2>&1 &
  floor_script_pid=$!
  local deadline=$((SECONDS + 15))
  until (exec 3<>"/dev/tcp/$host/$floor_script_port") 2>/dev/null; do
    kill -0 "$floor_script_pid" 2>/dev/null || die "$script exited during start-up"
    [ $SECONDS -lt $deadline ] || die "$script did not listen within 15 s"
    sleep 0.1
  done
}

# W1's floor, with a spool folder of its own.
start_floor() {
  mkdir -p "$work/floor-spool"
  start_floor_script w1-floor.py "$work/floor-spool"
  floor_pid=$floor_script_pid floor_url="http://$host:$floor_script_port"
}

# R1's floor: the plain hop.
start_hop() {
  start_floor_script plain-hop.py
  hop_pid=$floor_script_pid hop_port=$floor_script_port
}

# WebDAV needs a PUT's folders to exist: MKCOL each level of URL $1 under rclone's root (405 when one exists).
rc_mkdirs() {
  local path=${1#"http://$host:$rclone_port"} dir=""
  IFS=/ read -ra parts <<<"${path#/}"
  for part in "${parts[@]}"; do
    dir+="/$part"
    curl -s -o /dev/null -X MKCOL "http://$host:$rclone_port$dir" || true
  done
}

# The process a case measures: the gateway JVM, or rclone for its cases (run_case's callers set it).
measured=""
# VmHWM is the peak RSS since the last reset (writing 5 to clear_refs, Linux >= 4.0, needs the same user or root).
hwm_resettable=1
reset_peak_rss() { echo 5 2>/dev/null >"/proc/$measured/clear_refs" || hwm_resettable=0; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$measured/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$measured/stat"; }
# the whole machine's busy time (user, nice, system, irq, softirq), in the same clock ticks: every process of a case
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# ---------------------------------------------------------------- cases
# Every uploader prints one HTTP/FTP status line per file into $codes; the case fails unless all are 201 / 226.
curl_opts=(-sS --fail -o /dev/null -w '%{response_code}\n' --ftp-create-dirs)

# Uploads every file of workload $1 with one curl process per file, $2 at a time, to URL base $3.
per_file() {
  [ -z "${rc_url:-}" ] || [[ "$3" != "$rc_url"* ]] || rc_mkdirs "$3"
  (cd "$(src_of "$1")" && xargs -P "$2" -I{} curl "${curl_opts[@]}" --netrc-file "$work/netrc" -T {} "$3/{}" \
    <"$work/$1.names")
}

# Uploads every file of workload $1 with $2 curl processes, each uploading its share over one connection, to $3/.
per_connection() {
  [ -z "${rc_url:-}" ] || [[ "$3" != "$rc_url"* ]] || rc_mkdirs "$3"
  local i names pids=()
  for ((i = 0; i < $2; i++)); do
    names=$(awk -v n="$2" -v i="$i" 'NR % n == i' "$work/$1.names" | paste -sd, -)
    [ -n "$names" ] || continue
    (cd "$(src_of "$1")" && curl "${curl_opts[@]}" --netrc-file "$work/netrc" -T "{$names}" "$3/") &
    pids+=($!)
  done
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

# The seed's form (POST /upload, field file, field path = the folder) for every file of workload $1, $2 curl processes
# per file at a time, into folder $3.
form_per_file() {
  (cd "$(src_of "$1")" && xargs -P "$2" -I{} curl "${curl_opts[@]}" -F "file=@{}" -F "path=$3" "$form_url" \
    <"$work/$1.names")
}

# The same with $2 curl processes, each posting its share over one kept-alive connection (--next between forms).
form_per_connection() {
  local i pids=() args
  for ((i = 0; i < $2; i++)); do
    args=()
    local file
    while read -r file; do
      [ ${#args[@]} = 0 ] || args+=(--next)
      args+=("${curl_opts[@]}" -F "file=@$file" -F "path=$3" "$form_url")
    done < <(awk -v n="$2" -v i="$i" 'NR % n == i' "$work/$1.names")
    [ ${#args[@]} -gt 0 ] || continue
    (cd "$(src_of "$1")" && curl "${args[@]}") &
    pids+=($!)
  done
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

# Checks what landed in folder $2 (relative to the FTP root) against workload $1's sources, then removes it.
verify_and_clear() {
  local landed="$ftp_root/$2"
  [ -d "$landed" ] || die "$2: nothing landed"
  local count expected
  count=$(find "$landed" -type f | wc -l)
  expected=$(wc -l <"$work/$1.names")
  [ "$count" = "$expected" ] || die "$2: $count files landed, expected $expected"
  (cd "$landed" && xargs openssl dgst -sha256 -r <"$work/$1.names") | cmp -s - "$work/$1.sums" \
    || die "$2: SHA-256 of the landed files differs from the sources"
  local stray
  stray=$(find "$ftp_root" -name '.ftpgw-*.part' | head -n 3)
  [ -z "$stray" ] || die "temporary files left on the FTP server: $stray"
  # files only: the tus store keeps its (empty) folder in the spool
  stray=$(find "$work/spool" -type f | head -n 3)
  [ -z "$stray" ] || die "files left in the spool: $stray"
  rm -rf "$landed"
  # start every case with no dirty pages: the disk's writeback of an earlier case must not be billed to this one
  sync
}

declare -A wall peak cpu busy
# run_case NAME WORKLOAD LANDING_FOLDER EXPECTED_CODE COMMAND...
run_case() {
  local name=$1 workload=$2 folder=$3 code=$4
  shift 4
  local codes="$work/codes" t0 t1 c0 c1 b0 b1
  reset_peak_rss
  c0=$(cpu_ticks)
  b0=$(busy_ticks)
  t0=$(now_ns)
  "$@" >"$codes" || die "$name: an upload failed (curl's messages above)"
  t1=$(now_ns)
  c1=$(cpu_ticks)
  b1=$(busy_ticks)
  local bad
  bad=$(grep -cv "^$code\$" "$codes" || true)
  [ "$bad" = 0 ] || die "$name: $bad uploads were not answered $code: $(grep -v "^$code\$" "$codes" | sort | uniq -c | tr '\n' ' ')"
  [ "$(wc -l <"$codes")" = "$(wc -l <"$work/$workload.names")" ] \
    || die "$name: $(wc -l <"$codes") answers for $(wc -l <"$work/$workload.names") files"
  wall[$name]+="$(((t1 - t0) / 1000000)) "
  cpu[$name]+="$((c1 - c0)) "
  busy[$name]+="$((b1 - b0)) "
  local kib
  kib=$(peak_rss_kib)
  [ -z "${peak[$name]:-}" ] || [ "$kib" -gt "${peak[$name]}" ] && peak[$name]=$kib
  verify_and_clear "$workload" "$folder"
  printf '  %-14s run %d: %6d ms, %5.1f CPU-s, peak RSS %4d MiB\n' "$name" "$run" $(((t1 - t0) / 1000000)) \
    "$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')" $((kib / 1024))
}

# R1: reads W1's file (placed once on the FTP server) with one curl, $2 = URL; prints "<status> <bytes>". The bytes
# go to /dev/null: the warm-up checks them by SHA-256 once, the timed runs by size.
read_once() {
  curl -sS --fail --netrc-file "$work/netrc" -o /dev/null -w '%{response_code} %{size_download}\n' "$1"
}

# run_read_case NAME URL EXPECTED_CODE [tolerant]: as run_case, for a download; tolerant: a failed download is
# reported and its run left out instead of ending the benchmark
run_read_case() {
  local name=$1 url=$2 code=$3 t0 t1 c0 c1 kib
  reset_peak_rss
  c0=$(cpu_ticks)
  t0=$(now_ns)
  if ! read_once "$url" >"$work/codes"; then
    [ "${4:-}" = tolerant ] || die "$name: the download failed (curl's messages above)"
    printf '  %-14s run %d: failed (curl'"'"'s message above), left out\n' "$name" "$run"
    return 0
  fi
  t1=$(now_ns)
  c1=$(cpu_ticks)
  grep -qx "$code $w1_bytes" "$work/codes" || die "$name: expected '$code $w1_bytes', got '$(cat "$work/codes")'"
  wall[$name]+="$(((t1 - t0) / 1000000)) "
  cpu[$name]+="$((c1 - c0)) "
  kib=$(peak_rss_kib)
  [ -z "${peak[$name]:-}" ] || [ "$kib" -gt "${peak[$name]}" ] && peak[$name]=$kib
  printf '  %-14s run %d: %6d ms\n' "$name" "$run" $(((t1 - t0) / 1000000))
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# ---------------------------------------------------------------- run
echo "ftpgw benchmark: W1 1 x $((w1_bytes / MiB)) MiB, W2 $w2_count x $((w2_bytes / MiB)) MiB x$w2_parallel," \
  "W3 $w3_count x 4 KiB x$w3_parallel; target $target; $runs run(s), median; $jar ${xmx:+-Xmx$xmx}" \
  "$([ -z "$xmx" ] && echo "(no JVM flags)"); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "preparing data in $work"
make_data
[ "$target" = vsftpd ] && start_vsftpd
[ "$target" = ftp-node ] && start_ftp_node
start_gateway
echo "gateway pid $gateway_pid on $host:$http_port, FTP target ($target) $host:$ftp_port; gateway conf:"
sed 's/^/  /' "$work/gateway.json"
read_gw_url="http://$host:$http_port/files/read/w1.bin" read_ftp_url="ftp://$host:$ftp_port/read/w1.bin"
# R1's file goes on the FTP server before rclone starts: rclone caches the folders it has listed (5 min)
if [ "$only" = read ] || [ "$only" = all ]; then
  curl -sS --fail --netrc-file "$work/netrc" --ftp-create-dirs -T "$work/src/w1/w1.bin" "$read_ftp_url" \
    || die "cannot place R1's file on the FTP server"
fi
if [ "$rclone" = 1 ]; then
  start_rclone
  echo "rclone serve webdav pid $rclone_pid on $host:$rclone_port ($(rclone version | head -n 1))"
fi

# a warm-up of the small- and the large-file paths, so that JIT compilation is not billed to the first runs. W1 goes
# through the gateway 3 times: its CPU time per GiB kept falling over the first 3-4 large uploads (C2 and G1's sizing
# of a 128 MiB heap under ~300 MB/s of allocation), from 5.6 to 3.7 s.
echo "warming up (W3 and W2 once each way, W1 3 times through the gateway and once each other way$([ "$w3_warmup" = 0 ] || echo ", W3 $w3_warmup more times through the gateway"))"
if [ "$only" != read ]; then
for url in "$gw_url" "$ftp_url" ${rc_url:-}; do
  per_connection w3 4 "$url/warm3" >/dev/null || die "the warm-up failed ($url)"
  [ "$only" = small ] || per_file w2 "$w2_parallel" "$url/warm2" >/dev/null || die "the warm-up failed ($url)"
done
form_per_connection w3 4 bench/form/warm3 >/dev/null || die "the warm-up failed (form)"
for ((i = 0; i < w3_warmup; i++)); do
  per_connection w3 "$w3_parallel" "$gw_url/warm3" >/dev/null || die "the warm-up failed ($gw_url)"
  form_per_connection w3 "$w3_parallel" bench/form/warm3 >/dev/null || die "the warm-up failed (form)"
done
fi
if [ "$only" = upload ] || [ "$only" = all ]; then
form_per_file w2 "$w2_parallel" bench/form/warm2 >/dev/null || die "the warm-up failed (form)"
start_floor
for url in "$gw_url" "$gw_url" "$gw_url" "$ftp_url" ${rc_url:-} "$floor_url/bench/floor"; do
  per_file w1 1 "$url/warm1" >/dev/null || die "the warm-up failed ($url)"
  rm -rf "$ftp_root/bench"
done
form_per_file w1 1 bench/form/warm1 >/dev/null || die "the warm-up failed (form)"
rm -rf "$ftp_root/bench"
fi
if [ "$only" = read ] || [ "$only" = all ]; then
  got=$(curl -sS --fail "$read_gw_url" | openssl dgst -sha256 -r | cut -d' ' -f1)
  [ "$got" = "$(cut -d' ' -f1 "$work/w1.sums")" ] || die "R1: the file read through the gateway differs"
  start_hop
  read_hop_url="http://$host:$hop_port/read/w1.bin" read_rc_url=""
  [ "$rclone" = 1 ] && read_rc_url="http://$host:$rclone_port/read/w1.bin"
  for url in "$read_hop_url" ${read_rc_url:-}; do
    got=$(curl -sS --fail "$url" | openssl dgst -sha256 -r | cut -d' ' -f1) || die "R1: $url failed"
    [ "$got" = "$(cut -d' ' -f1 "$work/w1.sums")" ] || die "R1: the file read through $url differs"
  done
  for url in "$read_gw_url" "$read_gw_url" "$read_ftp_url" "$read_hop_url"; do read_once "$url" >/dev/null; done
fi
sync

rc_case() { if [ "$rclone" = 1 ]; then measured=$rclone_pid run_case "$@"; measured=$gateway_pid; fi; }
measured=$gateway_pid
for ((run = 1; run <= runs; run++)); do
  [ "$only" != read ] || continue
  if [ "$only" != small ]; then
  run_case w1.direct w1 bench/ftp/w1 226 per_file w1 1 "$ftp_url/w1"
  run_case w1.put w1 bench/gw/w1 201 per_file w1 1 "$gw_url/w1"
  run_case w1.form w1 bench/form/w1 201 form_per_file w1 1 bench/form/w1
  rc_case w1.rclone w1 bench/rc/w1 201 per_file w1 1 "${rc_url:-}/w1"
  measured=$floor_pid run_case w1.floor w1 bench/floor/w1 201 per_file w1 1 "$floor_url/bench/floor/w1"
  measured=$gateway_pid
  run_case w2.direct w2 bench/ftp/w2 226 per_file w2 "$w2_parallel" "$ftp_url/w2"
  run_case w2.put w2 bench/gw/w2 201 per_file w2 "$w2_parallel" "$gw_url/w2"
  run_case w2.form w2 bench/form/w2 201 form_per_file w2 "$w2_parallel" bench/form/w2
  rc_case w2.rclone w2 bench/rc/w2 201 per_file w2 "$w2_parallel" "${rc_url:-}/w2"
  fi
  run_case w3.direct w3 bench/ftp/w3 226 per_connection w3 "$w3_parallel" "$ftp_url/w3"
  run_case w3.put w3 bench/gw/w3 201 per_connection w3 "$w3_parallel" "$gw_url/w3"
  run_case w3.form w3 bench/form/w3 201 form_per_connection w3 "$w3_parallel" bench/form/w3
  rc_case w3.rclone w3 bench/rc/w3 201 per_connection w3 "$w3_parallel" "${rc_url:-}/w3"
done
# R1 after every upload case: the memory a download leaves in the JVM does not count against the uploads' peaks
for ((run = 1; run <= runs; run++)); do
  [ "$only" = read ] || [ "$only" = all ] || continue
  run_read_case r1.direct "$read_ftp_url" 226
  run_read_case r1.gateway "$read_gw_url" 200
  measured=$hop_pid run_read_case r1.hop "$read_hop_url" 200
  # rclone's own failures (it breaks a download off now and then) leave its row out instead of the whole run
  [ -z "$read_rc_url" ] || measured=$rclone_pid run_read_case r1.rclone "$read_rc_url" 200 tolerant
  measured=$gateway_pid
done

# ---------------------------------------------------------------- report
ticks=$(getconf CLK_TCK)
ms() { median "${wall[$1]:-}"; }
# (a case not measured, e.g. rclone's with --no-rclone, prints 0: its row is left out)
mbs() { awk -v b="$2" -v ms="$(ms "$1")" 'BEGIN {printf "%.0f", ms ? b / 1e6 / (ms / 1000) : 0}'; }
fps() { awk -v n="$2" -v ms="$(ms "$1")" 'BEGIN {printf "%.0f", ms ? n / (ms / 1000) : 0}'; }
mib() { awk -v k="${peak[$1]:-0}" 'BEGIN {printf "%.0f", k / 1024}'; }
# CPU seconds of the measured process per GiB ($2 bytes) or per 1000 files ($2 files)
per_gib() { awk -v t="$(median "${cpu[$1]:-}")" -v hz="$ticks" -v b="$2" 'BEGIN {printf "%.2f", t / hz / (b / 2^30)}'; }
per_k() { awk -v t="$(median "${cpu[$1]:-}")" -v hz="$ticks" -v n="$2" 'BEGIN {printf "%.2f", t / hz / (n / 1000)}'; }
has() { [ -n "${wall[$1]:-}" ]; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo
if [ "$only" = read ] || [ "$only" = all ]; then
  r1_gw=$(mbs r1.gateway "$w1_bytes") r1_ftp=$(mbs r1.direct "$w1_bytes")
  echo "Downloads, target $target (median of $runs; MB = 10^6 bytes):"
  printf '%-42s %9s %12s %9s %9s %12s\n' "case" "wall ms" "speed" "/direct" "RSS MiB" "CPU"
  printf '%-42s %9s %12s %9s %9s %12s\n' "R1 direct   curl ftp:// RETR" "$(ms r1.direct)" "$r1_ftp MB/s" "" \
    "–" "–"
  printf '%-42s %9s %12s %9s %9s %12s\n' "R1 gateway  curl GET /files" "$(ms r1.gateway)" "$r1_gw MB/s" \
    "$(ratio "$r1_gw" "$r1_ftp")" "$(mib r1.gateway)" "$(per_gib r1.gateway "$w1_bytes")/GiB"
  r1_hop=$(mbs r1.hop "$w1_bytes")
  printf '%-42s %9s %12s %9s %9s %12s\n' "R1 plain hop  RETR spliced to curl" "$(ms r1.hop)" "$r1_hop MB/s" \
    "$(ratio "$r1_hop" "$r1_ftp")" "$(mib r1.hop)" "$(per_gib r1.hop "$w1_bytes")/GiB"
  if has r1.rclone; then
    printf '%-42s %9s %12s %9s %9s %12s\n' "R1 rclone   curl GET (serve webdav)" "$(ms r1.rclone)" \
      "$(mbs r1.rclone "$w1_bytes") MB/s" "$(ratio "$(mbs r1.rclone "$w1_bytes")" "$r1_ftp")" "$(mib r1.rclone)" \
      "$(per_gib r1.rclone "$w1_bytes")/GiB"
  fi
  echo "  gateway / plain hop: $(ratio "$r1_gw" "$r1_hop")"
  awk "BEGIN {exit !($r1_gw >= 0.8 * $r1_ftp)}" && echo "  PASS  R1 gateway >= 0.8x direct RETR" \
    || echo "  FAIL  R1 gateway >= 0.8x direct RETR: $r1_gw vs $r1_ftp MB/s"
fi
[ "$only" != read ] || exit 0

w1_total=$w1_bytes w2_total=$((w2_count * w2_bytes))
echo
echo "Results, target $target (median of $runs; MB = 10^6 bytes; CPU = utime + stime of the proxy process: the" \
  "gateway JVM$([ "$target" = embedded ] && echo " (FTP server included)") or rclone; RSS = its peak during the case)"
printf '%-40s %9s %14s %16s %8s\n' "case" "wall ms" "speed" "proxy CPU-s" "RSS MiB"
row() { has "$2" && printf '%-40s %9s %14s %16s %8s\n' "$1" "$(ms "$2")" "$3" "$4" "$(mib "$2")" || true; }
for w in w1 w2; do
  [ "$only" != small ] || continue
  total=$w1_total label="W1 1 x $((w1_bytes / MiB)) MiB"
  [ "$w" = w2 ] && total=$w2_total label="W2 $w2_count x $((w2_bytes / MiB)) MiB x$w2_parallel"
  row "$label direct curl -T ftp://" "$w.direct" "$(mbs "$w.direct" "$total") MB/s" "$(per_gib "$w.direct" "$total")/GiB*"
  row "$label gateway PUT /files" "$w.put" "$(mbs "$w.put" "$total") MB/s" "$(per_gib "$w.put" "$total")/GiB"
  row "$label gateway POST /upload" "$w.form" "$(mbs "$w.form" "$total") MB/s" "$(per_gib "$w.form" "$total")/GiB"
  row "$label rclone serve webdav" "$w.rclone" "$(mbs "$w.rclone" "$total") MB/s" "$(per_gib "$w.rclone" "$total")/GiB"
  row "$label floor (w1-floor.py)" "$w.floor" "$(mbs "$w.floor" "$total") MB/s" "$(per_gib "$w.floor" "$total")/GiB"
done
label="W3 $w3_count x 4 KiB, $w3_parallel kept conns"
row "$label direct" w3.direct "$(fps w3.direct "$w3_count") files/s" "$(per_k w3.direct "$w3_count")/1000*"
row "$label PUT" w3.put "$(fps w3.put "$w3_count") files/s" "$(per_k w3.put "$w3_count")/1000"
row "$label form" w3.form "$(fps w3.form "$w3_count") files/s" "$(per_k w3.form "$w3_count")/1000"
has w3.rclone && row "$label rclone" w3.rclone "$(fps w3.rclone "$w3_count") files/s" "$(per_k w3.rclone "$w3_count")/1000"
echo "(* direct: the gateway JVM's CPU and RSS while it is idle$([ "$target" = embedded ] && echo " or serves FTP"))"
if has w3.put; then
  # what a file costs the whole machine (clients, FTP server, kernel, gateway): the rate a free gateway would reach
  w3_machine=$(awk -v t="$(median "${busy[w3.put]}")" -v hz="$ticks" -v n="$w3_count" 'BEGIN {printf "%.2f", t / hz / (n / 1000)}')
  w3_rest=$(awk -v m="$w3_machine" -v g="$(per_k w3.put "$w3_count")" 'BEGIN {printf "%.2f", m - g}')
  echo "W3 PUT: the machine spent $w3_machine CPU-s per 1000 files, $w3_rest of them outside the gateway (curl, the FTP" \
    "server, the kernel): with a gateway that cost nothing, $(nproc) cores would take at most" \
    "$(awk -v r="$w3_rest" -v c="$(nproc)" 'BEGIN {printf "%.0f", (r > 0 ? c * 1000 / r : 0)}') files/s"
fi
[ "$hwm_resettable" = 1 ] || echo "(RSS: /proc/PID/clear_refs was not writable: peaks are since the process started)"

check() { if awk "BEGIN {exit !($2)}"; then echo "  PASS  $1"; else echo "  FAIL  $1"; fi; }
echo
echo "Targets (issue 15)$([ "$quick" = 1 ] && echo "; --quick sizes, indicative only")$([ "$target" = embedded ] \
  && echo "; the embedded FTP server's CPU is billed to the gateway: use --target vsftpd or ftp-node for CPU"):"
if [ "$only" != small ]; then
w1_put=$(mbs w1.put $w1_total) w1_form=$(mbs w1.form $w1_total)
check "W1 PUT <= 1.2 CPU-s per GiB: $(per_gib w1.put $w1_total)" "$(per_gib w1.put $w1_total) <= 1.2"
has w1.floor && echo "        (W1's floor, SHA-256 and a spool file at their cheapest: $(per_gib w1.floor $w1_total) CPU-s per GiB;" \
  "gateway / floor $(ratio "$(per_gib w1.put $w1_total)" "$(per_gib w1.floor $w1_total)")×)"
if has w1.rclone; then
  check "W1 PUT >= rclone: $w1_put vs $(mbs w1.rclone $w1_total) MB/s" "$w1_put >= $(mbs w1.rclone $w1_total)"
fi
for w in w1 w2; do
  total=$w1_total
  [ "$w" = w2 ] && total=$w2_total
  check "${w^^} form within 10% of PUT: $(mbs "$w.form" "$total") vs $(mbs "$w.put" "$total") MB/s, $(per_gib \
    "$w.form" "$total") vs $(per_gib "$w.put" "$total") CPU-s/GiB" \
    "$(mbs "$w.form" "$total") >= 0.9 * $(mbs "$w.put" "$total") && $(per_gib "$w.form" "$total") <= 1.1 * $(per_gib "$w.put" "$total")"
done
fi
for c in w1.put w1.form w2.put w2.form w3.put w3.form; do
  has "$c" || continue
  check "$c gateway peak RSS <= 200 MiB: $(mib $c) MiB" "${peak[$c]} <= 200 * 1024"
done
check "W3 PUT >= 800 files/s at <= 1 ms CPU per file: $(fps w3.put "$w3_count") files/s, $(per_k w3.put "$w3_count") ms" \
  "$(fps w3.put "$w3_count") >= 800 && $(per_k w3.put "$w3_count") <= 1"
