package dev.tether.loadtool.run;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.RunReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MixSetupTest {
    private static final RequestMix MIX = RequestMix.parse(String.join("\n",
            "login once request text:login ${client}",
            "say 1 request text:say ${client%2}",
            "join once send text:join room-${client%2}"), "t.mix", RequestMix.DEFAULT_SEED);

    /** A client the test scripts: connected or not, and how it answers each request. */
    private static final class FakeConnection implements LoadConnection {
        final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
        final List<CompletableFuture<Object>> unanswered = new ArrayList<>();
        boolean connected = true;
        /** What a request gets: answered at once, refused, or left pending. */
        String answer = "ok";

        @Override
        public CompletableFuture<?> connect() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<?> request(byte[] payload) {
            sent.add("request " + new String(payload, UTF_8));
            switch (answer) {
                case "refuse":
                    return CompletableFuture.failedFuture(new IllegalStateException("no"));
                case "never":
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    unanswered.add(f);
                    return f;
                default:
                    return CompletableFuture.completedFuture(null);
            }
        }

        @Override
        public CompletableFuture<?> send(byte[] payload) {
            sent.add("send " + new String(payload, UTF_8));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public Duration lastHeartbeatRtt() {
            return null;
        }
    }

    private static LoadClients clients(FakeConnection... connections) {
        return new LoadClients() {
            @Override
            public int size() {
                return connections.length;
            }

            @Override
            public LoadConnection connection(int i) {
                return connections[i];
            }

            @Override
            public CompletableFuture<?> connect(int i) {
                return connections[i].connect();
            }

            @Override
            public void warmUp(boolean request) {
            }

            @Override
            public int connected() {
                return connections.length;
            }

            @Override
            public long reconnects() {
                return 0;
            }

            @Override
            public SessionCounters sessionCounters() {
                return SessionCounters.NONE;
            }

            @Override
            public long rampNanos() {
                return 0;
            }

            @Override
            public void sampleHeartbeats() {
            }

            @Override
            public void close() {
            }
        };
    }

    private static MixSetup setup() {
        return new MixSetup(MIX, 10, new RunMetrics(t -> t.getClass().getSimpleName(), 0), () -> 0L);
    }

    @Test
    void eachClientSendsItsSetupEntriesInFileOrderWithItsOwnNumber() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        MixSetup setup = setup();

        setup.run(clients(a, b), TimeUnit.SECONDS.toNanos(10), () -> false);

        // firstClient 10: the clients are numbers 10 and 11; the weighted entry is never sent here.
        assertThat(a.sent).containsExactly("request login 10", "send join room-0");
        assertThat(b.sent).containsExactly("request login 11", "send join room-1");
        assertThat(setup.ok()).isEqualTo(4);
        assertThat(setup.failed()).isZero();
        assertThat(setup.summary(2)).startsWith("Setup: 2 clients x 2 setup entries: 4 ok, 0 failed in ");
    }

    @Test
    void aRefusedEntryIsCountedByKindAndTheNextOneStillGoes() {
        FakeConnection refused = new FakeConnection();
        refused.answer = "refuse";
        FakeConnection away = new FakeConnection();
        away.connected = false;
        MixSetup setup = setup();

        setup.run(clients(refused, away, new FakeConnection()), TimeUnit.SECONDS.toNanos(10), () -> false);

        assertThat(refused.sent).containsExactly("request login 10", "send join room-0");
        assertThat(away.sent).isEmpty();
        assertThat(setup.ok()).isEqualTo(3);
        assertThat(setup.failed()).isEqualTo(3);
        assertThat(setup.failures()).isEqualTo(Map.of("IllegalStateException", 1L, "NOT_CONNECTED", 2L));
        RunReport report = new RunReport();
        setup.report(report);
        assertThat(report.counter("setup.ok")).isEqualTo(3);
        assertThat(report.counter("setup.failed")).isEqualTo(3);
        assertThat(report.counter("setup.errors.NOT_CONNECTED")).isEqualTo(2);
        assertThat(setup.summary(3)).contains(": 3 ok, 3 failed in ").endsWith("(IllegalStateException 1, NOT_CONNECTED 2).");
    }

    @Test
    void whatIsUnansweredWhenThePhaseEndsCountsOnceAsATimeoutAndALateAnswerIsIgnored() {
        FakeConnection silent = new FakeConnection();
        silent.answer = "never";
        MixSetup setup = setup();

        // Stopped at once: the phase waits for nothing (no timing involved).
        setup.run(clients(silent), TimeUnit.SECONDS.toNanos(10), () -> true);

        assertThat(silent.sent).containsExactly("request login 10");
        assertThat(setup.failures()).isEqualTo(Map.of("SETUP_TIMEOUT", 2L));
        silent.unanswered.get(0).complete("late");
        assertThat(silent.sent).hasSize(1);
        assertThat(setup.ok()).isZero();
        assertThat(setup.failed()).isEqualTo(2);
    }
}
