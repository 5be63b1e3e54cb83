package dev.tether.server;

import io.netty.util.concurrent.Ticker;

/**
 * The server's admission limit on handshakes: at most {@code rate} WELCOMEs a second, in bursts of at most a
 * tenth of a second's worth, so that a storm of reconnecting clients (a restart after a crash) cannot take
 * every cycle of a server that is also trying to serve the clients already back. A token bucket, kept as the
 * "theoretical arrival time" of the generic cell rate algorithm: one number that says when the bucket will
 * next be full.
 *
 * <p>A hello over the limit is refused with a retry-after hint (PROTOCOL.md §6), and the hints are
 * <em>slots</em>: each refused client is told a later instant than the one refused before it, one token's
 * time apart, so that a wave of refused clients is told to come back as an even stream at the rate the
 * server welcomes, instead of all at once after the same delay. Clients add jitter of their own.
 *
 * <p>Thread-safe: the event loops of all connections call {@link #admit}. A handshake is rare next to the
 * frames of a connection, so one lock is cheap enough.
 */
final class HandshakeAdmission {
    /** The longest retry-after a refused client is told: beyond it the slots are not worth promising. */
    static final long MAX_HINT_MILLIS = 30_000;
    /** What {@link #admit} returns for an admitted hello. */
    static final long ADMITTED = -1;

    private final Ticker ticker;
    /** Time one token takes to come back; 0 = no limit. */
    private final long nanosPerToken;
    /** How far ahead of now the bucket's "full again" time may run while hellos are still admitted. */
    private final long burstNanos;
    /** When the bucket will be full again (GCRA's theoretical arrival time). */
    private long fullAt;
    /** The next slot a refused client will be told; never before {@link #fullAt} minus the burst. */
    private long nextSlot;

    /**
     * @param handshakesPerSecond the limit; 0 = none
     * @param ticker the monotonic clock (tests move a mock one)
     */
    HandshakeAdmission(double handshakesPerSecond, Ticker ticker) {
        this.ticker = ticker;
        if (handshakesPerSecond <= 0) {
            nanosPerToken = 0;
            burstNanos = 0;
        } else {
            nanosPerToken = Math.max(1, (long) (1e9 / handshakesPerSecond));
            // A tenth of a second's worth of hellos at once (at least one): a burst no bigger than that keeps
            // any one second's handshakes within 1.1 x the rate.
            long burstTokens = Math.max(1, (long) (handshakesPerSecond / 10));
            burstNanos = (burstTokens - 1) * nanosPerToken;
        }
        long now = ticker.nanoTime();
        fullAt = now;
        nextSlot = now;
    }

    /** Whether there is a limit at all. */
    boolean limited() {
        return nanosPerToken > 0;
    }

    /**
     * Takes a token for one hello.
     *
     * @return {@link #ADMITTED}, or the milliseconds the refused client should wait before trying again (at
     *     least 1, at most {@link #MAX_HINT_MILLIS})
     */
    long admit() {
        if (nanosPerToken == 0) {
            return ADMITTED;
        }
        synchronized (this) {
            long now = ticker.nanoTime();
            long full = Math.max(fullAt, now);
            if (full - now <= burstNanos) {
                fullAt = full + nanosPerToken;
                return ADMITTED;
            }
            // Refused: hand out the next free slot, from the moment the bucket has a token again.
            long slot = Math.max(nextSlot, full - burstNanos);
            long hintNanos = slot - now;
            if (hintNanos > MAX_HINT_MILLIS * 1_000_000) {
                return MAX_HINT_MILLIS; // the slots are booked that far ahead: do not promise further
            }
            nextSlot = slot + nanosPerToken;
            return Math.max(1, (hintNanos + 999_999) / 1_000_000);
        }
    }
}
