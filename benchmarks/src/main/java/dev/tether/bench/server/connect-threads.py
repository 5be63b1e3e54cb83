#!/usr/bin/env python3
"""CPU per connect by thread group, for the Floor's connect phases only (issue 13).

    python3 connect-threads.py JAR tether|bare [ROUNDS] [JVM_OPTION...]

Drives two Floor agents (dev.tether.bench.floor.Agent from JAR: a fresh server, a client) with the Floor's own
connect commands: the client warms up against a throwaway server, then opens 10,000 connections to the fresh
server (phase 0), closes them, and does that twice more (phases 1 and 2: "warmed"). For each phase it prints the
CPU each thread group of each process used per connection, from /proc/PID/task/*/stat (clock ticks of 10 ms), so
that the event-loop threads, the JIT compiler threads and GC can be told apart. Linux only; needs ulimit -n 20000.
"""
import collections
import glob
import re
import subprocess
import sys

N, WINDOW = 10_000, 256


def agent(jar, heap, options):
    return subprocess.Popen(["java", heap, "-XX:+UseG1GC", *options, "-cp", jar, "dev.tether.bench.floor.Agent"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)


def call(p, command):
    p.stdin.write(command + "\n")
    p.stdin.flush()
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("the agent exited on: " + command)
        if line.startswith("@@ "):
            answer = line[3:].strip()
            if answer.startswith("ERR"):
                raise SystemExit(answer)
            return dict(kv.split("=", 1) for kv in answer.split() if "=" in kv)


def ticks_by_group(p):
    groups = collections.Counter()
    for stat in glob.glob(f"/proc/{p.pid}/task/*/stat"):
        try:
            text = open(stat).read()
        except OSError:
            continue  # the thread ended meanwhile
        name = re.sub(r"[0-9]+", "#", text[text.index("(") + 1:text.rindex(")")])
        fields = text[text.rindex(")") + 2:].split()
        groups[name] += int(fields[11]) + int(fields[12])  # utime + stime, proc(5) fields 14 and 15
    return groups


def per_connect(before, after):
    keys = sorted(set(after), key=lambda k: before.get(k, 0) - after[k])
    return " ".join(f"{k}={(after[k] - before.get(k, 0)) * 10_000 / N:.0f}" for k in keys if after[k] > before.get(k, 0))


def main():
    jar, side = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    options = sys.argv[4:]
    kind = "sdk" if side == "tether" else "bare"
    for r in range(rounds):
        server, client = agent(jar, "-Xmx1g", options), agent(jar, "-Xmx2g", options)
        try:
            port = call(server, f"serve {side} 2")["port"]
            call(client, f"warmup {kind} 2000")
            call(client, f"clients {kind} {port} 2")
            for phase in range(3):
                s0, c0 = ticks_by_group(server), ticks_by_group(client)
                result = call(client, f"connect {N} {WINDOW}")
                s1, c1 = ticks_by_group(server), ticks_by_group(client)
                print(f"{side} round {r + 1} phase {phase} ({'fresh server' if phase == 0 else 'warmed'}), "
                      f"{int(result['ok']):,} connects, us per connect:")
                print(f"  server: {per_connect(s0, s1)}")
                print(f"  client: {per_connect(c0, c1)}", flush=True)
                call(client, "close")
        finally:
            for p in (server, client):
                p.stdin.close()
                p.wait(60)


if __name__ == "__main__":
    main()
