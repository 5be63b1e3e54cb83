package dev.tether.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** See {@link Backoff#constant}. */
final class ConstantBackoff implements Backoff {
    private final Duration delay;

    ConstantBackoff(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delay = delay;
    }

    @Override
    public Duration delay(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
        }
        return delay;
    }

    @Override
    public String toString() {
        return "Backoff.constant(" + delay + ")";
    }
}
