package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.Metric;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The request-driving core on a fake clock against a scripted server: a discrete-event simulation. */
class ClientSlotTest {
    private static final long START = TimeUnit.SECONDS.toNanos(100);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final FakeClock clock = new FakeClock(START);
    private final RunMetrics metrics = new RunMetrics(t -> t.getClass().getSimpleName(), 10 * MS);

    /** Runs a rate-mode schedule of one client until every answer is in. */
    private void simulate(ScriptedConnection conn, ClientSlot slot, RequestPacer pacer, Runnable everyStep) {
        long nextDue = pacer.advance(clock.now);
        for (int steps = 0; steps < 1_000_000; steps++) {
            long t = Math.min(nextDue, conn.nextAnswerAt());
            if (t == Long.MAX_VALUE) {
                return;
            }
            clock.now = Math.max(clock.now, t);
            everyStep.run();
            conn.answerDue();
            slot.pump();
            nextDue = pacer.advance(clock.now);
        }
        throw new AssertionError("simulation did not finish");
    }

    @Test
    void aStallShowsInTheCorrectedLatencyOfEveryRequestThatShouldHaveBeenSentDuringIt() {
        // 100 requests/s for 3 s, one request in flight (like wrk2's one per connection). The server answers
        // in 1 ms, except that the request sent at t = 1 s waits 500 ms.
        LongUnaryOperator server = sentAt -> sentAt == START + TimeUnit.SECONDS.toNanos(1) ? 500 * MS : MS;
        ScriptedConnection conn = new ScriptedConnection(clock, server);
        RateSchedule schedule = new RateSchedule(START, 100, 1);
        metrics.measureFrom(START);
        ClientSlot slot = new ClientSlot(0, conn, Mode.RATE, schedule, metrics, clock, new byte[16], 1);
        RequestPacer pacer = new RequestPacer(schedule, new ClientSlot[] {slot}, START + TimeUnit.SECONDS.toNanos(3));

        simulate(conn, slot, pacer, () -> { });

        Histogram latency = metrics.result.interval(Metric.LATENCY).copy();
        Histogram service = metrics.result.interval(Metric.SERVICE).copy();
        assertThat(latency.getTotalCount()).isEqualTo(300);
        assertThat(service.getTotalCount()).isEqualTo(300);
        // The 49 requests intended during the stall waited for it: about a sixth of all requests are late by
        // 10..500 ms, so the 90th percentile is hundreds of milliseconds and the maximum is the stall.
        assertThat(latency.getMaxValue()).isBetween(499 * MS, 501 * MS);
        assertThat(latency.getValueAtPercentile(90)).isGreaterThan(200 * MS);
        assertThat(latency.getValueAtPercentile(85)).isGreaterThan(10 * MS);
        assertThat(latency.getValueAtPercentile(50)).isLessThanOrEqualTo(MS + MS / 100);
        // The uncorrected service time sees one slow request among 300 and hides the rest.
        assertThat(service.getValueAtPercentile(99)).isLessThanOrEqualTo(MS + MS / 100);
        assertThat(service.getMaxValue()).isBetween(499 * MS, 501 * MS);
        assertThat(metrics.late.sum()).isBetween(45L, 60L);
        assertThat(metrics.completed.sum()).isEqualTo(300);
        assertThat(slot.idle()).isTrue();
    }

    @Test
    void withoutAStallLatencyEqualsServiceTimeAndNothingIsLate() {
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> 2 * MS);
        RateSchedule schedule = new RateSchedule(START, 200, 1);
        metrics.measureFrom(START);
        ClientSlot slot = new ClientSlot(0, conn, Mode.RATE, schedule, metrics, clock, new byte[0], 1);
        RequestPacer pacer = new RequestPacer(schedule, new ClientSlot[] {slot}, START + TimeUnit.SECONDS.toNanos(1));

        simulate(conn, slot, pacer, () -> { });

        Histogram latency = metrics.result.interval(Metric.LATENCY).copy();
        assertThat(latency.getTotalCount()).isEqualTo(200);
        assertThat(latency.getMaxValue()).isBetween(2 * MS - MS / 100, 2 * MS + MS / 100);
        assertThat(latency.getMinValue()).isBetween(2 * MS - MS / 100, 2 * MS + MS / 100);
        assertThat(metrics.late.sum()).isZero();
    }

    @Test
    void requestsDueWhileDisconnectedWaitAndAreTimedFromTheirIntendedTime() {
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> MS);
        RateSchedule schedule = new RateSchedule(START, 100, 1);
        metrics.measureFrom(START);
        ClientSlot slot = new ClientSlot(0, conn, Mode.RATE, schedule, metrics, clock, new byte[0], 4);
        RequestPacer pacer = new RequestPacer(schedule, new ClientSlot[] {slot}, START + TimeUnit.SECONDS.toNanos(2));

        // Disconnected from 0.5 s to 1.0 s: about 50 requests wait, then go out 4 at a time.
        simulate(conn, slot, pacer, () -> conn.connected =
                clock.now < START + 500 * MS || clock.now >= START + 1000 * MS);

        Histogram latency = metrics.result.interval(Metric.LATENCY).copy();
        assertThat(latency.getTotalCount()).isEqualTo(200);
        assertThat(latency.getMaxValue()).isGreaterThan(490 * MS);
        assertThat(metrics.late.sum()).isGreaterThanOrEqualTo(49);
        assertThat(slot.backlog()).isZero();
    }

    @Test
    void warmupRequestsAreRecordedApartFromTheResult() {
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> MS);
        RateSchedule schedule = new RateSchedule(START, 100, 1);
        metrics.measureFrom(START + TimeUnit.SECONDS.toNanos(1));
        ClientSlot slot = new ClientSlot(0, conn, Mode.RATE, schedule, metrics, clock, new byte[0], 1);
        RequestPacer pacer = new RequestPacer(schedule, new ClientSlot[] {slot}, START + TimeUnit.SECONDS.toNanos(3));

        simulate(conn, slot, pacer, () -> { });

        assertThat(metrics.warmup.interval(Metric.LATENCY).getTotalCount()).isEqualTo(100);
        assertThat(metrics.result.interval(Metric.LATENCY).getTotalCount()).isEqualTo(200);
        assertThat(metrics.completed.sum()).isEqualTo(200);
        assertThat(metrics.warmupCompleted.sum()).isEqualTo(100);
    }

    @Test
    void closedModeKeepsTheOutstandingRequestsAndRecordsOnlyServiceTime() {
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> 10 * MS);
        metrics.measureFrom(START);
        ClientSlot slot = new ClientSlot(0, conn, Mode.CLOSED, null, metrics, clock, new byte[0], 2);
        slot.startClosed(START + TimeUnit.SECONDS.toNanos(1));
        assertThat(slot.inFlight()).isEqualTo(2);
        while (conn.nextAnswerAt() != Long.MAX_VALUE) {
            clock.now = conn.nextAnswerAt();
            conn.answerDue();
        }
        // Two requests every 10 ms for one second; the last pair is sent at 990 ms.
        assertThat(metrics.completed.sum()).isEqualTo(200);
        assertThat(metrics.result.interval(Metric.LATENCY).getTotalCount()).isZero();
        Histogram service = metrics.result.interval(Metric.SERVICE);
        assertThat(service.getTotalCount()).isEqualTo(200);
        assertThat(service.getMaxValue()).isBetween(10 * MS - MS / 50, 10 * MS + MS / 50);
    }

    @Test
    void failedRequestsAreCountedByKind() {
        ScriptedConnection failing = new ScriptedConnection(clock, sentAt -> MS);
        failing.failWith = new IllegalStateException("boom");
        RateSchedule schedule = new RateSchedule(START, 100, 1);
        metrics.measureFrom(START);
        ClientSlot slot = new ClientSlot(0, failing, Mode.RATE, schedule, metrics, clock, new byte[0], 1);
        RequestPacer pacer = new RequestPacer(schedule, new ClientSlot[] {slot}, START + 100 * MS);
        clock.now = START + 100 * MS;
        pacer.advance(clock.now);
        assertThat(metrics.errors()).containsEntry("IllegalStateException", 10L);
        assertThat(metrics.completed.sum()).isZero();
        assertThat(slot.idle()).isTrue();
    }
}
