package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectionLostException;
import dev.tether.client.SendBufferFullException;
import dev.tether.loadtool.report.Delivery;
import dev.tether.loadtool.report.RunReport;
import dev.tether.loadtool.report.TextReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** Whole send runs on fake time against scripted clients: what the run says became of every send. */
class DeliveryCountTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final StringWriter output = new StringWriter();
    private final FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));

    /** 100 sends in one second from one client, answered after {@code serviceTime}; {@code script} adjusts the clients. */
    private RunReport sendRun(LongUnaryOperator serviceTime, Consumer<ScriptedConnection> connection, Consumer<ScriptedClients> clients) {
        ScriptedConnection conn = new ScriptedConnection(clock, serviceTime);
        connection.accept(conn);
        clock.schedule(new FakeClock.Events() {
            @Override
            public long nextAt() {
                return conn.nextAnswerAt();
            }

            @Override
            public void fireDue() {
                conn.answerDue();
            }
        });
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000)))
                .mode(Mode.SEND).clients(1).rate(100).outstanding(1000)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(1))
                .build();
        RunResult result = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> {
                    ScriptedClients scripted = new ScriptedClients(List.of(conn), metrics);
                    clients.accept(scripted);
                    return scripted;
                }).execute();
        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        return result.report();
    }

    @Test
    void everySendAnsweredIsAcknowledgedAndTheCountBalances() {
        RunReport r = sendRun(sentAt -> MS, c -> { }, c -> { });

        Delivery d = Delivery.of(r);
        assertThat(d.sendsAccepted()).isEqualTo(100);
        assertThat(d.sendsAcknowledged()).isEqualTo(100);
        assertThat(d.sendsFailed()).isZero();
        assertThat(d.sendsAwaiting()).isZero();
        assertThat(d.balanced()).isTrue();
        assertThat(d.serverSendsReceived()).as("a remote target's figures are not known").isEqualTo(-1);
        assertThat(d.resumptionNotOffered()).isEqualTo(1);
        assertThat(r.warnings()).noneMatch(w -> w.startsWith("DELIVERY"));
        assertThat(output.toString()).doesNotContain("DELIVERY");
    }

    @Test
    void aSendTheClientStillHoldsAtTheEndIsAwaitingNotLost() {
        AtomicInteger n = new AtomicInteger();
        // The 10th send is never answered within the run: the client still holds it when the run ends.
        RunReport r = sendRun(sentAt -> n.incrementAndGet() == 10 ? TimeUnit.HOURS.toNanos(1) : MS, c -> { }, c -> { });

        Delivery d = Delivery.of(r);
        assertThat(d.sendsAccepted()).isEqualTo(100);
        assertThat(d.sendsAcknowledged()).isEqualTo(99);
        assertThat(d.sendsAwaiting()).isEqualTo(1);
        assertThat(d.balanced()).isTrue();
    }

    @Test
    void aSendTheClientDroppedWithoutACountIsReportedLoudly() {
        AtomicInteger n = new AtomicInteger();
        // The same unanswered send, but this client's statistics do not hold it any more: it vanished.
        RunReport r = sendRun(sentAt -> n.incrementAndGet() == 10 ? TimeUnit.HOURS.toNanos(1) : MS, c -> { },
                c -> c.sessions = () -> new SessionCounters(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));

        Delivery d = Delivery.of(r);
        assertThat(d.sendsUnaccounted()).isEqualTo(1);
        assertThat(output.toString()).contains("loadtool run: DELIVERY NOT ACCOUNTED FOR: 100 sends accepted, but 99 acknowledged"
                + " + 0 failed + 0 awaiting = 99: 1 sends lost without a count");
        assertThat(r.warnings().get(0)).startsWith("DELIVERY NOT ACCOUNTED FOR");
        assertThat(TextReport.render(r, List.of())).startsWith("Tether load run\nDELIVERY NOT ACCOUNTED FOR");
    }

    @Test
    void failedSendsAreLostExplicitlyAndRefusedOnesWereNeverAccepted() {
        RunReport lost = sendRun(sentAt -> MS, c -> c.failWith = new ConnectionLostException("connection lost before the write"), c -> { });
        Delivery d = Delivery.of(lost);
        assertThat(d.sendsAccepted()).isEqualTo(100);
        assertThat(d.sendsFailed()).isEqualTo(100);
        assertThat(d.sendsAcknowledged()).isZero();
        assertThat(d.balanced()).isTrue();

        RunReport refused = sendRun(sentAt -> MS, c -> c.failWith = new SendBufferFullException("send buffer full"), c -> { });
        Delivery e = Delivery.of(refused);
        assertThat(e.sendsRefused()).isEqualTo(100);
        assertThat(e.sendsAccepted()).isZero();
        assertThat(e.balanced()).isTrue();
        assertThat(refused.counter(RunReport.ERRORS_PREFIX + "SEND_BUFFER_FULL")).isEqualTo(100);
    }
}
