package dev.tether.loadtool.proxy;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link FaultClock} the test moves: tasks run on the test's thread, in due order, when {@link #advance} passes them. */
final class FakeFaultClock implements FaultClock {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long seq;

    private record Task(long due, long seq, Runnable run) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        tasks.add(new Task(now + Math.max(0, delayNanos), seq++, task));
    }

    /** Moves time forward by {@code d}, running each task that falls due, at its own time. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task t;
            synchronized (this) {
                if (tasks.isEmpty() || tasks.peek().due > target) {
                    now = target;
                    return;
                }
                t = tasks.poll();
                now = Math.max(now, t.due);
            }
            t.run.run();
        }
    }

    /** Tasks waiting. */
    synchronized int pending() {
        return tasks.size();
    }

    /** How long until the earliest waiting task is due, or {@code null} when none waits. */
    synchronized Duration untilNext() {
        return tasks.isEmpty() ? null : Duration.ofNanos(tasks.peek().due - now);
    }
}
