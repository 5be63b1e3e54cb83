package dev.tether.client.internal;

import java.util.concurrent.Future;

/**
 * The time seam of a client: every delay the client waits for (request timeouts, connect timeouts,
 * backoff waits, go-away delays, the close deadline) goes through here, so tests can move time forward
 * instead of sleeping. Tasks run on the client's event loop.
 */
interface Scheduler {
    /** Runs {@code task} on the client's event loop after {@code delayNanos}; cancel through the returned future. */
    Future<?> schedule(Runnable task, long delayNanos);

    /** A monotonic clock in nanoseconds. */
    long nanoTime();
}
