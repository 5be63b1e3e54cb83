package dev.tether.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down guessing of the auth token: each wrong or missing token from a source address makes the next
 * {@code AUTH_FAILED} from that source wait longer before it is sent (no wait for the first failure, so a
 * typo is reported at once; then {@code step}, doubling per failure, at most {@code max}). The wait is a
 * scheduled task on that connection's event loop, which reads nothing from it meanwhile: no thread is
 * blocked, and nobody else is slowed, not even another client from the same address with the right token.
 *
 * <p>A source is an IPv4 address, or an IPv6 /64 (one host usually owns a whole /64, so rotating through
 * it gains nothing). A source that fails nothing for {@code forgetAfter} starts again from zero; a right
 * token clears its record. The table keeps at most {@code maxSources} sources, dropping the one that failed
 * least recently, so an attacker with many addresses costs bounded memory (and at worst resets its own
 * oldest records).
 *
 * <p>Thread-safe; called once per hello that fails (and per successful hello while the table is not empty).
 */
final class AuthThrottle {
    /** The first non-zero wait: 250 ms, doubled per failure after the second. */
    static final Duration DEFAULT_STEP = Duration.ofMillis(250);
    /**
     * The longest wait: 5 s, below the SDK's 10 s connect timeout, so that a client still reads the
     * {@code AUTH_FAILED} (which is fatal for it) instead of timing out and retrying.
     */
    static final Duration DEFAULT_MAX = Duration.ofSeconds(5);
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    static final int DEFAULT_MAX_SOURCES = 10_000;

    private final LongSupplier nanoTime;
    private final long stepNanos;
    private final long maxNanos;
    private final long forgetNanos;
    private final Map<Object, long[]> failures; // source -> {count, last failure nanos}
    private volatile boolean empty = true;

    AuthThrottle(LongSupplier nanoTime, Duration step, Duration max, Duration forgetAfter, int maxSources) {
        this.nanoTime = nanoTime;
        this.stepNanos = step.toNanos();
        this.maxNanos = max.toNanos();
        this.forgetNanos = forgetAfter.toNanos();
        this.failures = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, long[]> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Records a failed hello from {@code address}; returns how long to wait before answering it, in ns. */
    synchronized long failed(InetAddress address) {
        long now = nanoTime.getAsLong();
        long[] entry = failures.computeIfAbsent(source(address), k -> new long[2]);
        if (entry[0] > 0 && now - entry[1] >= forgetNanos) {
            entry[0] = 0;
        }
        entry[0]++;
        entry[1] = now;
        empty = false;
        return delayNanos(entry[0]);
    }

    /** Forgets the failures of {@code address}: it has shown the right token. */
    void succeeded(InetAddress address) {
        if (empty) {
            return; // the common case costs no lock
        }
        synchronized (this) {
            failures.remove(source(address));
            empty = failures.isEmpty();
        }
    }

    synchronized int sources() {
        return failures.size();
    }

    /** The wait before answering the {@code n}-th failure in a row: 0, step, 2 step, 4 step, ... at most max. */
    long delayNanos(long n) {
        if (n <= 1) {
            return 0;
        }
        int doublings = (int) Math.min(n - 2, 62);
        long d = stepNanos << Math.min(doublings, Long.numberOfLeadingZeros(stepNanos) - 1);
        return Math.min(maxNanos, d);
    }

    private static Object source(InetAddress address) {
        if (address instanceof Inet6Address) {
            return ByteBuffer.wrap(address.getAddress()).getLong(); // the /64 prefix
        }
        return address;
    }
}
