package dev.tether.client.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} whose clock moves only when the test calls {@link #forward(Duration)}. Due tasks
 * run on the given executor (the client's event loop, or the calling thread), and {@code forward} returns
 * only after they have run, so a test can assert right after it. Thread-safe.
 */
final class FakeScheduler implements Scheduler {
    private final Executor executor;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    /** Runs due tasks on the thread calling {@link #forward}. */
    FakeScheduler() {
        this(Runnable::run);
    }

    FakeScheduler(Executor executor) {
        this.executor = executor;
    }

    private final class Task extends FutureTask<Void> implements Comparable<Task> {
        final long due;
        final long seq;

        Task(Runnable r, long due, long seq) {
            super(r, null);
            this.due = due;
            this.seq = seq;
        }

        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    @Override
    public synchronized Future<?> schedule(Runnable task, long delayNanos) {
        Task t = new Task(task, now + Math.max(0, delayNanos), sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /** Moves the clock forward by {@code d}, running every task that falls due, in order, on the executor. */
    void forward(Duration d) throws Exception {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = next.due;
            }
            if (!next.isCancelled()) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                executor.execute(() -> {
                    next.run();
                    done.complete(null);
                });
                done.get(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The delays (from now) of the pending, not cancelled tasks, soonest first. */
    synchronized List<Duration> pendingDelays() {
        List<Task> sorted = new ArrayList<>(queue);
        sorted.sort(null);
        List<Duration> out = new ArrayList<>();
        for (Task t : sorted) {
            if (!t.isCancelled()) {
                out.add(Duration.ofNanos(t.due - now));
            }
        }
        return out;
    }
}
