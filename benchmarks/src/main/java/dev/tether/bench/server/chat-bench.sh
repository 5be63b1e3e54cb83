#!/usr/bin/env bash
# The chat sample under load (see docs/BENCHMARKS.md, "The chat sample under load").
#
#   benchmarks/src/main/java/dev/tether/bench/server/chat-bench.sh ROUNDS [loadtool run options...]
#   e.g. ... chat-bench.sh 3 --clients 1000 --rate 100 --warmup 5s -d 20s
#
# Starts the chat sample (dev.tether.samples.ChatServer) in a JVM of its own on port $PORT (default 7311), then runs
# `loadtool run --target 127.0.0.1:$PORT --mix samples/chat-load.mix OPTIONS` ROUNDS + 1 times in another JVM (round 0
# warms the server's JIT up and is not counted). Each client joins room-(N mod 10) once (the mix's setup entry), then
# says things at the fixed total rate; every say is pushed to the 100 members of its room (with 1,000 clients).
#
# Per round it prints fan-out latency per delivery (the run's push histogram: the server's push timestamp to the
# client's receipt, same host), deliveries/s received (push count / measured period: pushes are counted from the
# start of the measured period to the end of the drain, so a backlog from the warm-up adds to it) and the server's
# CPU per delivery: the server process's user+system time from /proc/PID/stat, sampled every 0.2 s, over the window
# from the first to the last live line of the measured period ("run"), divided by the deliveries the server made in
# that window (says/s x room size x window; room size = clients / 10, as chat-load.mix has 10 rooms). It includes
# handling the say requests themselves (one per room-size deliveries) and the heartbeats.
# Needs: mvn -B -q -DskipTests package (loadtool/target/loadtool.jar, samples/target/tether-samples-*.jar).
set -euo pipefail
cd "$(dirname "$0")/../../../../../../../.."
rounds=$1; shift
L=loadtool/target/loadtool.jar
S=$(ls samples/target/tether-samples-*.jar | grep -v -e sources -e tests | head -1)
log=$(mktemp -d)
port=${PORT:-7311}
java -Xmx1g -cp "$L:$S" dev.tether.samples.ChatServer 127.0.0.1 "$port" > "$log/server.log" 2>&1 &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$log"' EXIT
for i in $(seq 100); do grep -q listening "$log/server.log" && break; sleep 0.1; done
tck=$(getconf CLK_TCK)
for round in $(seq 0 "$rounds"); do
  : > "$log/run.txt"
  java -Xmx1g -jar "$L" run --target "127.0.0.1:$port" --mix samples/chat-load.mix --json "$log/run.json" "$@" > "$log/run.txt" 2>&1 &
  rpid=$!
  : > "$log/cpu.txt"
  while kill -0 $rpid 2>/dev/null; do
    # time (ns), server CPU ticks, live lines of the measured period so far
    echo "$(date +%s%N) $(awk '{print $14+$15}' /proc/$spid/stat) $(grep -c 'run   \]' "$log/run.txt" || true)" >> "$log/cpu.txt"
    sleep 0.2
  done
  wait $rpid || { echo "round $round: loadtool run failed"; tail -5 "$log/run.txt"; continue; }
  python3 - "$log/run.json" "$log/cpu.txt" "$tck" "$round" "$(cut -d' ' -f1 /proc/loadavg)" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))
rows = [tuple(int(x) for x in line.split()) for line in open(sys.argv[2]) if len(line.split()) == 3]
tck, round_, load = int(sys.argv[3]), sys.argv[4], sys.argv[5]
last = rows[-1][2]
first = next(r for r in rows if r[2] >= 1)      # the first live line of the measured period was printed
end = next(r for r in rows if r[2] >= last)     # the last one
secs = (end[0] - first[0]) / 1e9
cpu = (end[1] - first[1]) / tck
push = run["histograms"]["push"]
p = push["percentilesMillis"]
per_s = push["count"] / run["durationSeconds"]
says = run["throughput"]["opsPerSecond"]
made = says * run["clients"]["target"] / 10     # deliveries/s the server made: each say to its room of clients/10
print(f"round {round_}: says/s {says:.0f} deliveries/s {per_s:.0f} fan-out ms p50 {p['50']:.3f} p90 {p['90']:.3f} "
      f"p99 {p['99']:.3f} max {push['maxMillis']:.3f} server-cpu {cpu / secs * 100:.0f}% of a core "
      f"= {cpu / secs / made * 1e6:.2f} us/delivery (window {secs:.1f} s) setup ok {run['counters'].get('setup.ok')} "
      f"failed {run['counters'].get('setup.failed')} errors {run['errors']['total']} late {run['schedule']['late']} "
      f"generator-cpu {run['generator']['cpuPercentOfOneCore']:.0f}% load {load}")
EOF
done
