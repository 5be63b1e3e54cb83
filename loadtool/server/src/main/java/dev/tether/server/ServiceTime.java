package dev.tether.server;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the reference server pretends to work on each request before it answers. The delay is
 * scheduled on the connection's event loop, never slept, so a slow service time costs no thread.
 *
 * <p>Written on the command line as:
 * <ul>
 *   <li>{@code 0} (the default): answer at once;</li>
 *   <li>{@code 2ms}: a fixed delay;</li>
 *   <li>{@code exp:2ms}: exponentially distributed with a mean of 2 ms (a memoryless service);</li>
 *   <li>{@code uniform:1ms-5ms}: uniformly distributed between 1 ms and 5 ms.</li>
 * </ul>
 */
public final class ServiceTime {
    /** No delay: requests are answered as soon as they are read. */
    public static final ServiceTime NONE = new ServiceTime(Kind.FIXED, 0, 0);

    private enum Kind { FIXED, EXPONENTIAL, UNIFORM }

    private final Kind kind;
    private final long aNanos;
    private final long bNanos;

    private ServiceTime(Kind kind, long aNanos, long bNanos) {
        this.kind = kind;
        this.aNanos = aNanos;
        this.bNanos = bNanos;
    }

    /** Always {@code delay}. */
    public static ServiceTime fixed(Duration delay) {
        return new ServiceTime(Kind.FIXED, nonNegative("delay", delay), 0);
    }

    /** Exponentially distributed with the given mean. */
    public static ServiceTime exponential(Duration mean) {
        long m = nonNegative("mean", mean);
        return m == 0 ? NONE : new ServiceTime(Kind.EXPONENTIAL, m, 0);
    }

    /** Uniformly distributed in {@code [min, max]}. */
    public static ServiceTime uniform(Duration min, Duration max) {
        long lo = nonNegative("min", min);
        long hi = nonNegative("max", max);
        if (hi < lo) {
            throw new IllegalArgumentException("uniform service time needs min <= max: " + min + " > " + max);
        }
        return new ServiceTime(Kind.UNIFORM, lo, hi);
    }

    /**
     * Parses {@code 2ms}, {@code exp:2ms} or {@code uniform:1ms-5ms}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static ServiceTime parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("exp:")) {
                return exponential(Durations.parse(s.substring(4)));
            }
            if (s.startsWith("uniform:")) {
                String range = s.substring(8);
                int dash = range.indexOf('-');
                if (dash < 0) {
                    throw bad(spec, null);
                }
                return uniform(Durations.parse(range.substring(0, dash)), Durations.parse(range.substring(dash + 1)));
            }
            return fixed(Durations.parse(s));
        } catch (RuntimeException e) { // Durations.parse or a range check
            throw bad(spec, e);
        }
    }

    /** Whether every request is answered at once. */
    public boolean isZero() {
        return kind == Kind.FIXED && aNanos == 0;
    }

    /** The mean delay of this distribution. */
    public Duration mean() {
        switch (kind) {
            case UNIFORM:
                return Duration.ofNanos(aNanos + (bNanos - aNanos) / 2);
            default:
                return Duration.ofNanos(aNanos);
        }
    }

    /** One delay drawn from this distribution, in nanoseconds (never negative). */
    public long sampleNanos(RandomGenerator random) {
        switch (kind) {
            case EXPONENTIAL:
                // Inverse transform; 1 - u is in (0, 1], so the log is finite.
                return Math.round(-Math.log(1.0 - random.nextDouble()) * aNanos);
            case UNIFORM:
                return aNanos == bNanos ? aNanos : random.nextLong(aNanos, bNanos + 1);
            default:
                return aNanos;
        }
    }

    /** The form {@link #parse} reads. */
    @Override
    public String toString() {
        switch (kind) {
            case EXPONENTIAL:
                return "exp:" + Durations.format(Duration.ofNanos(aNanos));
            case UNIFORM:
                return "uniform:" + Durations.format(Duration.ofNanos(aNanos)) + "-"
                        + Durations.format(Duration.ofNanos(bNanos));
            default:
                return Durations.format(Duration.ofNanos(aNanos));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceTime t && t.kind == kind && t.aNanos == aNanos && t.bNanos == bNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, aNanos, bNanos);
    }

    private static long nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException("service time " + name + " must not be negative: " + d);
        }
        return d.toNanos();
    }

    private static IllegalArgumentException bad(String spec, RuntimeException cause) {
        return new IllegalArgumentException("'" + spec + "' is not a service time: write 2ms, exp:2ms or uniform:1ms-5ms"
                + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }
}
