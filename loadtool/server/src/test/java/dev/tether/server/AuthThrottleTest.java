package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
    private long now = 1_000;
    private final AuthThrottle throttle = new AuthThrottle(() -> now, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofMinutes(10), 3);

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static long ms(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    @Test
    void theFirstFailureIsAnsweredAtOnceThenTheWaitDoublesUpToTheMaximum() throws UnknownHostException {
        InetAddress a = ip("10.0.0.1");
        long[] waits = new long[9];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = ms(throttle.failed(a));
        }
        assertThat(waits).containsExactly(0, 250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000);
        assertThat(ms(throttle.delayNanos(Long.MAX_VALUE))).isEqualTo(5_000); // no overflow however many
    }

    @Test
    void oneSourcesFailuresDoNotSlowAnotherSource() throws UnknownHostException {
        for (int i = 0; i < 5; i++) {
            throttle.failed(ip("10.0.0.1"));
        }
        assertThat(throttle.failed(ip("10.0.0.2"))).isZero();
    }

    @Test
    void theRightTokenClearsTheRecordAndQuietTimeForgetsIt() throws UnknownHostException {
        InetAddress a = ip("10.0.0.1");
        throttle.failed(a);
        throttle.failed(a);
        throttle.succeeded(a);
        assertThat(throttle.failed(a)).isZero();
        assertThat(ms(throttle.failed(a))).isEqualTo(250);

        now += Duration.ofMinutes(10).toNanos();
        assertThat(throttle.failed(a)).isZero();
    }

    @Test
    void anIpv6HostIsOneSourceAcrossItsSlash64() throws UnknownHostException {
        throttle.failed(ip("2001:db8:1:2::1"));
        assertThat(ms(throttle.failed(ip("2001:db8:1:2::ffff")))).isEqualTo(250);
        assertThat(throttle.failed(ip("2001:db8:1:3::1"))).isZero();
    }

    @Test
    void theTableIsBoundedAndDropsTheSourceThatFailedLeastRecently() throws UnknownHostException {
        for (int i = 1; i <= 100; i++) {
            throttle.failed(ip("10.0.1." + i));
        }
        assertThat(throttle.sources()).isEqualTo(3);
        assertThat(ms(throttle.failed(ip("10.0.1.100")))).isEqualTo(250); // recent: kept
        assertThat(throttle.failed(ip("10.0.1.1"))).isZero(); // oldest: forgotten
    }
}
