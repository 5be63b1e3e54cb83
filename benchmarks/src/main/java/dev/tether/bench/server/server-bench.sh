#!/usr/bin/env bash
# Reference server vs bare Netty echo server, side by side (see docs/BENCHMARKS.md, "Reference server").
#
#   benchmarks/src/main/java/dev/tether/bench/server/server-bench.sh RUNS MODE [EchoLoad options...]
#   e.g. ... server-bench.sh 5 echo connections=32 window=16 size=64 warmup=5 duration=10
#        ... server-bench.sh 5 handshakes concurrency=32 warmup=3 duration=5
#
# Both servers run at once with one event loop each; in every run two identical drivers start together,
# one against each server, so both see the same background load. Besides the drivers' figures it prints
# each server's CPU time per operation (JIT compilation included) (utime+stime from /proc), which the machine's noise disturbs less.
# Needs: mvn -B -q -Pbench -pl benchmarks -am package -DskipTests   (and loadtool/target/loadtool.jar)
set -euo pipefail
cd "$(dirname "$0")/../../../../../../../.."
B=benchmarks/target/benchmarks.jar
runs=$1; shift
mode=$1; shift
log=$(mktemp -d)
java -Xmx1g -jar loadtool/target/loadtool.jar server --port 7201 --io-threads 1 --quiet > "$log/ref.log" 2>&1 &
rpid=$!
java -Xmx1g -cp $B dev.tether.bench.server.BareEchoServer 7202 1 > "$log/bare.log" 2>&1 &
bpid=$!
trap 'kill $rpid $bpid 2>/dev/null; rm -rf "$log"' EXIT
for i in $(seq 100); do grep -q listening "$log/ref.log" && grep -q listening "$log/bare.log" && break; sleep 0.1; done
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
tck=$(getconf CLK_TCK)
# Run 0 warms both servers' JIT up and is not counted.
for run in $(seq 0 "$runs"); do
  r0=$(cpu $rpid); b0=$(cpu $bpid)
  java -Xmx1g -cp $B dev.tether.bench.server.EchoLoad "$mode" port=7201 "$@" > "$log/r.txt" 2>&1 &
  d1=$!
  java -Xmx1g -cp $B dev.tether.bench.server.EchoLoad "$mode" port=7202 "$@" > "$log/b.txt" 2>&1 &
  d2=$!
  wait $d1 $d2
  r1=$(cpu $rpid); b1=$(cpu $bpid)
  rt=$(grep -o 'total=[0-9]*' "$log/r.txt" | cut -d= -f2); bt=$(grep -o 'total=[0-9]*' "$log/b.txt" | cut -d= -f2)
  echo "run $run reference: $(tail -1 "$log/r.txt") server-cpu-us/op=$(echo "scale=2; ($r1-$r0)*1000000/$tck/$rt" | bc)"
  echo "run $run bare:      $(tail -1 "$log/b.txt") server-cpu-us/op=$(echo "scale=2; ($b1-$b0)*1000000/$tck/$bt" | bc)"
done
