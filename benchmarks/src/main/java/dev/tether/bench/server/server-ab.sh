#!/usr/bin/env bash
# Side by side: the reference server of the base commit (A) and of this branch (B), one event loop each,
# two identical EchoLoad drivers started together; prints each server's CPU per operation from /proc.
set -euo pipefail
A=/tmp/s14/base/loadtool/target/loadtool.jar
Bj=/work/wt-s14/loadtool/target/loadtool.jar
D=/work/wt-s14/benchmarks/target/benchmarks.jar
runs=$1; shift; mode=$1; shift
log=$(mktemp -d)
java -Xmx1g -jar $A server --port 27301 --io-threads 1 --quiet > "$log/a.log" 2>&1 & apid=$!
java -Xmx1g -jar $Bj server --port 27302 --io-threads 1 --quiet > "$log/b.log" 2>&1 & bpid=$!
trap 'kill $apid $bpid 2>/dev/null; rm -rf "$log"' EXIT
for i in $(seq 200); do grep -q listening "$log/a.log" && grep -q listening "$log/b.log" && break; sleep 0.1; done
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
tck=$(getconf CLK_TCK)
for run in $(seq 0 "$runs"); do
  a0=$(cpu $apid); b0=$(cpu $bpid)
  java -Xmx1g -cp $D dev.tether.bench.server.EchoLoad "$mode" port=27301 "$@" > "$log/ra.txt" 2>&1 & d1=$!
  java -Xmx1g -cp $D dev.tether.bench.server.EchoLoad "$mode" port=27302 "$@" > "$log/rb.txt" 2>&1 & d2=$!
  wait $d1 $d2
  a1=$(cpu $apid); b1=$(cpu $bpid)
  at=$(grep -o 'total=[0-9]*' "$log/ra.txt" | cut -d= -f2); bt=$(grep -o 'total=[0-9]*' "$log/rb.txt" | cut -d= -f2)
  echo "run $run base:   $(tail -1 "$log/ra.txt") server-cpu-us/op=$(echo "scale=2; ($a1-$a0)*1000000/$tck/$at" | bc)"
  echo "run $run branch: $(tail -1 "$log/rb.txt") server-cpu-us/op=$(echo "scale=2; ($b1-$b0)*1000000/$tck/$bt" | bc)"
done
