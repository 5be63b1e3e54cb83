#!/usr/bin/env bash
# bench/ramp.sh [CLIENTS] [CONNECT_RATE] [more loadtool run options...]
#
# Issue 12's ramp: CLIENTS idle connections (default 100000) opened at CONNECT_RATE a second (default 5000)
# by one `loadtool run` command, which splits itself into client and server processes as one process's
# open-file limit requires. Besides the run's own summary it records what limits a ramp on this machine:
#   - the kernel's counters over the run: accept queues that overflowed (TcpExtListenOverflows/ListenDrops),
#     SYNs sent again (TcpExtTCPSynRetrans), SYN-queue drops, and packets the loopback backlog dropped
#     (/proc/net/softnet_stat, 2nd column);
#   - the listen limits (net.core.somaxconn caps every server's --backlog), the port range, the open-file limit;
#   - the machine's memory and every JVM's RSS every 5 s (memory per connection = RSS / connections).
# As root it raises net.core.somaxconn and net.ipv4.tcp_max_syn_backlog to 65535 for the run and puts the old
# values back afterwards (KEEP_SYSCTLS=1: leave them as they are); as another user it only reports them.
# DURATION (default 60s) is the measured window; OUT the output directory (default ramp-<time>); JAR the loadtool jar
# (default loadtool/target/loadtool.jar). The child JVMs' options can be changed with TETHER_CHILD_JAVA_OPTIONS.
#
# Needs loadtool/target/loadtool.jar (mvn -B -o -q -DskipTests package) and nstat (iproute2).
# Example: bench/ramp.sh                 # the 100,000-connection run of docs/BENCHMARKS.md
#          bench/ramp.sh 20000 5000      # a smaller one while iterating
set -uo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-loadtool/target/loadtool.jar}
N=${1:-100000}
RATE=${2:-5000}
shift $(( $# < 2 ? $# : 2 ))
DURATION=${DURATION:-60s}
OUT=${OUT:-ramp-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "no $JAR: run mvn -B -o -q -DskipTests package first" >&2; exit 1; }

sysctl_get() { cat "/proc/sys/$(echo "$1" | tr . /)"; }
restore=()
put_back() { for kv in "${restore[@]}"; do sysctl -qw "$kv"; done; }
if [ "$(id -u)" = 0 ] && [ "${KEEP_SYSCTLS:-0}" != 1 ]; then
  for kv in net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535; do
    k=${kv%=*}
    restore+=("$k=$(sysctl_get "$k")")
    sysctl -qw "$kv"
  done
fi

{
  echo "date:  $(date -u +%FT%TZ)"
  echo "load:  $(cat /proc/loadavg)"
  echo "child JVM options added: ${TETHER_CHILD_JAVA_OPTIONS:-(none)}"
  echo "cores: $(nproc)"
  echo "open files (ulimit -n): $(ulimit -n)"
  for k in net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.ipv4.ip_local_port_range net.ipv4.tcp_syncookies \
           net.core.netdev_max_backlog; do
    echo "$k = $(sysctl_get "$k" 2>/dev/null | tr '\t' ' ')"
  done
  free -m
} > "$OUT/machine.txt"

counters() { nstat -az 2>/dev/null | awk '/ListenOverflows|ListenDrops|TCPSynRetrans|TCPReqQFull|SyncookiesSent|TCPTimeouts/ {print $1, $2}'
             local d=0 col; while read -r _ col _; do d=$((d + 16#$col)); done < /proc/net/softnet_stat
             echo "SoftnetDropped $d"; }
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
counters > "$OUT/counters-before.txt"

java -jar "$JAR" run --clients "$N" --connect-rate "$RATE" --mode idle --heartbeat 30s --duration "$DURATION" --warmup 0 \
    --json "$OUT/run.json" --hlog "$OUT/run.hlog" \
    --slo 'connected>=100%' --slo 'errors.count<=0' --slo 'reconnects<1' "$@" > "$OUT/run.log" 2>&1 &
run=$!
# Memory every 5 s while the run lasts: the machine's, and each JVM's resident set.
while kill -0 "$run" 2>/dev/null; do
  { echo "== $(date -u +%T) $(free -m | awk '/^Mem:/ {print "used " $3 " MiB of " $2}')"
    # This run's JVMs only: the parent, its client shards (run ... --shard K/N) and its servers.
    # With each JVM's open files (its sockets: how evenly SO_REUSEPORT spreads the connections over the servers).
    ps -o pid=,rss=,args= -p "$(echo "$run" $(descendants "$run") | tr ' ' ',')" | while read -r pid rss args; do
      case "$args" in *java*) ;; *) continue ;; esac
      fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
      case "$args" in *" server "*) role=server ;; *--shard*) role="client shard" ;; *) role="run (parent)" ;; esac
      printf "  pid %s %5d MiB %6d files %s\n" "$pid" $((rss / 1024)) "$fds" "$role"
    done; } >> "$OUT/memory.txt"
  sleep 5
done
wait "$run"
code=$?
counters > "$OUT/counters-after.txt"
put_back

{
  echo "exit code $code; files in $OUT"
  grep -E "running them in|started [0-9]+ reference server|connecting from|processes ready|^Note|^  (clients|ramp|errors|generator|memory|unconnected)|^              [^ ]|^  (connect|heartbeat) " "$OUT/run.log"
  echo "kernel counters during the run (after - before):"
  join "$OUT/counters-before.txt" "$OUT/counters-after.txt" | awk '{printf "  %-28s %d\n", $1, $3 - $2}'
  echo "memory at the busiest sample:"
  awk 'BEGIN {RS = "== "} NR > 1 {split($0, l, "\n"); split(l[1], f, " "); if (f[3] + 0 > best) {best = f[3] + 0; b = $0}}
       END {printf "  %s", b}' "$OUT/memory.txt"
} | tee "$OUT/result.txt"
exit "$code"
