package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.MixReport;
import dev.tether.loadtool.report.RunReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A whole run with a mix on fake time, against a scripted server that is slow for one entry only. */
class MixOperationsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final String MIX = String.join("\n",
            "fast  3  request  text:fast ${client}/${seq}",
            "slow  1  request  text:slow",
            "note  1  send     text:note");

    private final StringWriter output = new StringWriter();

    /** One client's connection: payloads starting with "slow" go to a server that answers in 50 ms, the rest in 1 ms. */
    private static final class ByPayload implements LoadConnection {
        final ScriptedConnection fast;
        final ScriptedConnection slow;
        final List<String> requests = new ArrayList<>();
        final List<String> sends = new ArrayList<>();

        ByPayload(FakeClock clock) {
            fast = new ScriptedConnection(clock, t -> MS);
            slow = new ScriptedConnection(clock, t -> 50 * MS);
            for (ScriptedConnection c : List.of(fast, slow)) {
                clock.schedule(new FakeClock.Events() {
                    @Override
                    public long nextAt() {
                        return c.nextAnswerAt();
                    }

                    @Override
                    public void fireDue() {
                        c.answerDue();
                    }
                });
            }
        }

        @Override
        public CompletableFuture<?> connect() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<?> request(byte[] payload) {
            String text = new String(payload, StandardCharsets.UTF_8);
            requests.add(text);
            return (text.startsWith("slow") ? slow : fast).request(payload);
        }

        @Override
        public CompletableFuture<?> send(byte[] payload) {
            sends.add(new String(payload, StandardCharsets.UTF_8));
            return fast.send(payload);
        }

        @Override
        public boolean connected() {
            return true;
        }

        @Override
        public Duration lastHeartbeatRtt() {
            return null;
        }
    }

    @Test
    void eachEntryIsCountedAndTimedApartSoTheSlowOneShows() {
        FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));
        List<ByPayload> conns = List.of(new ByPayload(clock), new ByPayload(clock));
        RequestMix mix = RequestMix.parse(MIX, "chat.mix", 7);
        // 2 clients, 100 operations/s in total for 2 s: messages 0..99 of each client; up to 10 in flight, so that
        // a slow answer does not hold the fast ones back.
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000)))
                .clients(2).rate(100).outstanding(10).firstClient(40)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(2))
                .mix(mix)
                .build();

        RunResult result = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> new RoutedClients(conns, metrics)).execute();

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(output.toString()).contains("requests at 100/s in total (a mix of 3 entries from chat.mix (seed 7), at most 10 in flight per client)");
        RunReport r = result.report();
        assertThat(r.counter(RunReport.OPS_COMPLETED)).isEqualTo(200);

        // The oracle: what the mix chooses for clients 40 and 41 (the plan's first client is 40), messages 0..99.
        long[] expected = new long[3];
        for (int client = 40; client < 42; client++) {
            for (int seq = 0; seq < 100; seq++) {
                expected[mix.choose(client, seq)]++;
            }
        }
        MixReport m = r.mix();
        assertThat(m.source()).isEqualTo("chat.mix");
        assertThat(m.seed()).isEqualTo(7);
        assertThat(m.metric()).isEqualTo("latency");
        assertThat(m.entries()).extracting(MixReport.Entry::name).containsExactly("fast", "slow", "note");
        assertThat(m.entries()).extracting(MixReport.Entry::completed).containsExactly(expected[0], expected[1], expected[2]);
        assertThat(m.entries()).extracting(MixReport.Entry::errors).containsExactly(0L, 0L, 0L);
        assertThat(expected[0] + expected[1] + expected[2]).isEqualTo(200);

        // What reached the server is what the mix chose, payloads filled in for each client and message.
        long slowSent = conns.stream().mapToLong(b -> b.requests.stream().filter(s -> s.equals("slow")).count()).sum();
        long notes = conns.stream().mapToLong(b -> b.sends.size()).sum();
        assertThat(slowSent).isEqualTo(expected[1]);
        assertThat(notes).isEqualTo(expected[2]);
        assertThat(conns.get(1).requests).contains("fast 41/" + firstSeqOf(mix, 41, 0));

        // The slow entry is slow, the others are not; the run's one latency histogram mixes them all.
        assertThat(m.entries().get(1).times().getValueAtPercentile(50)).isBetween(49 * MS, 52 * MS);
        assertThat(m.entries().get(0).times().getValueAtPercentile(99)).isLessThanOrEqualTo(2 * MS);
        assertThat(m.entries().get(2).times().getMaxValue()).isLessThanOrEqualTo(2 * MS);
        assertThat(r.histogram(Metric.LATENCY).getTotalCount()).isEqualTo(200);
        assertThat(r.histogram(Metric.LATENCY).getMaxValue()).isBetween(49 * MS, 52 * MS);
    }

    /** The first message number at or after {@code from} at which {@code client} sends entry 0. */
    private static long firstSeqOf(RequestMix mix, long client, long from) {
        long seq = from;
        while (mix.choose(client, seq) != 0) {
            seq++;
        }
        return seq;
    }

    @Test
    void failuresAreCountedAgainstTheirEntryAndWarmUpIsLeftOut() {
        FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));
        ByPayload conn = new ByPayload(clock);
        conn.slow.failWith = new IllegalStateException("refused by the server");
        RequestMix mix = RequestMix.parse(MIX, "chat.mix", 1);
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000)))
                .clients(1).rate(50).outstanding(10)
                .warmup(Duration.ofSeconds(1)).duration(Duration.ofSeconds(2))
                .mix(mix)
                .build();

        RunResult result = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> new RoutedClients(List.of(conn), metrics)).execute();

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        // 50 warm-up messages (0..49), then 100 measured (50..149).
        long[] expected = new long[3];
        for (int seq = 50; seq < 150; seq++) {
            expected[mix.choose(0, seq)]++;
        }
        MixReport m = result.report().mix();
        assertThat(m.entries().get(1).completed()).isZero();
        assertThat(m.entries().get(1).errors()).isEqualTo(expected[1]).isPositive();
        assertThat(m.entries().get(1).errorsByKind()).containsExactly(java.util.Map.entry("IllegalStateException", expected[1]));
        assertThat(m.entries().get(0).completed()).isEqualTo(expected[0]);
        assertThat(m.entries().get(2).completed()).isEqualTo(expected[2]);
        assertThat(result.report().counter(RunReport.ERRORS_PREFIX + "IllegalStateException")).isEqualTo(expected[1]);
    }

    /** {@link ScriptedClients}' behaviour over any {@link LoadConnection}s. */
    private static final class RoutedClients implements LoadClients {
        private final List<? extends LoadConnection> connections;
        private final RunMetrics metrics;

        RoutedClients(List<? extends LoadConnection> connections, RunMetrics metrics) {
            this.connections = connections;
            this.metrics = metrics;
        }

        @Override
        public int size() {
            return connections.size();
        }

        @Override
        public LoadConnection connection(int i) {
            return connections.get(i);
        }

        @Override
        public CompletableFuture<?> connect(int i) {
            metrics.result.record(Metric.CONNECT, MS);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void warmUp(boolean request) {
        }

        @Override
        public int connected() {
            return connections.size();
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
            return MS;
        }

        @Override
        public void sampleHeartbeats() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * Two event loops end operations of the same entry at once. HdrHistogram 2.2.2's packed recorder, written by two
     * threads while it grows its storage, spins forever (a round of 2 x 20,000 spread values hung about once in 25
     * rounds when tried alone); MixOperations lets one writer in at a time. Fifty rounds, each bounded.
     */
    @Test
    void twoThreadsRecordingTheSameEntryNeverHang() throws Exception {
        RequestMix mix = RequestMix.parse("say 1 request text:x", "t.mix", RequestMix.DEFAULT_SEED);
        for (int round = 0; round < 50; round++) {
            RunMetrics metrics = new RunMetrics(t -> "E", 0);
            metrics.measureFrom(0);
            MixOperations ops = new MixOperations(mix, 0, metrics, true, () -> 0L);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                java.util.SplittableRandom random = new java.util.SplittableRandom(round * 2L + t);
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 20_000; i++) {
                        ops.ended(0, i, 0, 0, 1_000 + random.nextLong(3_000_000_000L), null);
                    }
                }, "recorder-" + t);
                thread.setDaemon(true); // a hung one must not keep the test JVM alive
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(thread.isAlive()).as("round " + round + ": " + thread.getName() + " still recording after 60 s").isFalse();
            }
            RunReport report = new RunReport();
            ops.report(report);
            assertThat(report.mix().entries().get(0).completed()).isEqualTo(40_000);
        }
    }
}
