package dev.tether.server;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The server-wide bound on what the server holds for its connections: bytes received and not yet decoded
 * (partial frames), bytes queued for peers that the socket has not taken, payloads of requests waiting for
 * their simulated service time, a fixed {@link #SESSION_STATE_BYTES} per connection, and the resumable sessions
 * (see {@link SessionStore}): their replay windows and {@link ResumableSession#STATE_BYTES} each, attached or
 * detached. Each session adds
 * what it holds when that changes (after a read batch, a flush, a writability change, a sweep) and takes it
 * all back when it closes.
 *
 * <p>Three levels act on it:
 * <ul>
 *   <li>{@linkplain #underPressure() pressure} (half the budget in use): sessions that hold more than their
 *       {@linkplain #fairShare fair share} stop being read (TCP pushes back on their senders) until the
 *       pressure or their holding falls (past the shed level the share shrinks to {@link #MIN_FAIR_SHARE});</li>
 *   <li>{@linkplain #overShedLevel() shedding} (90 %): the server closes the worst offenders with
 *       {@code SLOW_CONSUMER} (connections that have not completed their handshake for a while, oldest
 *       first, then the biggest holders) until the use is back at {@linkplain #shedTarget() 75 %};</li>
 *   <li>{@linkplain #exhausted() exhausted} (100 %) with nobody left to shed: new connections are refused
 *       with {@code SERVER_FULL} until memory is given back.</li>
 * </ul>
 *
 * <p>What the sessions count is what they hold; the buffers' true cost can be higher (a decoder's
 * buffer grows by doubling, the allocator keeps chunks that are partly free). So the levels also look at
 * the direct memory the JVM has actually handed out (where an {@code OutOfMemoryError} would come from),
 * as a fraction of its limit, doubled: with half the JVM's direct memory in use the budget counts as full,
 * whatever the sessions counted.
 */
final class MemoryBudget {
    /** What one connection's own state costs, counted while it is open (about 1.8 KiB measured, rounded up). */
    static final long SESSION_STATE_BYTES = 2 * 1024;
    /** The smallest holding that ever counts as more than a fair share: half Netty's write-buffer high-water mark. */
    static final long MIN_FAIR_SHARE = 32 * 1024;

    final long limit;
    private final AtomicLong used = new AtomicLong();
    private final LongSupplier directUsed;
    private final long directLimit;

    MemoryBudget(long limit) {
        this(limit, MemoryBudget::jvmDirectMemoryUsed, PlatformDependent.maxDirectMemory());
    }

    /** Test seam: {@code directUsed} and {@code directLimit} stand for the JVM's direct memory. */
    MemoryBudget(long limit, LongSupplier directUsed, long directLimit) {
        this.limit = limit;
        this.directUsed = directUsed;
        this.directLimit = Math.max(1, directLimit);
    }

    /** Direct memory handed out, by the JDK (ByteBuffer.allocateDirect) or by Netty's own counter, whichever is more. */
    static long jvmDirectMemoryUsed() {
        long jdk = 0;
        for (BufferPoolMXBean pool : DIRECT_POOLS) { // an array: read on every connect and read batch, no iterator
            jdk = Math.max(jdk, pool.getMemoryUsed());
        }
        return Math.max(jdk, PlatformDependent.usedDirectMemory());
    }

    private static final BufferPoolMXBean[] DIRECT_POOLS = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(p -> p.getName().equals("direct")).toArray(BufferPoolMXBean[]::new);

    /** What the levels compare: the sessions' count, or the JVM's direct memory in budget terms if that is more. */
    long level() {
        long direct = directUsed.getAsLong();
        long directLevel = direct <= 0 ? 0 : (long) ((double) direct * 2 / directLimit * limit);
        return Math.max(used.get(), directLevel);
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
        return level() >= limit / 2;
    }

    boolean overShedLevel() {
        return level() >= limit - limit / 10;
    }

    boolean exhausted() {
        return level() >= limit;
    }

    long shedTarget() {
        return limit / 4 * 3;
    }

    /** Half the budget shared among {@code connections}, but never less than {@link #MIN_FAIR_SHARE}. */
    long fairShare(int connections) {
        return Math.max(MIN_FAIR_SHARE, limit / 2 / Math.max(1, connections));
    }
}
