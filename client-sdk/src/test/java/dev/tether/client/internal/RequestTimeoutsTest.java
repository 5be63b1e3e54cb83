package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RequestTimeoutsTest {
    private final FakeScheduler time = new FakeScheduler();
    private final List<RequestOp> expired = new ArrayList<>();
    private int timersScheduled;
    /** The fake clock, counting the timers scheduled on it. */
    private final Scheduler counting = new Scheduler() {
        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
            timersScheduled++;
            return time.schedule(task, delayNanos);
        }

        @Override
        public long nanoTime() {
            return time.nanoTime();
        }
    };
    private final RequestTimeouts timeouts = new RequestTimeouts(counting, expired::add);

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
    void removedRequestsNeverExpireAndTheTimerGoesOnceItFiresWithNoneLeft() throws Exception {
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
        assertThat(time.pendingDelays()).isEmpty();

        RequestOp d = op(Duration.ofSeconds(1));
        timeouts.add(d);
        timeouts.remove(d);
        // Not cancelled when the list empties: it fires once at d's old deadline, finds nothing and is not re-armed.
        assertThat(time.pendingDelays()).containsExactly(Duration.ofSeconds(1));
        time.forward(Duration.ofSeconds(1));
        assertThat(time.pendingDelays()).isEmpty();
        assertThat(timeouts.timerArmed()).isFalse();
        time.forward(Duration.ofHours(1));
        assertThat(expired).containsExactly(a, c);
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void oneRequestAtATimeSchedulesOneTimerPerTimeoutPeriodNotOnePerRequest() throws Exception {
        // A closed loop: each answer empties the list, the next request refills it, 1 ms later.
        for (int i = 0; i < 10_000; i++) {
            RequestOp op = op(Duration.ofSeconds(1));
            timeouts.add(op);
            time.forward(Duration.ofMillis(1));
            timeouts.remove(op);
            assertThat(time.pendingDelays()).hasSizeLessThanOrEqualTo(1);
        }
        // 10 s of requests, a 1 s timeout: the timer fired about 10 times, re-armed each time for the request pending.
        assertThat(timersScheduled).isBetween(10, 11);
        assertThat(expired).isEmpty();
    }

    @Test
    void aLaterDeadlineLeavesTheArmedTimerAndExpiresExactlyOnTime() throws Exception {
        RequestOp first = op(Duration.ofSeconds(1));
        timeouts.add(first);
        timeouts.remove(first); // the timer stays armed for t = 1 s
        time.forward(Duration.ofMillis(500));
        RequestOp second = op(Duration.ofSeconds(1)); // due at t = 1.5 s
        timeouts.add(second);
        assertThat(timersScheduled).isEqualTo(1);
        assertThat(time.pendingDelays()).containsExactly(Duration.ofMillis(500));

        time.forward(Duration.ofMillis(500)); // the timer fires early for second, and re-arms for its deadline
        assertThat(expired).isEmpty();
        assertThat(time.pendingDelays()).containsExactly(Duration.ofMillis(500));
        time.forward(Duration.ofMillis(499));
        assertThat(expired).isEmpty();
        time.forward(Duration.ofMillis(1));
        assertThat(expired).containsExactly(second);
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void anEarlierDeadlineThanTheArmedTimerReArmsIt() throws Exception {
        RequestOp slow = op(Duration.ofSeconds(10));
        timeouts.add(slow);
        timeouts.remove(slow);
        RequestOp fast = op(Duration.ofSeconds(1));
        timeouts.add(fast);
        assertThat(time.pendingDelays()).containsExactly(Duration.ofSeconds(1));
        time.forward(Duration.ofSeconds(1));
        assertThat(expired).containsExactly(fast);
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void cancelStopsTheTimerForGood() throws Exception {
        RequestOp a = op(Duration.ofSeconds(1));
        timeouts.add(a);
        timeouts.cancel();
        assertThat(time.pendingDelays()).isEmpty();
        assertThat(timeouts.timerArmed()).isFalse();
        time.forward(Duration.ofSeconds(5));
        assertThat(expired).isEmpty(); // the owner fails what is left (the client is closed)

        RequestOp b = op(Duration.ofSeconds(1));
        timeouts.add(b);
        timeouts.remove(b);
        timeouts.cancel(); // also an armed timer with nothing pending
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void aRequestAddedByATimeoutCallbackIsTimedWithOneTimer() throws Exception {
        List<RequestOp> retried = new ArrayList<>();
        RequestTimeouts[] self = new RequestTimeouts[1];
        self[0] = new RequestTimeouts(counting, op -> {
            expired.add(op);
            if (retried.isEmpty()) { // the application retries from the failed future's callback
                RequestOp again = op(Duration.ofSeconds(2));
                retried.add(again);
                self[0].add(again);
            }
        });
        timeouts.cancel();
        timersScheduled = 0;
        RequestOp a = op(Duration.ofSeconds(1));
        self[0].add(a);
        time.forward(Duration.ofSeconds(1));
        assertThat(expired).containsExactly(a);
        assertThat(time.pendingDelays()).containsExactly(Duration.ofSeconds(2));
        time.forward(Duration.ofSeconds(2));
        assertThat(expired).containsExactly(a, retried.get(0));
        assertThat(timersScheduled).isEqualTo(2);
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
