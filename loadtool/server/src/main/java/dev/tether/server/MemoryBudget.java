package dev.tether.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide bound on what the server holds for its connections: bytes received and not yet decoded
 * (partial frames), bytes queued for peers that the socket has not taken, payloads of requests waiting for
 * their simulated service time, and a fixed {@link #SESSION_STATE_BYTES} per connection. Each session adds
 * what it holds when that changes (after a read batch, a flush, a writability change, a sweep) and takes it
 * all back when it closes.
 *
 * <p>Three levels act on it:
 * <ul>
 *   <li>{@linkplain #underPressure() pressure} (half the budget in use): sessions that hold more than their
 *       {@linkplain #fairShare fair share} stop being read (TCP pushes back on their senders) until the
 *       pressure or their holding falls;</li>
 *   <li>{@linkplain #overShedLevel() shedding} (90 %): the server closes the worst offenders with
 *       {@code SLOW_CONSUMER} (connections that have not completed their handshake for a while, oldest
 *       first, then the biggest holders) until the use is back at {@linkplain #shedTarget() 75 %};</li>
 *   <li>{@linkplain #exhausted() exhausted} (100 %) with nobody left to shed: new connections are refused
 *       with {@code SERVER_FULL} until memory is given back.</li>
 * </ul>
 */
final class MemoryBudget {
    /** What one connection's own state costs, counted while it is open (about 1.8 KiB measured, rounded up). */
    static final long SESSION_STATE_BYTES = 2 * 1024;
    /** The smallest holding that ever counts as more than a fair share: half Netty's write-buffer high-water mark. */
    static final long MIN_FAIR_SHARE = 32 * 1024;

    final long limit;
    private final AtomicLong used = new AtomicLong();

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** The default budget: a quarter of the smaller of the two limits, at least {@code floor}. */
    static long defaultLimit(long maxHeapBytes, long maxDirectBytes, long floor) {
        return Math.max(floor, Math.min(maxHeapBytes, maxDirectBytes) / 4);
    }

    void add(long delta) {
        used.addAndGet(delta);
    }

    long used() {
        return used.get();
    }

    boolean underPressure() {
        return used.get() >= limit / 2;
    }

    boolean overShedLevel() {
        return used.get() >= limit - limit / 10;
    }

    boolean exhausted() {
        return used.get() >= limit;
    }

    long shedTarget() {
        return limit / 4 * 3;
    }

    /** Half the budget shared among {@code connections}, but never less than {@link #MIN_FAIR_SHARE}. */
    long fairShare(int connections) {
        return Math.max(MIN_FAIR_SHARE, limit / 2 / Math.max(1, connections));
    }
}
