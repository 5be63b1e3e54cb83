package dev.tether.client.internal;

import dev.tether.client.Backoff;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;

/**
 * Decides when the next connection attempt runs: after a backoff delay (counted in consecutive
 * failures, reset by a successful handshake), after a server's go-away hint, or at once when the
 * application calls {@code reconnectNow()}. Holds at most one pending wait. Confined to the client's
 * event loop.
 */
final class ReconnectLoop {
    private final Backoff backoff;
    private final RandomGenerator random;
    private final Scheduler scheduler;
    private final Runnable attempt;
    private Future<?> wait;
    private Runnable waitTask;
    private int retries;

    /**
     * @param attempt what to run when a wait ends: starts the next connection attempt (on the event loop)
     */
    ReconnectLoop(Backoff backoff, RandomGenerator random, Scheduler scheduler, Runnable attempt) {
        this.backoff = backoff;
        this.random = random;
        this.scheduler = scheduler;
        this.attempt = attempt;
    }

    /** Schedules the next attempt after the backoff delay for one more retry; returns that delay. */
    Duration scheduleRetry() {
        retries++;
        Duration delay = backoff.delay(retries, random);
        scheduleIn(delay);
        return delay;
    }

    /**
     * Schedules the next attempt after a server's go-away hint plus up to 20 % more, so that the many clients
     * of a draining server do not return at the same instant; returns the delay.
     */
    Duration scheduleAfterGoAway(Duration hint) {
        long millis = hint.toMillis();
        Duration delay = Duration.ofMillis(millis + (millis > 0 ? random.nextLong(millis / 5 + 1) : 0));
        scheduleIn(delay);
        return delay;
    }

    /** Schedules the next attempt after exactly {@code delay}, replacing any pending wait. */
    void scheduleIn(Duration delay) {
        cancel();
        Runnable task = new Runnable() {
            @Override
            public void run() {
                if (waitTask == this) {
                    wait = null;
                    waitTask = null;
                    attempt.run();
                }
            }
        };
        waitTask = task;
        wait = scheduler.schedule(task, delay.toNanos());
    }

    /** Ends the pending wait now and runs the attempt; returns false if no wait was pending. */
    boolean skipWait() {
        if (waitTask == null) {
            return false;
        }
        cancel();
        attempt.run();
        return true;
    }

    /** Whether a wait is pending. */
    boolean waiting() {
        return waitTask != null;
    }

    /** Cancels the pending wait, if any. */
    void cancel() {
        if (wait != null) {
            wait.cancel(false);
        }
        wait = null;
        waitTask = null;
    }

    /** A handshake succeeded: the next failure starts again at the first backoff delay. */
    void reset() {
        retries = 0;
    }

    /** Retries scheduled since the last reset: the number of the attempt the current wait precedes. */
    int retries() {
        return retries;
    }
}
