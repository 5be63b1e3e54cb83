package dev.tether.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** See {@link Backoff#exponential}. */
final class ExponentialBackoff implements Backoff {
    static final ExponentialBackoff DEFAULTS =
            new ExponentialBackoff(DEFAULT_INITIAL, DEFAULT_MAX, DEFAULT_MULTIPLIER, DEFAULT_JITTER,
                    DEFAULT_FIRST_RECONNECT_WINDOW);

    private final long initialNanos;
    private final long maxNanos;
    private final double multiplier;
    private final double jitter;
    private final long firstWindowNanos;

    ExponentialBackoff(Duration initial, Duration max, double multiplier, double jitter, Duration firstReconnectWindow) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(firstReconnectWindow, "firstReconnectWindow");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial (" + initial + "): " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1.0: " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
        }
        if (firstReconnectWindow.isNegative()) {
            throw new IllegalArgumentException("firstReconnectWindow must not be negative: " + firstReconnectWindow);
        }
        if (firstReconnectWindow.compareTo(max) > 0) {
            throw new IllegalArgumentException("firstReconnectWindow must be <= max (" + max + "): " + firstReconnectWindow);
        }
        this.firstWindowNanos = firstReconnectWindow.toNanos();
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.multiplier = multiplier;
        this.jitter = jitter;
    }

    @Override
    public Duration delay(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
        }
        double base = initialNanos * Math.pow(multiplier, attempt - 1);
        base = Math.min(base, maxNanos);
        double jittered = jitter == 0.0 ? base : base * (1.0 + jitter * (2.0 * random.nextDouble() - 1.0));
        return Duration.ofNanos((long) Math.max(0.0, Math.min(jittered, maxNanos)));
    }

    /** Full jitter over the window: every instant of it equally likely, so a fleet spreads evenly across it. */
    @Override
    public Duration firstReconnectDelay(RandomGenerator random) {
        return firstWindowNanos == 0 ? delay(1, random) : Duration.ofNanos(random.nextLong(firstWindowNanos + 1));
    }

    @Override
    public String toString() {
        return "Backoff.exponential(initial=" + Duration.ofNanos(initialNanos) + ", max=" + Duration.ofNanos(maxNanos)
                + ", multiplier=" + multiplier + ", jitter=" + jitter + ", firstReconnectWindow="
                + Duration.ofNanos(firstWindowNanos) + ")";
    }
}
