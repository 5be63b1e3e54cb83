package dev.tether.loadtool.run;

import java.util.concurrent.TimeUnit;

/**
 * Paces the ramp's connects at the connect rate, as a token bucket that holds at most {@link #MAX_BURST_NANOS} worth
 * of connects. When the generator falls behind (a GC pause, a busy core), it goes on at the rate after a short burst
 * instead of firing every connect it missed at once: a burst of thousands of SYNs overflows the server's accept
 * queue and the kernel's backlog, and the dropped ones come back only after TCP's 1 s retransmission timeout. The
 * ramp then takes longer than planned, which the report's ramp rate shows.
 */
final class ConnectPacer {
    /** The most connects that may go back to back after a stall: this long's worth at the rate (at least one). */
    static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final double intervalNanos;
    private final double burstNanos;
    private double nextNanos;

    /** @param ratePerSecond connects per second, positive */
    ConnectPacer(long startNanos, double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("connect rate must be positive: " + ratePerSecond);
        }
        this.intervalNanos = 1e9 / ratePerSecond;
        this.burstNanos = Math.max(intervalNanos, MAX_BURST_NANOS);
        this.nextNanos = startNanos;
    }

    /** How long to wait at {@code nowNanos} before the next connect; 0 to connect now. Then call {@link #taken}. */
    long delayNanos(long nowNanos) {
        if (nowNanos - nextNanos > burstNanos) {
            nextNanos = nowNanos - burstNanos; // forget what was missed beyond one burst
        }
        return Math.max(0, (long) Math.ceil(nextNanos - nowNanos));
    }

    /** One connect went out. */
    void taken() {
        nextNanos += intervalNanos;
    }
}
