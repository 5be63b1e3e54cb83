package dev.tether.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The reconnect policy: how long to wait before connection attempt number {@code attempt}. Pick one from
 * the factories; implementations must be immutable and thread-safe (randomness comes from the argument).
 *
 * <p>The client asks for a delay before <em>every</em> reconnect attempt, the first one included: when a
 * server that ten thousand clients share goes away, they come back spread over the jitter window rather
 * than in one wave. A successful handshake resets the attempt count to zero.
 *
 * <pre>{@code
 * Backoff.defaults();                                                    // gRPC's numbers
 * Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.5);
 * Backoff.constant(Duration.ofSeconds(5));
 * }</pre>
 */
public interface Backoff {
    /** Default first delay: 1 s (gRPC connection-backoff spec, INITIAL_BACKOFF). */
    Duration DEFAULT_INITIAL = Duration.ofSeconds(1);
    /** Default cap: 120 s (gRPC MAX_BACKOFF). */
    Duration DEFAULT_MAX = Duration.ofSeconds(120);
    /** Default growth factor per attempt: 1.6 (gRPC MULTIPLIER). */
    double DEFAULT_MULTIPLIER = 1.6;
    /** Default jitter: ±20% (gRPC JITTER). */
    double DEFAULT_JITTER = 0.2;

    /**
     * Exponential backoff with proportional jitter, the shape of gRPC's connection backoff: the base delay
     * of attempt {@code n} is {@code min(max, initial * multiplier^(n-1))}; the delay is drawn uniformly from
     * {@code base * [1 - jitter, 1 + jitter]} and then capped at {@code max}.
     *
     * @param initial the base delay of the first attempt; positive
     * @param max the cap on any delay; at least {@code initial}
     * @param multiplier growth per attempt; at least 1.0
     * @param jitter the relative spread, in [0, 1]: 0.2 means ±20%; 1.0 spreads delays over {@code [0, 2*base]}
     * @throws IllegalArgumentException naming the bad value
     */
    static Backoff exponential(Duration initial, Duration max, double multiplier, double jitter) {
        return new ExponentialBackoff(initial, max, multiplier, jitter);
    }

    /** The same delay before every attempt, without jitter. {@code d} must not be negative (zero retries at once). */
    static Backoff constant(Duration d) {
        return new ConstantBackoff(d);
    }

    /**
     * gRPC's connection-backoff numbers (grpc/doc/connection-backoff.md): 1 s initial, x1.6 per attempt,
     * ±20% jitter, 120 s cap. The first reconnect waits 0.8–1.2 s, the fifth about 6.6 s, and from the
     * eleventh on the delay stays at 96–120 s.
     */
    static Backoff defaults() {
        return ExponentialBackoff.DEFAULTS;
    }

    /**
     * The delay before attempt number {@code attempt}.
     *
     * @param attempt 1 for the first attempt after a success (or of the first connect)
     * @param random the source of jitter (the client passes its own; tests pass a seeded one)
     * @return a delay, never negative
     */
    Duration delay(int attempt, RandomGenerator random);
}
