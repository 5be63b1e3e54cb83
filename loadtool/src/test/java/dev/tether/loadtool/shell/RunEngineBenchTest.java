package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.DurationConverter;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.run.LoadOptions;
import dev.tether.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bench} on the real run engine: loadtool run's options, engine and summary. */
class RunEngineBenchTest {
    private static final ConnectionOptions PLAIN = ConnectionOptions.of(null, false, null, false);

    private final RunEngineBench bench = new RunEngineBench();

    @Command
    static final class Options {
        @Mixin
        LoadOptions load;
    }

    /** The load options as picocli reads them from {@code args}. */
    private static LoadOptions load(String... args) {
        Options options = new Options();
        new CommandLine(options).registerConverter(Duration.class, new DurationConverter()).parseArgs(args);
        return options.load;
    }

    @Test
    void aShortRunPrintsTheSameSummaryAsLoadtoolRun() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).start()) {
            StringWriter text = new StringWriter();
            ShellBench.Handle run = bench.start(new Target("127.0.0.1", server.port()),
                    load("--clients", "2", "--rate", "200", "--duration", "1s", "--warmup", "0"), PLAIN,
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
            ShellBench.Handle run = bench.start(new Target("127.0.0.1", server.port()),
                    load("--clients", "1", "--rate", "50", "--duration", "10m", "--warmup", "0"), PLAIN,
                    new PrintWriter(text, true));
            run.stop().run();
            long start = System.nanoTime();
            assertThat(run.result().get(60, TimeUnit.SECONDS)).isIn(ExitCodes.OK, ExitCodes.RUN_FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void optionsThatMakeNoPlanAreMessages() {
        Target t = new Target("127.0.0.1", 7000);
        PrintWriter out = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> bench.start(t, load("--clients", "0"), PLAIN, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clients must be at least 1");
        assertThatThrownBy(() -> bench.start(t, load(), ConnectionOptions.of("", false, null, false), out))
                .hasMessageContaining("--auth-token is empty");
        // output files are checked before anything runs
        assertThatThrownBy(() -> bench.start(t, load("--json", "/no/such/folder/r.json"), PLAIN, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--json");
    }
}
