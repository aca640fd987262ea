#!/usr/bin/env bash
# Benchmark (not a test) of the MPI client: the same 32 x 32 MiB files uploaded through the gateway by an MPJ
# Express job of 1, 2 and 4 ranks (deploy/mpjrun, multicore by default); prints each run's aggregate MB/s (the
# client's total line: bytes that arrived / wall time from broadcast to gather) and the speed-up over 1 rank.
# Every landed file is compared by SHA-256 with its source. MB = 10^6 bytes.
# --split MIB instead: one file of MIB MiB sent whole from 1 rank versus cut across 2 and 4 ranks (--split-above:
# one tus partial per rank, joined by rank 0), each through tus so that only the split differs.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  cat <<'USAGE'
usage: deploy/bench/mpj-bench.sh [--ranks "1 2 4"] [--files 32] [--mib 32] [--runs 1] [--dev multicore|niodev]
                                 [--xmx 256m] [--split MIB]
  the gateway runs as target/gateway-fat.jar (embedded FTP server) on free loopback ports, in a temporary folder
  that is removed at the end (BENCH_KEEP=1 keeps it); both jars are built when missing.
USAGE
}

ranks_list="1 2 4" files=32 mib=32 runs=1 dev=multicore xmx=256m split_mib=
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks_list="$2"; shift ;;
    --files) files="$2"; shift ;;
    --mib) mib="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --dev) dev="$2"; shift ;;
    --xmx) xmx="$2"; shift ;;
    --split) split_mib="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mpj-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [ ! -f target/gateway-fat.jar ] || [ ! -f target/mpj-client.jar ]; then
  echo "mpj-bench: building the jars"
  mvn -B -ntp -q -DskipTests package
fi

work=$(mktemp -d /tmp/ftpgw-mpj-bench.XXXXXX)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill "$gateway_pid"
    wait "$gateway_pid" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "mpj-bench: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 12000))
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return; }
  done
}
http_port=$(free_port) ftp_port=$(free_port) pasv=$(free_port)
cat >"$work/gateway.json" <<JSON
{"http": {"port": $http_port}, "spool": {"dir": "$work/spool"},
 "ftpServer": {"enabled": true, "port": $ftp_port, "root": "$work/ftp", "passivePorts": "$pasv-$((pasv + 99))"}}
JSON
java "-Xmx$xmx" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar target/gateway-fat.jar -conf "$work/gateway.json" \
  >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null || { echo "mpj-bench: gateway did not start" >&2; cat "$work/gateway.log" >&2; exit 1; }

here=$PWD
if [ -n "$split_mib" ]; then
  echo "mpj-bench: writing one file of $split_mib MiB"
  mkdir -p "$work/data"
  head -c "$((split_mib << 20))" /dev/urandom >"$work/data/one.bin"
  source_sha=$(sha256sum "$work/data/one.bin" | cut -d' ' -f1)
  # both through tus (--resume-above 1 MiB), so that the figures differ by the split only; with 1 rank nothing splits
  run_split() { # np label -> prints the client's aggregate MB/s
    local np=$1 label=$2 out="$work/split-$1-$2.log" line
    rm -rf "$work/ftp/bench"
    if ! (cd "$work/data" && MPJRUN_JAVA_OPTS="-Xmx256m" "$here/deploy/mpjrun" -np "$np" -dev "$dev" \
        -jar "$here/target/mpj-client.jar" --gateway "http://127.0.0.1:$http_port" --resume-above 1048576 \
        --split-above 1048576 --resume-state "$work/resume" --progress lines upload one.bin --to bench) >"$out" 2>&1; then
      echo "mpj-bench: the split job with $np ranks failed:" >&2; tail -40 "$out" >&2; exit 1
    fi
    if [ "$(sha256sum "$work/ftp/bench/one.bin" | cut -d' ' -f1)" != "$source_sha" ]; then
      echo "mpj-bench: the landed file differs from its source ($np ranks)" >&2; exit 1
    fi
    line=$(grep '^total: ' "$out")
    echo "  $np ranks, $label: $(grep -c '^rank [0-9]*: part ' "$out" || true) partials; $line" >&2
    sed -E 's/.*: ([0-9.]+) MB\/s aggregate$/\1/' <<<"$line"
  }
  run_split "${ranks_list##* }" "warm-up (not counted)" >/dev/null
  declare -A split_rates
  for run in $(seq 1 "$runs"); do
    for np in $ranks_list; do
      split_rates[$np]+="$(run_split "$np" "run $run") "
    done
  done
  first=${ranks_list%% *}
  first_rate=$(tr ' ' '\n' <<<"${split_rates[$first]}" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
  echo
  echo "MPJ client ($dev), one $split_mib MiB file, whole from 1 rank vs split, $(nproc) cores, median of $runs run(s)"
  printf '%6s %12s %9s\n' ranks "MB/s" "vs whole"
  for np in $ranks_list; do
    r=$(tr ' ' '\n' <<<"${split_rates[$np]}" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
    printf '%6s %12.1f %8.2fx\n' "$np" "$r" "$(awk -v a="$r" -v b="$first_rate" 'BEGIN {print (b > 0 ? a / b : 0)}')"
  done
  exit 0
fi

echo "mpj-bench: writing $files x $mib MiB"
mkdir -p "$work/data/set"
for i in $(seq -w 1 "$files"); do
  head -c "$((mib << 20))" /dev/urandom >"$work/data/set/f$i.bin"
done
(cd "$work/data/set" && sha256sum -- *.bin) | sort >"$work/source.sha256"

# one untimed pass first (otherwise the first figures pay for the gateway's and the FTP server's JIT warm-up), then
# the rank counts round-robin, so that what drifts during the benchmark (page cache, other load) hits them alike
run_job() { # np label -> prints the client's aggregate MB/s
  local np=$1 label=$2 out="$work/run-$1-$2.log" line landed
  rm -rf "$work/ftp/bench"
  if ! (cd "$work/data" && MPJRUN_JAVA_OPTS="-Xmx256m" "$here/deploy/mpjrun" -np "$np" -dev "$dev" \
      -jar "$here/target/mpj-client.jar" --gateway "http://127.0.0.1:$http_port" upload set --to bench) >"$out" 2>&1; then
    echo "mpj-bench: the job with $np ranks failed:" >&2; tail -40 "$out" >&2; exit 1
  fi
  landed=$( (cd "$work/ftp/bench/set" && sha256sum -- *.bin) | sort)
  if [ "$landed" != "$(cat "$work/source.sha256")" ]; then
    echo "mpj-bench: landed files differ from the sources ($np ranks)" >&2; exit 1
  fi
  line=$(grep '^total: ' "$out")
  echo "  $np ranks, $label: $line" >&2
  sed -E 's/.*: ([0-9.]+) MB\/s aggregate$/\1/' <<<"$line"
}
run_job "${ranks_list##* }" "warm-up (not counted)" >/dev/null
declare -A rates
for run in $(seq 1 "$runs"); do
  for np in $ranks_list; do
    rates[$np]+="$(run_job "$np" "run $run") "
  done
done
declare -A rate
for np in $ranks_list; do
  rate[$np]=$(tr ' ' '\n' <<<"${rates[$np]}" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
done

first=${ranks_list%% *}
echo
echo "MPJ client ($dev), $files x $mib MiB through the gateway, $(nproc) cores, median of $runs run(s)"
printf '%6s %12s %9s\n' ranks "MB/s" speed-up
for np in $ranks_list; do
  printf '%6s %12.1f %8.2fx\n' "$np" "${rate[$np]}" "$(awk -v a="${rate[$np]}" -v b="${rate[$first]}" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
