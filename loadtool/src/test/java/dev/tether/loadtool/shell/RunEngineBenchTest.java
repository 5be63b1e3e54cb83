package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.loadtool.ExitCodes;
import dev.tether.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code bench} on the real run engine: loadtool run's options, engine and summary. */
class RunEngineBenchTest {
    private final RunEngineBench bench = new RunEngineBench();

    @Test
    void aShortRunPrintsTheSameSummaryAsLoadtoolRun() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).start()) {
            StringWriter text = new StringWriter();
            ShellBench.Handle run = bench.start(new Target("127.0.0.1", server.port()), ConnectOptions.PLAIN,
                    List.of("--clients", "2", "--rate", "200", "--duration", "1s", "--warmup", "0"),
                    new PrintWriter(text, true));

            assertThat(run.result().get(60, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
            assertThat(text.toString())
                    .startsWith("bench against 127.0.0.1:" + server.port() + ": 2 clients, rate 200/s, 0 warm-up + 1s measured")
                    // loadtool run's own summary table
                    .contains("Tether load run", "throughput", "latency", "service", "connect");
            assertThat(server.stats().requestsTotal()).isPositive();
            assertThat(server.stats().handshakesTotal()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void stoppingEndsTheRunEarlyWithASummary() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).start()) {
            StringWriter text = new StringWriter();
            ShellBench.Handle run = bench.start(new Target("127.0.0.1", server.port()), ConnectOptions.PLAIN,
                    List.of("--clients", "1", "--rate", "50", "--duration", "10m", "--warmup", "0"),
                    new PrintWriter(text, true));
            run.stop().run();
            long start = System.nanoTime();
            assertThat(run.result().get(60, TimeUnit.SECONDS)).isIn(ExitCodes.OK, ExitCodes.RUN_FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void badOptionsAreMessagesNamingTheOption() {
        Target t = new Target("127.0.0.1", 7000);
        PrintWriter out = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> bench.start(t, ConnectOptions.PLAIN, List.of("--clinets", "2"), out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--clinets");
        assertThatThrownBy(() -> bench.start(t, ConnectOptions.PLAIN, List.of("--duration", "soon"), out))
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> bench.start(t, ConnectOptions.PLAIN, List.of("--target", "h:1"), out))
                .hasMessageContaining("--target is not a bench option");
        assertThatThrownBy(() -> bench.start(t, ConnectOptions.PLAIN, List.of("--clients", "0"), out))
                .hasMessageContaining("clients must be at least 1");
    }

    @Test
    void usageAndCompletionListLoadtoolRunsOptions() {
        assertThat(bench.optionNames()).contains("--clients", "--duration", "--rate", "--mode", "--slo")
                .doesNotContain("--target", "--help");
        assertThat(bench.usage()).contains("--clients N", "--duration DURATION", "bench's defaults: --clients 20")
                .contains("Default: 5s in bench.");
    }

    @Test
    void benchReadsTheSameModeAndConnectionOptionsAsRun() {
        Target t = new Target("127.0.0.1", 7000);
        PrintWriter out = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> bench.start(t, ConnectOptions.PLAIN, List.of("--auth-token", ""), out))
                .hasMessageContaining("--auth-token is empty");
        assertThatThrownBy(() -> bench.start(t, ConnectOptions.PLAIN, List.of("--mode", "sideways"), out))
                .hasMessageContaining("is not a mode: rate, closed, send, push, idle");
        assertThat(bench.optionNames()).contains("--auth-token-file", "--tls-ca");
    }
}
