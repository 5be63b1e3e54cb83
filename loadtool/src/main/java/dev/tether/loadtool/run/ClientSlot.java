package dev.tether.loadtool.run;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Drives one client's requests or sends. In the scheduled modes ({@link Mode#RATE}, {@link Mode#SEND})
 * the {@link RequestPacer} marks operations due at their intended times; the slot sends them while
 * fewer than {@code maxInFlight} are outstanding and the client is connected. An operation that has to
 * wait (server slow, client reconnecting) is sent later but still timed from its intended time, the way
 * wrk2 corrects for coordinated omission, and counted as late. In {@link Mode#CLOSED} the slot keeps
 * {@code maxInFlight} requests outstanding until the end and times each from its actual send.
 *
 * <p>Calls into the client are made without holding a lock: one thread at a time drains the slot (the
 * work-in-progress counter idiom), others just ask it to look again, so a callback that completes
 * synchronously cannot recurse or deadlock.
 */
final class ClientSlot {
    private final int index;
    private final LoadConnection connection;
    private final Mode mode;
    private final RateSchedule schedule;
    private final RunMetrics metrics;
    private final LongSupplier clock;
    private final Operations operations;
    private final int maxInFlight;

    private final AtomicLong due = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile long sent; // written only by the draining thread
    private volatile long closedUntilNanos = Long.MIN_VALUE;

    ClientSlot(int index, LoadConnection connection, Mode mode, RateSchedule schedule, RunMetrics metrics,
               LongSupplier clock, byte[] payload, int maxInFlight) {
        this(index, connection, mode, schedule, metrics, clock, Operations.fixed(mode, payload), maxInFlight);
    }

    /** As the other constructor, with what each operation sends decided by {@code operations} (a request mix). */
    ClientSlot(int index, LoadConnection connection, Mode mode, RateSchedule schedule, RunMetrics metrics,
               LongSupplier clock, Operations operations, int maxInFlight) {
        if (mode.scheduled() && schedule == null) {
            throw new IllegalArgumentException("mode " + mode + " needs a schedule");
        }
        this.index = index;
        this.connection = connection;
        this.mode = mode;
        this.schedule = schedule;
        this.metrics = metrics;
        this.clock = clock;
        this.operations = operations;
        this.maxInFlight = maxInFlight;
    }

    /** The pacer says: the next of this client's operations is due now. */
    void due() {
        due.incrementAndGet();
        pump();
    }

    /** Closed model: keep requests outstanding until {@code untilNanos}. */
    void startClosed(long untilNanos) {
        closedUntilNanos = untilNanos;
        pump();
    }

    /** Sends what may be sent now (for example after the client reconnected). */
    void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            while (inFlight.get() < maxInFlight && hasWork() && connection.connected()) {
                issue();
            }
        } while (wip.decrementAndGet() != 0);
    }

    private boolean hasWork() {
        if (mode.scheduled()) {
            return sent < due.get();
        }
        return clock.getAsLong() < closedUntilNanos;
    }

    private void issue() {
        long j = sent++;
        long sendAt = clock.getAsLong();
        long intended = mode.scheduled() ? schedule.intendedNanos(index, j) : sendAt;
        if (mode.scheduled()) {
            metrics.sent(intended, sendAt);
        }
        inFlight.incrementAndGet();
        boolean send = mode == Mode.SEND;
        if (send) {
            metrics.sendIssued();
        }
        CompletableFuture<?> f;
        try {
            f = operations.start(connection, index, j);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, error) -> completed(j, intended, sendAt, error, send));
    }

    private void completed(long j, long intended, long sendAt, Throwable error, boolean send) {
        long done = clock.getAsLong();
        if (send) {
            metrics.sendSettled(error);
        }
        if (error == null) {
            metrics.completed(intended, sendAt, done, mode.scheduled());
        } else {
            metrics.failed(intended, error);
        }
        operations.ended(index, j, intended, sendAt, done, error);
        inFlight.decrementAndGet();
        pump();
    }

    /** Operations that came due but were never handed to the client. */
    long backlog() {
        return Math.max(0, due.get() - sent);
    }

    int inFlight() {
        return inFlight.get();
    }

    boolean idle() {
        return inFlight.get() == 0 && (!mode.scheduled() || backlog() == 0);
    }
}
