#!/usr/bin/env bash
# What the cluster hop costs: N uploads of M MiB (default 32 × 32 MiB, 8 at a time, curl -T, each answered 201 once
# published) through an edge → relay pair (two clustered JVMs on loopback; the relay node also runs the embedded FTP
# server) against one all-in-one JVM (HTTP, relay and embedded FTP server in one process). The pair runs twice: the
# bodies over the edge's direct stream (the default), then in event-bus chunks (cluster.stream false). Prints MB/s of
# each, the ratios, each JVM's CPU seconds in the timed run and the load average. Loopback only; everything it
# starts is stopped on exit.
#
# --warmup W uploads W more files of the same size (P at a time) to each system before its timed run, so that the
# JVMs' JIT compilers are done: a pair has two JVMs to warm up, so a short run shows the cold start as much as the hop.
#
# --runs R repeats the three systems R times, one after another, and prints the medians of MB/s and of the per-run
# ratios: on 2 shared cores one run's all-in-one figure wanders by a fifth.
#
# --pin runs the pair as on two one-core hosts: the edge node and the clients on CPU 0, the relay node on CPU 1 (the
# all-in-one node and its clients keep both). With --files 1 --parallel 1 it shows what a large upload gains when
# the relay node's STOR runs while the body still arrives at the edge.
#
# Usage: deploy/bench/cluster-bench.sh [--files N] [--mib M] [--parallel P] [--warmup W] [--runs R] [--pin] [--jar JAR]
set -euo pipefail
cd "$(dirname "$0")/../.."

files=32; mib=32; parallel=8; warmup=0; runs=1; pin=false; jar=target/gateway-fat.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --pin) pin=true; shift ;;
    --jar) jar=$2; shift 2 ;;
    *) echo "usage: $0 [--files N] [--mib M] [--parallel P] [--warmup W] [--runs R] [--pin] [--jar JAR]" >&2; exit 2 ;;
  esac
done
[ -f "$jar" ] || { echo "cluster-bench: $jar is missing: mvn -B -ntp -DskipTests package" >&2; exit 1; }

work=$(mktemp -d /tmp/ftpgw-cluster-bench.XXXXXX)
pids=(); names=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_ports() { # N free loopback ports, one per line
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
EOF
}
passive_range() { # 20 consecutive free ports
  python3 - <<'EOF'
import random, socket
for _ in range(500):
    first = random.randint(20000, 30000)
    try:
        socks = []
        for p in range(first, first + 20):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        print(f"{first}-{first + 19}"); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
EOF
}

java_opts=(-Xmx512m -XX:+ExitOnOutOfMemoryError)
cpus_of() { # node or run name: the CPUs it runs on (all of them but for the pair's with --pin)
  if ! $pin || [[ $1 == all-* ]]; then echo "0-$(($(nproc) - 1))"; elif [[ $1 == relay-* ]]; then echo 1; else echo 0; fi
}
start_node() { # name conf [extra args]: starts a node and waits until it is deployed
  local name=$1 conf=$2; shift 2
  taskset -c "$(cpus_of "$name")" java "${java_opts[@]}" -jar "$jar" -conf "$conf" "$@" > "$work/$name.log" 2>&1 &
  pids+=($!); names+=("$name")
  local deadline=$((SECONDS + 120))
  until grep -qs "ftpgw ready" "$work/$name.log"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "cluster-bench: $name did not start:" >&2; tail -n 30 "$work/$name.log" >&2; exit 1
    fi
    sleep 0.2
  done
}
cpu_seconds() { # PID: user + system CPU seconds of a running process so far
  python3 -c "import os,sys; f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split(); print(f'{(int(f[11])+int(f[12]))/os.sysconf(\"SC_CLK_TCK\"):.1f}')" "$1"
}
cpu_snapshot() { # FILE: "name CPU-s" of each node running now
  local i
  for i in "${!pids[@]}"; do echo "${names[$i]} $(cpu_seconds "${pids[$i]}")"; done > "$1"
}
cpu_during() { # TAG: CPU-s each node spent in the timed run (between the two snapshots)
  python3 - "$work/$1.cpu0" "$work/$1.cpu1" <<'EOF'
import sys
before = dict(l.split() for l in open(sys.argv[1]))
after = [l.split() for l in open(sys.argv[2])]
print(" + ".join(f"{n} {float(c) - float(before[n]):.1f}" for n, c in after), "CPU-s")
EOF
}
stop_nodes() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=(); names=()
}

# upload PORT TAG: the timed run; prints MB/s
upload() {
  local port=$1 tag=$2 cpus
  cpus=$(cpus_of "$tag")
  taskset -c "$cpus" curl -fsS -o /dev/null -T "$work/body.bin" "http://127.0.0.1:$port/files/warmup/$tag-0.bin"
  taskset -c "$cpus" curl -fsS -o /dev/null -T "$work/body.bin" "http://127.0.0.1:$port/files/warmup/$tag-1.bin"
  if [ "$warmup" -gt 0 ]; then
    seq 1 "$warmup" | xargs -P "$parallel" -I{} \
      taskset -c "$cpus" curl -fsS -o /dev/null -T "$work/body.bin" "http://127.0.0.1:$port/files/warmup/$tag-w{}.bin"
  fi
  local started ended
  cpu_snapshot "$work/$tag.cpu0"
  started=$(date +%s.%N)
  seq 1 "$files" | xargs -P "$parallel" -I{} \
    taskset -c "$cpus" curl -fsS -o /dev/null -T "$work/body.bin" "http://127.0.0.1:$port/files/bench/$tag-{}.bin"
  ended=$(date +%s.%N)
  cpu_snapshot "$work/$tag.cpu1"
  python3 -c "print(f'{$files * $mib * 1048576 / ($ended - $started) / 1e6:.1f}')"
}

verify() { # ROOT TAG: every file arrived whole
  local expected count
  expected=$(sha256sum < "$work/body.bin" | cut -d' ' -f1)
  count=$(find "$1/bench" -name "$2-*.bin" -exec sha256sum {} + | grep -c "^$expected ")
  [ "$count" -eq "$files" ] || { echo "cluster-bench: only $count of $files files arrived intact ($2)" >&2; exit 1; }
}

head -c "$((mib * 1048576))" /dev/urandom > "$work/body.bin"
mapfile -t ports < <(free_ports 6)
hz_port=$(python3 -c "import random; print(random.randint(31000, 32000) // 10 * 10)")
name="bench-$$-$RANDOM"

# 1. all-in-one
all_run() { # TAG: the timed run into $work/TAG.mbs
  local tag=$1
  cat > "$work/$tag.json" <<EOF
{ "http": {"port": ${ports[0]}}, "spool": {"dir": "$work/spool-$tag"},
  "ftpServer": {"port": ${ports[1]}, "root": "$work/all-ftp", "passivePorts": "$(passive_range)"} }
EOF
  start_node "$tag" "$work/$tag.json"
  upload "${ports[0]}" "$tag" > "$work/$tag.mbs"
  verify "$work/all-ftp" "$tag"
  stop_nodes
}

# 2. edge → relay (the relay node runs the FTP server, as the all-in-one node does), direct stream then bus chunks
pair_run() { # TAG STREAM: the timed run into $work/TAG.mbs
  local tag=$1 stream=$2
  cluster="\"cluster\": {\"name\": \"$name-$tag\", \"host\": \"127.0.0.1\", \"port\": $hz_port, \"stream\": $stream,
    \"members\": [\"127.0.0.1:$hz_port\", \"127.0.0.1:$((hz_port + 1))\"]}"
  cat > "$work/relay-$tag.json" <<EOF
{ "roles": ["relay", "ftp"], "http": {"port": ${ports[2]}}, "spool": {"dir": "$work/relay-spool-$tag"},
  "ftpServer": {"port": ${ports[3]}, "root": "$work/pair-ftp", "passivePorts": "$(passive_range)"}, $cluster }
EOF
  cat > "$work/edge-$tag.json" <<EOF
{ "roles": ["http"], "http": {"port": ${ports[4]}}, "spool": {"dir": "$work/edge-spool-$tag"}, $cluster }
EOF
  start_node "relay-$tag" "$work/relay-$tag.json" -cluster
  start_node "edge-$tag" "$work/edge-$tag.json" -cluster
  upload "${ports[4]}" "$tag" > "$work/$tag.mbs"
  verify "$work/pair-ftp" "$tag"
  stop_nodes
}

echo "cluster-bench: $files x $mib MiB, $parallel at a time, curl -T, 201 = published (MB = 10^6 bytes)," \
  "$((warmup + 2)) warm-up uploads, $runs run(s)$($pin && echo ", pair pinned: edge + clients CPU 0, relay CPU 1")"
for run in $(seq 1 "$runs"); do
  all_run "all-$run"; pair_run "stream-$run" true; pair_run "bus-$run" false
  all=$(cat "$work/all-$run.mbs"); pair=$(cat "$work/stream-$run.mbs"); bus=$(cat "$work/bus-$run.mbs")
  if [ "$runs" -gt 1 ]; then echo "run $run:"; fi
  echo "all-in-one      ${all} MB/s   $(cpu_during "all-$run")"
  echo "edge -> relay   ${pair} MB/s   (direct body stream)   $(cpu_during "stream-$run")"
  echo "edge -> relay   ${bus} MB/s   (event-bus chunks, cluster.stream false)   $(cpu_during "bus-$run")"
  python3 -c "print(f'ratio (edge -> relay / all-in-one): stream {$pair / $all:.2f}, bus chunks {$bus / $all:.2f}')"
done
if [ "$runs" -gt 1 ]; then
  python3 - "$work" "$runs" <<'EOF'
import statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
mbs = {s: [float(open(f"{work}/{s}-{r}.mbs").read()) for r in range(1, runs + 1)] for s in ("all", "stream", "bus")}
med = {s: statistics.median(v) for s, v in mbs.items()}
ratio = {s: statistics.median(p / a for p, a in zip(mbs[s], mbs["all"])) for s in ("stream", "bus")}
print(f"medians of {runs}: all-in-one {med['all']:.1f}, stream {med['stream']:.1f}, bus chunks {med['bus']:.1f} MB/s;"
      f" ratio stream {ratio['stream']:.2f}, bus chunks {ratio['bus']:.2f}")
EOF
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
