#!/usr/bin/env bash
# Benchmark (not a test) of resumable uploads through the gateway's tus endpoint (/tus/), with curl as the client:
#   T1  one file sent whole (one PATCH) versus split into 2 and into 4 partial uploads sent at once (one curl per
#       part, as one MPI rank per part would) and joined by a final upload; wall time to the file being published
#   T2  a resume after a break at 50 %: the first half is acknowledged, then the rest is sent from HEAD's offset;
#       the bytes the resume sends are counted (curl's size_upload) and must be exactly the missing half
# Every landed file is compared by SHA-256 with its source. MB = 10^6 bytes. Runs on the embedded FTP server.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  cat <<'EOF'
usage: deploy/bench/tus-bench.sh [--size BYTES] [--jar PATH]
  --size BYTES   the file's size (default 1073741824 = 1 GiB; use e.g. 16777216 for a quick check)
  --jar PATH     the gateway jar (default target/gateway-fat.jar, built when missing)
Needs: java 17, curl, dd, sha256sum, base64. BENCH_KEEP=1 keeps the temporary folder.
EOF
}

size=$((1 << 30)) jar=target/gateway-fat.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift ;;
    --jar) jar="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tus-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for tool in java curl sha256sum base64; do
  command -v "$tool" >/dev/null || { echo "tus-bench: $tool is required" >&2; exit 1; }
done
if [ "$jar" = target/gateway-fat.jar ] && [ ! -f "$jar" ]; then
  echo "tus-bench: building target/gateway-fat.jar"
  mvn -B -ntp -q -DskipTests package
fi

work=$(mktemp -d /tmp/ftpgw-tus-bench.XXXXXX)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
  fi
  [ "${BENCH_KEEP:-0}" = 1 ] && echo "tus-bench: kept $work" || rm -rf "$work"
}
trap cleanup EXIT
die() { echo "tus-bench: $*" >&2; exit 1; }

cat >"$work/gateway.json" <<EOF
{ "http": { "port": 0, "maxUploadBytes": $((size + 1)) },
  "spool": { "dir": "$work/spool", "maxBytes": $((size * 4 + (64 << 20))) },
  "ftpServer": { "enabled": true, "port": 0, "root": "$work/ftp", "passivePorts": "41000-41040" } }
EOF
java -Xmx256m -jar "$jar" -conf "$work/gateway.json" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*HTTP uploads on http://[^:]*:\([0-9]*\).*|\1|p' "$work/gateway.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$gateway_pid" 2>/dev/null || die "the gateway stopped: $(tail -n 5 "$work/gateway.log")"
  sleep 0.1
done
[ -n "${port:-}" ] || die "the gateway did not start"
base="http://127.0.0.1:$port"
TUS=(-H 'Tus-Resumable: 1.0.0')

head -c "$size" /dev/urandom >"$work/file.bin"
want=$(sha256sum "$work/file.bin" | cut -d' ' -f1)
b64() { printf '%s' "$1" | base64 -w0; }

# create LENGTH [extra header]: prints the upload URL
create() {
  curl -sS -o /dev/null -D - -X POST "${TUS[@]}" -H "Upload-Length: $1" ${2:+-H "$2"} \
    -H "Upload-Metadata: filename $(b64 "${3:-x.bin}"),folder $(b64 tus-bench)" "$base/tus/" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p'
}
# patch URL OFFSET FILE [SKIP COUNT]: sends COUNT bytes of FILE from SKIP at OFFSET, prints the bytes curl sent
patch() {
  local src=$3
  if [ $# -gt 3 ]; then
    src="$work/chunk.$RANDOM"
    dd if="$3" of="$src" bs=1M iflag=skip_bytes,count_bytes skip="$4" count="$5" status=none
  fi
  # -T streams the file (--data-binary would read all of it into memory first)
  curl -sS -o /dev/null -w '%{size_upload}' -X PATCH "${TUS[@]}" -H "Upload-Offset: $2" -H 'Expect:' \
    -H 'Content-Type: application/offset+octet-stream' -T "$src" "$1"
}
landed() { sha256sum "$work/ftp/tus-bench/$1" | cut -d' ' -f1; }
now() { date +%s.%N; }
report() { awk -v n="$1" -v s="$2" -v e="$3" -v b="${4:-$size}" 'BEGIN { t = e - s; printf "%-34s %7.2f s %8.1f MB/s\n", n, t, b / t / 1e6 }'; }

echo "tus-bench: $size bytes, gateway $base"
# T1: whole
start=$(now)
url=$(create "$size" "" whole.bin)
patch "$url" 0 "$work/file.bin" >/dev/null
end=$(now)
[ "$(landed whole.bin)" = "$want" ] || die "whole.bin differs from its source"
report "T1 whole, 1 stream" "$start" "$end"

# T1: split into N partials sent at once, joined by a final upload
for n in 2 4; do
  start=$(now)
  share=$(((size + n - 1) / n))
  urls=()
  for i in $(seq 0 $((n - 1))); do
    from=$((i * share)); len=$((size - from < share ? size - from : share))
    urls+=("$(create "$len" 'Upload-Concat: partial' "part$i")")
  done
  pids=()
  for i in $(seq 0 $((n - 1))); do
    from=$((i * share)); len=$((size - from < share ? size - from : share))
    patch "${urls[$i]}" 0 "$work/file.bin" "$from" "$len" >/dev/null &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  curl -sS -o /dev/null -X POST "${TUS[@]}" -H "Upload-Concat: final;${urls[*]}" \
    -H "Upload-Metadata: filename $(b64 "split$n.bin"),folder $(b64 tus-bench)" "$base/tus/"
  end=$(now)
  [ "$(landed "split$n.bin")" = "$want" ] || die "split$n.bin differs from its source"
  report "T1 split into $n partials, $n streams" "$start" "$end"
done

# T2: break at 50 %, resume from HEAD's offset
half=$((size / 2))
url=$(create "$size" "" resumed.bin)
first=$(patch "$url" 0 "$work/file.bin" 0 "$half")
offset=$(curl -sS -I "${TUS[@]}" "$url" | tr -d '\r' | sed -n 's/^[Uu]pload-[Oo]ffset: //p')
start=$(now)
rest=$(patch "$url" "$offset" "$work/file.bin" "$offset" $((size - offset)))
end=$(now)
[ "$(landed resumed.bin)" = "$want" ] || die "resumed.bin differs from its source"
[ "$rest" -eq $((size - half)) ] || die "the resume sent $rest bytes, expected $((size - half))"
echo "T2 resume at 50 %: before the break $first bytes, HEAD said $offset, the resume sent $rest bytes (the missing half)"
report "T2 the resumed half" "$start" "$end" "$rest"
