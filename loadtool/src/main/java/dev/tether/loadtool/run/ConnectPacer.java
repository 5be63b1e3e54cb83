package dev.tether.loadtool.run;

import java.util.concurrent.TimeUnit;

/**
 * Paces the ramp's connects at the connect rate, on a schedule: connect i is due {@code i / rate} after the start.
 * When the generator falls behind (a GC pause, a busy core), it catches up at no more than {@link #CATCH_UP} times the
 * rate, after a burst of at most {@link #MAX_BURST_NANOS} worth of connects at that pace, until it is back on the
 * schedule: never every missed connect at once (a burst of thousands of SYNs overflows the server's accept queue and
 * the kernel's backlog, and the dropped ones come back only after TCP's 1 s retransmission timeout), and never a ramp
 * that stays behind for good after a stall of a few hundred milliseconds. A generator that cannot keep up even so
 * ends its ramp late, which the report's ramp rate shows.
 */
final class ConnectPacer {
    /** The most connects that may go back to back after a stall: this long's worth at the catch-up pace (at least one). */
    static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Behind the schedule, connects go out at up to this many times the rate until they are back on it. */
    static final double CATCH_UP = 2;

    private final double intervalNanos;
    private final double catchUpIntervalNanos;
    private final double burstNanos;
    /** When the next connect is due on the schedule. */
    private double dueNanos;
    /** The catch-up pace's next token: no connect before it. */
    private double paceNanos;

    /** @param ratePerSecond connects per second, positive */
    ConnectPacer(long startNanos, double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("connect rate must be positive: " + ratePerSecond);
        }
        this.intervalNanos = 1e9 / ratePerSecond;
        this.catchUpIntervalNanos = intervalNanos / CATCH_UP;
        this.burstNanos = Math.max(catchUpIntervalNanos, MAX_BURST_NANOS);
        this.dueNanos = startNanos;
        this.paceNanos = startNanos;
    }

    /** How long to wait at {@code nowNanos} before the next connect; 0 to connect now. Then call {@link #taken}. */
    long delayNanos(long nowNanos) {
        if (nowNanos - paceNanos > burstNanos) {
            paceNanos = nowNanos - burstNanos; // the tokens of the catch-up pace do not pile up beyond one burst
        }
        return Math.max(0, (long) Math.ceil(Math.max(dueNanos, paceNanos) - nowNanos));
    }

    /** One connect went out. */
    void taken() {
        dueNanos += intervalNanos;
        paceNanos += catchUpIntervalNanos;
    }
}
