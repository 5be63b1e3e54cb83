package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTimeoutsTest {
    private final FakeScheduler time = new FakeScheduler();
    private final List<RequestOp> expired = new ArrayList<>();
    private final RequestTimeouts timeouts = new RequestTimeouts(time, expired::add);

    private static RequestOp op(Duration timeout) {
        return new RequestOp(null, new byte[0], timeout.toNanos());
    }

    @Test
    void eachRequestExpiresExactlyAtItsOwnDeadlineWithOneTimer() throws Exception {
        RequestOp a = op(Duration.ofSeconds(10));
        timeouts.add(a);
        time.forward(Duration.ofSeconds(1));
        RequestOp b = op(Duration.ofSeconds(10));
        timeouts.add(b);
        assertThat(time.pendingDelays()).hasSize(1); // one timer, however many requests

        time.forward(Duration.ofMillis(8_999));
        assertThat(expired).isEmpty();
        time.forward(Duration.ofMillis(1));
        assertThat(expired).containsExactly(a);
        time.forward(Duration.ofMillis(999));
        assertThat(expired).containsExactly(a);
        time.forward(Duration.ofMillis(1));
        assertThat(expired).containsExactly(a, b);
        assertThat(timeouts.size()).isZero();
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void aShorterTimeoutAddedLaterExpiresFirst() throws Exception {
        RequestOp slow = op(Duration.ofSeconds(10));
        RequestOp fast = op(Duration.ofSeconds(2));
        RequestOp medium = op(Duration.ofSeconds(5));
        timeouts.add(slow);
        timeouts.add(fast);
        timeouts.add(medium);
        time.forward(Duration.ofSeconds(2));
        assertThat(expired).containsExactly(fast);
        time.forward(Duration.ofSeconds(3));
        assertThat(expired).containsExactly(fast, medium);
        time.forward(Duration.ofSeconds(5));
        assertThat(expired).containsExactly(fast, medium, slow);
    }

    @Test
    void removedRequestsNeverExpireAndTheTimerGoesWhenNoneIsLeft() throws Exception {
        RequestOp a = op(Duration.ofSeconds(1));
        RequestOp b = op(Duration.ofSeconds(2));
        RequestOp c = op(Duration.ofSeconds(3));
        timeouts.add(a);
        timeouts.add(b);
        timeouts.add(c);
        timeouts.remove(b);
        timeouts.remove(b); // idempotent
        time.forward(Duration.ofSeconds(5));
        assertThat(expired).containsExactly(a, c);

        RequestOp d = op(Duration.ofSeconds(1));
        timeouts.add(d);
        timeouts.remove(d);
        assertThat(time.pendingDelays()).isEmpty();
        time.forward(Duration.ofSeconds(5));
        assertThat(expired).containsExactly(a, c);
    }

    @Test
    void manyRequestsWithTheSameTimeoutExpireInOrder() throws Exception {
        List<RequestOp> ops = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            RequestOp op = op(Duration.ofMillis(100));
            ops.add(op);
            timeouts.add(op);
            time.forward(Duration.ofNanos(1)); // distinct deadlines, all before the first expiry
        }
        for (int i = 0; i < 1000; i += 2) {
            timeouts.remove(ops.get(i)); // answered
        }
        time.forward(Duration.ofSeconds(1));
        assertThat(expired).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(expired.get(i)).isSameAs(ops.get(2 * i + 1));
        }
    }
}
