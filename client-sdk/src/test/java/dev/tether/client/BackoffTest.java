package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void defaultsGrowByOnePointSixWithinTwentyPercentAndAreCappedAt120Seconds() {
        Backoff b = Backoff.defaults();
        SplittableRandom random = new SplittableRandom(7);
        for (int attempt = 1; attempt <= 30; attempt++) {
            double base = Math.min(120_000.0, 1000.0 * Math.pow(1.6, attempt - 1));
            for (int i = 0; i < 200; i++) {
                long ms = b.delay(attempt, random).toMillis();
                assertThat(ms).as("attempt %d", attempt)
                        .isBetween((long) Math.floor(base * 0.8) - 1, (long) Math.min(120_000, Math.ceil(base * 1.2)));
            }
        }
    }

    @Test
    void delaysGrowOnAverageUntilTheCap() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.2);
        SplittableRandom random = new SplittableRandom(1);
        double previous = 0;
        for (int attempt = 1; attempt <= 7; attempt++) { // 100 ms .. 6.4 s: below the cap
            double mean = 0;
            for (int i = 0; i < 1000; i++) {
                mean += b.delay(attempt, random).toNanos() / 1000.0;
            }
            assertThat(mean).isGreaterThan(previous * 1.5);
            previous = mean;
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(b.delay(40, random)).isLessThanOrEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void jitterActuallySpreadsTheDelays() {
        Backoff b = Backoff.defaults();
        SplittableRandom random = new SplittableRandom(3);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long ms = b.delay(1, random).toMillis();
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertThat(min).isLessThan(850);
        assertThat(max).isGreaterThan(1150);
    }

    @Test
    void sameSeedSameDelays() {
        Backoff b = Backoff.defaults();
        SplittableRandom r1 = new SplittableRandom(99);
        SplittableRandom r2 = new SplittableRandom(99);
        for (int attempt = 1; attempt < 10; attempt++) {
            assertThat(b.delay(attempt, r1)).isEqualTo(b.delay(attempt, r2));
        }
    }

    @Test
    void constantIsConstant() {
        Backoff b = Backoff.constant(Duration.ofSeconds(3));
        assertThat(b.delay(1, new SplittableRandom())).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.delay(100, new SplittableRandom())).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void badArgumentsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1), 2, 0.1))
                .hasMessageContaining("initial must be positive: PT0S");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0.1))
                .hasMessageContaining("max must be >= initial");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0.1))
                .hasMessageContaining("multiplier must be >= 1.0: 0.5");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 1.5))
                .hasMessageContaining("jitter must be in [0, 1]: 1.5");
        assertThatThrownBy(() -> Backoff.constant(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> Backoff.defaults().delay(0, new SplittableRandom())).hasMessageContaining("attempt");
    }

    @Test
    void theFirstReconnectOfTheDefaultsIsDrawnUniformlyFromTheWindow() {
        Backoff b = Backoff.defaults();
        SplittableRandom random = new SplittableRandom(11);
        int[] tenths = new int[10];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            Duration d = b.firstReconnectDelay(random);
            assertThat(d).isBetween(Duration.ZERO, Backoff.DEFAULT_FIRST_RECONNECT_WINDOW);
            tenths[(int) Math.min(9, d.toNanos() * 10 / Backoff.DEFAULT_FIRST_RECONNECT_WINDOW.toNanos())]++;
        }
        for (int count : tenths) { // each tenth of the window gets its tenth of the clients (±5 %)
            assertThat(count).isBetween(n / 10 * 95 / 100, n / 10 * 105 / 100);
        }
    }

    @Test
    void tenThousandClientsThatLostOneServerNoLongerReturnAsOneWave() {
        SplittableRandom random = new SplittableRandom(5);
        int[] spread = perHundredMillis(Backoff.defaults(), true, random);
        int[] gRpcAlone = perHundredMillis(Backoff.exponential(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_MAX,
                Backoff.DEFAULT_MULTIPLIER, Backoff.DEFAULT_JITTER), true, random);
        // before: every first retry within 0.8-1.2 s, 2,500 per 100 ms; now about 333 per 100 ms over 3 s
        assertThat(java.util.Arrays.stream(gRpcAlone).max().getAsInt()).isGreaterThan(2_000);
        assertThat(java.util.Arrays.stream(spread).max().getAsInt()).isLessThan(400);
        assertThat(java.util.Arrays.stream(spread).filter(c -> c > 0).count()).isGreaterThanOrEqualTo(30);
    }

    private static int[] perHundredMillis(Backoff b, boolean afterLoss, SplittableRandom random) {
        int[] bins = new int[100];
        for (int i = 0; i < 10_000; i++) {
            Duration d = afterLoss ? b.firstReconnectDelay(random) : b.delay(1, random);
            bins[(int) Math.min(99, d.toMillis() / 100)]++;
        }
        return bins;
    }

    @Test
    void theFirstReconnectWindowIsAChoiceOfTheFactory() {
        SplittableRandom random = new SplittableRandom(2);
        Backoff wide = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, 0.2, Duration.ofSeconds(10));
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            Duration d = wide.firstReconnectDelay(random);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(10));
            max = Math.max(max, d.toMillis());
        }
        assertThat(max).isGreaterThan(9_000);
        Backoff off = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, 0.2, Duration.ZERO);
        assertThat(off.firstReconnectDelay(random)).isBetween(Duration.ofMillis(80), Duration.ofMillis(120));
        assertThat(Backoff.constant(Duration.ofSeconds(5)).firstReconnectDelay(random)).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 0.1, Duration.ofSeconds(-1)))
                .hasMessageContaining("firstReconnectWindow must not be negative: PT-1S");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 0.1, Duration.ofSeconds(3)))
                .hasMessageContaining("firstReconnectWindow must be <= max (PT2S): PT3S");
    }
}
