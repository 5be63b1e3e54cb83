package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.Backoff;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReconnectLoopTest {
    private final FakeScheduler scheduler = new FakeScheduler();
    private final AtomicInteger attempts = new AtomicInteger();
    private final ReconnectLoop loop = new ReconnectLoop(Backoff.defaults(), new SplittableRandom(42), scheduler,
            attempts::incrementAndGet);

    @Test
    void waitsTheBackoffDelayBeforeEveryAttemptTheFirstIncluded() throws Exception {
        Duration first = loop.scheduleRetry();
        assertThat(first).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(loop.retries()).isEqualTo(1);

        scheduler.forward(first.minusNanos(1));
        assertThat(attempts).hasValue(0);
        scheduler.forward(Duration.ofNanos(1));
        assertThat(attempts).hasValue(1);
        assertThat(loop.waiting()).isFalse();

        Duration second = loop.scheduleRetry();
        assertThat(second).isBetween(Duration.ofMillis(1280), Duration.ofMillis(1920)); // 1.6 s ± 20%
        scheduler.forward(second);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void resetStartsAgainAtTheFirstDelay() {
        loop.scheduleRetry();
        loop.scheduleRetry();
        loop.scheduleRetry();
        loop.reset();
        assertThat(loop.scheduleRetry()).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(loop.retries()).isEqualTo(1);
    }

    @Test
    void skipWaitRunsTheAttemptAtOnceAndOnlyOnce() throws Exception {
        loop.scheduleRetry();
        assertThat(loop.skipWait()).isTrue();
        assertThat(attempts).hasValue(1);
        scheduler.forward(Duration.ofMinutes(5));
        assertThat(attempts).hasValue(1);
        assertThat(loop.skipWait()).isFalse();
    }

    @Test
    void cancelStopsThePendingWait() throws Exception {
        loop.scheduleRetry();
        loop.cancel();
        scheduler.forward(Duration.ofMinutes(5));
        assertThat(attempts).hasValue(0);
        assertThat(scheduler.pendingDelays()).isEmpty();
    }

    @Test
    void aGoAwayHintReplacesThePendingWait() throws Exception {
        loop.scheduleRetry();
        loop.scheduleIn(Duration.ofSeconds(10));
        scheduler.forward(Duration.ofSeconds(9));
        assertThat(attempts).hasValue(0);
        scheduler.forward(Duration.ofSeconds(1));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void theFirstReconnectAfterALossIsSpreadOverTheWindowAndCountsAsTheFirstRetry() throws Exception {
        Duration first = loop.scheduleAfterLoss();
        assertThat(first).isBetween(Duration.ZERO, Backoff.DEFAULT_FIRST_RECONNECT_WINDOW);
        assertThat(loop.retries()).isEqualTo(1);
        scheduler.forward(first);
        assertThat(attempts).hasValue(1);
        assertThat(loop.scheduleRetry()).isBetween(Duration.ofMillis(1280), Duration.ofMillis(1920)); // attempt 2
    }

    @Test
    void theRandomSourceIsTheInjectedOne() {
        ReconnectLoop a = new ReconnectLoop(Backoff.defaults(), new SplittableRandom(9), scheduler, () -> { });
        ReconnectLoop b = new ReconnectLoop(Backoff.defaults(), new SplittableRandom(9), scheduler, () -> { });
        assertThat(a.scheduleAfterLoss()).isEqualTo(b.scheduleAfterLoss());
    }

    @Test
    void clientsToldTheSameHintDoNotReturnAtTheSameInstant() {
        java.util.Set<Duration> delays = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Duration d = loop.scheduleAfterHint(Duration.ofSeconds(2));
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2400));
            delays.add(d);
        }
        assertThat(delays).hasSizeGreaterThan(300); // 1 ms resolution over a 400 ms window
        assertThat(loop.retries()).as("a hint is not a failed attempt").isZero();
    }
}
