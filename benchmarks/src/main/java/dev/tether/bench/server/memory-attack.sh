#!/usr/bin/env bash
# Runs one memory attack (MemoryAttack flood|hello) against `loadtool server` started from JAR with -Xmx256m,
# on loopback, and reports the server's peak RSS, its OutOfMemoryErrors and the probe's summary.
# usage: memory-attack.sh LOADTOOL_JAR BENCHMARKS_JAR PORT flood|hello [MemoryAttack options...]
set -euo pipefail
jar=$1; bench=$2; port=$3; mode=$4; shift 4
log=$(mktemp)
java -Xmx256m -jar "$jar" server --port "$port" --quiet >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$log" && break; sleep 0.1; done
head -1 "$log"
peak=0
( while kill -0 $server 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$server/status 2>/dev/null || echo 0)
    echo "$rss"; sleep 0.5
  done ) >"$log.rss" &
sampler=$!
java -Xmx512m -cp "$bench" dev.tether.bench.server.MemoryAttack "$mode" port="$port" "$@" | grep -E "SUMMARY|FAILED|attacker"
alive=yes; kill -0 $server 2>/dev/null || alive=no
kill $server 2>/dev/null || true; wait $server 2>/dev/null || true
kill $sampler 2>/dev/null || true
peak=$(sort -n "$log.rss" | tail -1)
echo "server alive at the end: $alive; peak RSS $((peak / 1024)) MiB; OutOfMemoryError lines: $(grep -c OutOfMemoryError "$log" || true)"
rm -f "$log" "$log.rss"
