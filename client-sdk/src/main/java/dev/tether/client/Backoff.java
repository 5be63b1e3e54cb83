package dev.tether.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The reconnect policy: how long to wait before connection attempt number {@code attempt}. Pick one from
 * the factories; implementations must be immutable and thread-safe (randomness comes from the argument).
 *
 * <p>The client asks for a delay before <em>every</em> reconnect attempt, the first one included. The first
 * reconnect after losing an <em>established</em> connection asks {@link #firstReconnectDelay}: when a server
 * that ten thousand clients share dies, they all lose it at the same instant, and only a wide random window
 * (full jitter) keeps them from coming back as one wave. The defaults draw that first delay uniformly from
 * [0, 3 s]; later attempts follow {@link #delay} from attempt 2 on. A successful handshake resets the count.
 *
 * <pre>{@code
 * Backoff.defaults();                                                    // gRPC's numbers, first reconnect spread over 3 s
 * Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.5);
 * Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.5, Duration.ofSeconds(10));
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
     * Default window of the first reconnect after losing an established connection: 3 s. The delay is drawn
     * uniformly from [0, 3 s]: a single client is back after 1.5 s on average (0.5 s more than a fixed
     * 1 s), while 10,000 clients that lost one server return at about 3,300 per second instead of all within
     * 0.4 s. See client-sdk/README.md for the trade-off.
     */
    Duration DEFAULT_FIRST_RECONNECT_WINDOW = Duration.ofSeconds(3);

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
        return new ExponentialBackoff(initial, max, multiplier, jitter, Duration.ZERO);
    }

    /**
     * As {@link #exponential(Duration, Duration, double, double)}, and the first reconnect after losing an
     * established connection waits a delay drawn uniformly from {@code [0, firstReconnectWindow]} ("full
     * jitter") instead of attempt 1's delay; if that attempt fails, the next waits attempt 2's delay.
     *
     * @param firstReconnectWindow the window of the first reconnect; {@link Duration#ZERO} turns the
     *     spreading off (the first reconnect waits {@code delay(1)}); not negative, at most {@code max}
     * @throws IllegalArgumentException naming the bad value
     */
    static Backoff exponential(Duration initial, Duration max, double multiplier, double jitter,
                               Duration firstReconnectWindow) {
        return new ExponentialBackoff(initial, max, multiplier, jitter, firstReconnectWindow);
    }

    /** The same delay before every attempt, without jitter. {@code d} must not be negative (zero retries at once). */
    static Backoff constant(Duration d) {
        return new ConstantBackoff(d);
    }

    /**
     * gRPC's connection-backoff numbers (grpc/doc/connection-backoff.md): 1 s initial, x1.6 per attempt,
     * ±20% jitter, 120 s cap, and the first reconnect after losing an established connection spread over
     * {@link #DEFAULT_FIRST_RECONNECT_WINDOW} (3 s). After a failed attempt the next waits 0.8–1.2 s, the
     * fifth about 6.6 s, and from the eleventh on the delay stays at 96–120 s.
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

    /**
     * The delay before the first reconnect after an established connection was lost (that attempt counts as
     * attempt 1: if it fails, the next waits {@code delay(2, random)}). By default {@code delay(1, random)};
     * {@link #defaults()} and the five-argument {@link #exponential(Duration, Duration, double, double, Duration)}
     * draw it uniformly from their window.
     *
     * @param random the source of jitter
     * @return a delay, never negative
     */
    default Duration firstReconnectDelay(RandomGenerator random) {
        return delay(1, random);
    }
}
