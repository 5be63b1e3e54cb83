#!/usr/bin/env bash
# Two builds of the reference server side by side (see docs/BENCHMARKS.md, "The reference server on the server library").
#
#   benchmarks/src/main/java/dev/tether/bench/server/server-ab.sh A.jar B.jar RUNS MODE [EchoLoad options...]
#   e.g. ... server-ab.sh /tmp/base/loadtool/target/loadtool.jar loadtool/target/loadtool.jar 5 echo connections=32 window=16 size=64 warmup=5 duration=10
#
# Like server-bench.sh, with two loadtool.jar builds in place of the reference and the bare server: both run at once
# with one event loop each, two identical drivers start together in every run, and each server's CPU time per
# operation is read from /proc. Run 0 warms the JIT up and is not counted. Swap A and B for a second series: the
# process started first may be favoured.
# Needs: mvn -B -q -Pbench -pl benchmarks -am package -DskipTests
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2"); shift 2
cd "$(dirname "$0")/../../../../../../../.."
D=benchmarks/target/benchmarks.jar
runs=$1; shift
mode=$1; shift
log=$(mktemp -d)
java -Xmx1g -jar "$A" server --port 7211 --io-threads 1 --quiet > "$log/a.log" 2>&1 &
apid=$!
java -Xmx1g -jar "$B" server --port 7212 --io-threads 1 --quiet > "$log/b.log" 2>&1 &
bpid=$!
trap 'kill $apid $bpid 2>/dev/null; rm -rf "$log"' EXIT
for i in $(seq 200); do grep -q listening "$log/a.log" && grep -q listening "$log/b.log" && break; sleep 0.1; done
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
tck=$(getconf CLK_TCK)
for run in $(seq 0 "$runs"); do
  a0=$(cpu $apid); b0=$(cpu $bpid)
  java -Xmx1g -cp $D dev.tether.bench.server.EchoLoad "$mode" port=7211 "$@" > "$log/ra.txt" 2>&1 &
  d1=$!
  java -Xmx1g -cp $D dev.tether.bench.server.EchoLoad "$mode" port=7212 "$@" > "$log/rb.txt" 2>&1 &
  d2=$!
  wait $d1 $d2
  a1=$(cpu $apid); b1=$(cpu $bpid)
  at=$(grep -o 'total=[0-9]*' "$log/ra.txt" | cut -d= -f2); bt=$(grep -o 'total=[0-9]*' "$log/rb.txt" | cut -d= -f2)
  echo "run $run A: $(tail -1 "$log/ra.txt") server-cpu-us/op=$(echo "scale=2; ($a1-$a0)*1000000/$tck/$at" | bc)"
  echo "run $run B: $(tail -1 "$log/rb.txt") server-cpu-us/op=$(echo "scale=2; ($b1-$b0)*1000000/$tck/$bt" | bc)"
done
