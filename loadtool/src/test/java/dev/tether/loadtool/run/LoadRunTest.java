package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.Delivery;
import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.TextReport;
import dev.tether.loadtool.report.RunReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Runs against real sockets on loopback: the scripted stall, the embedded server, the pre-flight refusal. */
class LoadRunTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final StringWriter output = new StringWriter();

    private RunResult run(LoadPlan plan, ResourceLimits limits) {
        return LoadRun.create(plan, new PrintWriter(output, true), false, limits).execute();
    }

    @Test
    void aServerStallShowsInTheHighPercentilesOfLatencyButNotOfServiceTime() {
        // On fake time: 100 requests/s for 2 s, one in flight. The server answers in 1 ms, except that request
        // 50 stalls for 300 ms: a GC pause.
        FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));
        AtomicInteger seen = new AtomicInteger();
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> seen.incrementAndGet() == 50 ? 300 * MS : MS);
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
        ScriptedClients[] opened = new ScriptedClients[1];
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7000)))
                .clients(1).rate(100).outstanding(1)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(2))
                .build();

        RunResult result = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> opened[0] = new ScriptedClients(List.of(conn), metrics)).execute();

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        RunReport r = result.report();
        Histogram latency = r.histogram(Metric.LATENCY);
        Histogram service = r.histogram(Metric.SERVICE);
        assertThat(latency.getTotalCount()).isEqualTo(200);
        assertThat(r.counter(RunReport.OPS_SCHEDULED)).isEqualTo(200);
        assertThat(r.counter(RunReport.OPS_COMPLETED)).isEqualTo(200);
        // The 30-odd requests intended during the stall waited for it: 291 ms, 282 ms, ... so the corrected
        // 90th percentile is tens of milliseconds and the maximum is the stall itself.
        assertThat(latency.getMaxValue()).isBetween(299 * MS, 302 * MS);
        assertThat(latency.getValueAtPercentile(90)).isGreaterThanOrEqualTo(80 * MS);
        assertThat(latency.getValueAtPercentile(95)).isGreaterThanOrEqualTo(150 * MS);
        // Measured from the actual send, only the one stalled request is slow.
        assertThat(service.getMaxValue()).isBetween(299 * MS, 302 * MS);
        assertThat(service.getValueAtPercentile(99)).isLessThanOrEqualTo(MS + MS / 50);
        assertThat(r.counter(RunReport.OPS_LATE)).isBetween(28L, 34L);
        assertThat(r.counter(RunReport.DURATION_MILLIS)).isEqualTo(2_000);
        assertThat(opened[0].closed).isTrue();
    }

    @Test
    void theRampCountsConnectsThatEndAfterTheRampPhase() {
        // A client whose handshake ends late (here: the last one at the end of the run, 2 s on fake time) must
        // show in the ramp time: reading it when the ramp phase ended made a slow ramp look fast.
        FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> MS);
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
        long start = clock.getAsLong();
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7000)))
                .clients(1).rate(10).outstanding(1)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(2))
                .build();

        RunResult result = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> {
                    ScriptedClients clients = new ScriptedClients(List.of(conn), metrics);
                    clients.ramp = () -> clock.getAsLong() - start; // the last handshake is "now"
                    return clients;
                }).execute();

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(result.report().counter(RunReport.RAMP_MILLIS)).isGreaterThanOrEqualTo(2_000);
    }

    @Test
    void aChildStartedOnSignalSaysItIsReadyAfterItsWarmUpAndConnectsOnlyOnceTold() {
        // A child of run --processes: clients built and warmed up, then READY on the progress sink, then nothing
        // until the parent's start time arrives (here at 5 s of fake time); the ramp is counted from then on.
        FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));
        long signalAt = clock.getAsLong() + TimeUnit.SECONDS.toNanos(5);
        java.util.concurrent.CompletableFuture<java.time.Instant> signal = new java.util.concurrent.CompletableFuture<>();
        clock.schedule(new FakeClock.Events() {
            @Override
            public long nextAt() {
                return signal.isDone() ? Long.MAX_VALUE : signalAt;
            }

            @Override
            public void fireDue() {
                if (clock.getAsLong() >= signalAt) {
                    signal.complete(java.time.Instant.now()); // "now": no further wait for the wall clock
                }
            }
        });
        ScriptedConnection conn = new ScriptedConnection(clock, sentAt -> MS);
        StringWriter progress = new StringWriter();
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7000)))
                .clients(1).mode(Mode.IDLE).warmup(Duration.ZERO).duration(Duration.ofSeconds(1))
                .build();
        LoadRun run = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> {
                    ScriptedClients clients = new ScriptedClients(List.of(conn), metrics);
                    clients.calls = call -> calls.add(call + (progress.toString().contains(ShardProgress.READY) ? " after READY" : "")
                            + (signal.isDone() ? " after the signal" : ""));
                    return clients;
                });
        run.progressTo(new PrintWriter(progress, true));
        run.startWhenTold(signal);

        RunResult result = run.execute();

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(calls).containsExactly("warmUp", "connect 0 after READY after the signal");
        assertThat(progress.toString()).startsWith(ShardProgress.READY + System.lineSeparator());
        assertThat(result.report().hasCounter(RunReport.READY_MILLIS)).isTrue();
        // A child's heap is not measured (no full GCs around its ramp): the parent reports the processes' memory.
        assertThat(result.report().hasCounter(RunReport.HEAP_BYTES)).isFalse();
        assertThat(result.report().hasCounter(RunReport.HEAP_BASELINE_BYTES)).isFalse();
        assertThat(result.report().info(dev.tether.loadtool.report.ShardMerge.START_AT)).isEqualTo(signal.join().toString());
    }

    @Test
    void aChildWhoseParentWentAwayBeforeTheStartFailsWithoutConnecting() {
        FakeClock clock = new FakeClock(TimeUnit.SECONDS.toNanos(100));
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        LoadPlan plan = LoadPlan.builder()
                .targets(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7000)))
                .clients(1).mode(Mode.IDLE).warmup(Duration.ZERO).duration(Duration.ofSeconds(1))
                .build();
        LoadRun run = new LoadRun(plan, new PrintWriter(output, true), false, ResourceLimits.UNKNOWN, clock,
                (p, targets, metrics, c) -> {
                    ScriptedClients clients = new ScriptedClients(List.of(new ScriptedConnection(clock, sentAt -> MS)), metrics);
                    clients.calls = calls::add;
                    return clients;
                });
        run.startWhenTold(StartAt.readFrom(new java.io.ByteArrayInputStream(new byte[0]))); // standard input closed at once

        RunResult result = run.execute();

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(result.message()).contains("no start time from the parent process").contains("standard input ended");
        assertThat(calls).containsExactly("warmUp");
    }

    @Test
    void aFewHundredClientsAgainstTheEmbeddedServer() {
        LoadPlan plan = LoadPlan.builder()
                .clients(300).connectRate(3_000).rate(900)
                .warmup(Duration.ofSeconds(1)).duration(Duration.ofSeconds(2))
                .build();

        RunResult result = run(plan, ResourceLimits.current());

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        RunReport r = result.report();
        assertThat(r.counter(RunReport.CLIENTS_PEAK)).isEqualTo(300);
        assertThat(r.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(300);
        assertThat(r.counter(RunReport.OPS_SCHEDULED)).isEqualTo(1_800);
        assertThat(r.counter(RunReport.OPS_COMPLETED) + r.errors()).isEqualTo(1_800);
        assertThat(r.histogram(Metric.LATENCY).getTotalCount()).isEqualTo(r.counter(RunReport.OPS_COMPLETED));
        assertThat(r.warmupHistogram(Metric.LATENCY).getTotalCount()).isEqualTo(900);
        assertThat(output.toString()).contains("started the reference server in this process on 127.0.0.1:");
    }

    @Test
    void aServerRestartedMidRunIsReportedAsAnOutageWithEveryClientBack() throws Exception {
        // The SDK spreads the first reconnect over 3 s: the run lasts long enough for every client to be back.
        LoadPlan plan = LoadPlan.builder()
                .clients(20).connectRate(1_000).rate(100)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(6))
                // Since the run started: after the JIT warm-up and the ramp, which take a second or two on a busy machine.
                .restartServerAt(Duration.ofSeconds(3))
                .build();

        RunResult result = run(plan, ResourceLimits.current());

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        RunReport r = result.report();
        assertThat(output.toString()).contains("--restart-server-at 3s: killing the embedded server");
        assertThat(r.counter(OutageReport.EPISODES)).as(output.toString()).isEqualTo(1);
        assertThat(r.counter(OutageReport.RECOVERED)).as(r.info(OutageReport.INFO)).isEqualTo(1);
        // The restart waits for the ramp to end, so every client is connected when the server dies: each is lost
        // at least once (a reconnect may land on the dying server and be lost again), and every loss comes back.
        long lost = r.counter(OutageReport.DISCONNECTS);
        assertThat(lost).isGreaterThanOrEqualTo(20);
        assertThat(r.counter(OutageReport.RECONNECTS)).isEqualTo(lost);
        assertThat(r.counter(OutageReport.ATTEMPTS)).isGreaterThanOrEqualTo(lost);
        assertThat(r.counter(OutageReport.DOWN_AT_END)).isZero();
        assertThat(r.counter(RunReport.CLIENTS_CONNECTED)).isEqualTo(20);
        assertThat(r.counter(OutageReport.ALL_BACK_MILLIS)).isPositive().isLessThan(15_000);
        assertThat(r.counter(OutageReport.PEAK_RATE)).isBetween(1L, lost);
        assertThat(r.histogram(Metric.RECOVERY).getTotalCount()).isEqualTo(lost);
        // Each client's lost connection, and any request that was in flight on it when the server died.
        assertThat(r.counter(RunReport.ERRORS_PREFIX + "CONNECTION_LOST")).isGreaterThanOrEqualTo(lost);
        // The new server never heard of the sessions: every client's resume was refused, and the summary says so.
        assertThat(Delivery.of(r).resumesFailed()).isEqualTo(20);
        assertThat(Delivery.of(r).serverResumesRefused()).isEqualTo(20);
        assertThat(r.info(OutageReport.INFO)).contains(lost + " lost (0 drained), all back in ");
        assertThat(dev.tether.loadtool.report.Slo.parse("recovery.p99<15s").evaluate(r).passed()).isTrue();
        assertThat(dev.tether.loadtool.report.TextReport.render(r, List.of())).contains("outages");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("outage", ".json");
        try {
            dev.tether.loadtool.report.JsonReport.write(file, r, List.of());
            dev.tether.loadtool.report.SummarySchema.assertValid(file);
        } finally {
            java.nio.file.Files.delete(file);
        }
        java.util.Map<String, Object> json = dev.tether.loadtool.report.JsonReport.toMap(r, List.of());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> outages = (java.util.Map<String, Object>) json.get("outages");
        assertThat(outages).containsEntry("episodes", 1L).containsEntry("reconnects", lost);
        assertThat((List<?>) outages.get("perSecond")).isNotEmpty();
        assertThat(dev.tether.loadtool.report.HtmlReport.render(r, List.of())).contains("the outage wave");
    }

    /** Three cuts of every connection, late enough to fall after the ramp. */
    private static final String CUTS = "cut at 4s, cut at 5s, cut at 6s";

    @Test
    void aSendRunWhoseConnectionsAreCutDeliversEveryAcceptedSendExactlyOnce() {
        LoadPlan plan = LoadPlan.builder()
                .mode(Mode.SEND).clients(50).connectRate(1_000).rate(500).outstanding(1_000)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(6))
                // Since the proxy started: after the JIT warm-up and the ramp, which take seconds on a busy machine
                // (a cut in the middle of every first handshake would leave no client to measure).
                .faultProxy(dev.tether.loadtool.proxy.FaultSpec.parse(CUTS))
                .build();

        RunResult result = run(plan, ResourceLimits.current());

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        Delivery d = Delivery.of(result.report());
        // A cut during the ramp fails some first connects on a busy machine (those clients never send): the
        // others all had resumption and none lost its session.
        assertThat(d.resumptionOff() + d.resumptionNotOffered()).as(output.toString()).isZero();
        assertThat(d.resumptionOn()).isPositive();
        assertThat(d.resumesSucceeded()).as(output.toString()).isPositive();
        assertThat(d.resumesFailed()).isZero();
        assertThat(d.sendsAccepted()).isPositive();
        assertThat(d.sendsFailed()).isZero();
        assertThat(d.balanced()).isTrue();
        // Every acknowledged send reached the server's application, and no more than the sends still awaiting an
        // acknowledgement besides: nothing lost, nothing delivered twice (ResumptionEndToEndTest checks by content).
        assertThat(d.serverSendsReceived()).isBetween(d.sendsAcknowledged(), d.sendsAcknowledged() + d.sendsAwaiting());
        assertThat(d.problems()).isEmpty();
    }

    @Test
    void aPushRunWhoseConnectionsAreCutMissesNoPush() {
        LoadPlan plan = LoadPlan.builder()
                .mode(Mode.PUSH).clients(50).connectRate(1_000).pushRate(20)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(6))
                // Since the proxy started: after the JIT warm-up and the ramp, which take seconds on a busy machine
                // (a cut in the middle of every first handshake would leave no client to measure).
                .faultProxy(dev.tether.loadtool.proxy.FaultSpec.parse(CUTS))
                .build();

        RunResult result = run(plan, ResourceLimits.current());

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        Delivery d = Delivery.of(result.report());
        assertThat(d.resumesSucceeded()).as(output.toString()).isPositive();
        assertThat(d.resumesFailed()).isZero();
        assertThat(d.pushesReceived()).isPositive();
        assertThat(d.pushesMissing()).isZero();
        assertThat(d.serverPushesDroppedFromWindow()).isZero();
        assertThat(TextReport.render(result.report(), List.of())).contains("0 known missing");
    }

    @Test
    void withResumptionOffSendsCompleteWhenWrittenAndTheSummarySaysSo() {
        LoadPlan plan = LoadPlan.builder()
                .mode(Mode.SEND).clients(20).connectRate(1_000).rate(200).resumption(false)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(1))
                .build();

        RunResult result = run(plan, ResourceLimits.current());

        assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        Delivery d = Delivery.of(result.report());
        assertThat(d.resumptionOff()).isEqualTo(20);
        assertThat(d.sendsAcknowledged()).isEqualTo(d.sendsAccepted()).isPositive();
        assertThat(d.balanced()).isTrue();
        assertThat(TextReport.render(result.report(), List.of()).replaceAll("\\s+", " "))
                .contains("written (no acknowledgements: resumption not on)").contains("off in 20");
    }

    @Test
    void refusesAPlanThatNeedsMoreFilesThanTheLimitBeforeConnectingAnything() {
        LoadPlan plan = LoadPlan.builder().clients(2_000).build();

        RunResult result = run(plan, new ResourceLimits(1_024, 40, 28_232, "32768 60999"));

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.REFUSED);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.report()).isNull();
        assertThat(output.toString()).contains("refused").contains("ulimit -n").contains("--clients 428")
                .doesNotContain("started the reference server");
    }

    @Test
    void failsWhenNoClientCanConnect() throws Exception {
        java.net.InetSocketAddress nobody;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        LoadPlan plan = LoadPlan.builder().targets(List.of(nobody)).clients(3).duration(Duration.ofSeconds(1)).build();

        RunResult result = run(plan, ResourceLimits.UNKNOWN);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.message()).contains("no client could connect").endsWith(": Connection refused");
        assertThat(result.report().failure()).isEqualTo(result.message());
        assertThat(result.report().counter(RunReport.ERRORS_PREFIX + "CONNECT_FAILED")).isEqualTo(3);
    }

    @Test
    void clientsThatNeverConnectAreCountedWithTheirReasonAndTheRampIsNotCalledComplete() throws Exception {
        // A target that holds 5 connections: the other 3 clients of 8 never complete a handshake.
        try (dev.tether.server.ReferenceServer server = dev.tether.server.ReferenceServer.builder()
                .host("127.0.0.1").port(0).maxConnections(5).start()) {
            LoadPlan plan = LoadPlan.builder().targets(List.of(server.address()))
                    .clients(8).connectRate(1_000).rate(20)
                    .warmup(Duration.ZERO).duration(Duration.ofSeconds(1))
                    .build();

            RunResult result = run(plan, ResourceLimits.current());

            assertThat(result.outcome()).as(output.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
            RunReport r = result.report();
            assertThat(r.counter(RunReport.CLIENTS_PEAK)).isEqualTo(5);
            assertThat(r.counter(RunReport.NEVER_CONNECTED)).isEqualTo(3);
            assertThat(r.neverConnectedByReason()).hasSize(1);
            assertThat(r.neverConnectedByReason().keySet().iterator().next()).contains("server is full");
            assertThat(r.neverConnectedByReason().values()).containsExactly(3L);
            assertThat(r.rampCompleted()).isFalse();
            String text = dev.tether.loadtool.report.TextReport.render(r, List.of());
            assertThat(text).contains("unconnected 3 clients never connected: 3 server error SERVER_FULL")
                    .contains("incomplete (3 of 8 never connected)");
            assertThat(r.warnings()).anySatisfy(w -> assertThat(w).startsWith("3 of 8 clients never connected by the end of the run"));
            java.util.Map<String, Object> json = dev.tether.loadtool.report.JsonReport.toMap(r, List.of());
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> clients = (java.util.Map<String, Object>) json.get("clients");
            assertThat(clients).containsEntry("neverConnected", 3L).containsEntry("rampCompleted", false);
            assertThat(dev.tether.loadtool.report.HtmlReport.render(r, List.of())).contains("3 of 8 clients never connected");
            java.nio.file.Path file = java.nio.file.Files.createTempFile("never", ".json");
            try {
                dev.tether.loadtool.report.JsonReport.write(file, r, List.of());
                dev.tether.loadtool.report.SummarySchema.assertValid(file);
            } finally {
                java.nio.file.Files.delete(file);
            }
        }
    }
}
