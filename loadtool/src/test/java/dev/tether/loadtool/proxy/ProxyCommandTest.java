package dev.tether.loadtool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProxyCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final EchoServer target = new EchoServer();

    @AfterEach
    void tearDown() {
        target.close();
    }

    private CommandLine commandLine() {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    @Test
    void helpDescribesEveryOptionAndTheFaults() {
        assertThat(commandLine().execute("proxy", "--help")).isEqualTo(ExitCodes.OK);
        String help = out.toString();
        for (String option : new String[] {"--listen", "--target", "--faults", "--duration", "--io-threads", "--version"}) {
            assertThat(help).contains(option);
        }
        assertThat(help).contains("Default: 127.0.0.1:7001").contains("127.0.0.1:7000 (`loadtool server`'s default)")
                .contains("cut every 5s").contains("silent partition");
    }

    @Test
    void relaysUntilStoppedAndPrintsTheCounts() throws Exception {
        CommandLine cl = commandLine();
        ProxyCommand cmd = cl.getSubcommands().get("proxy").getCommand();
        cmd.installShutdownHook = false;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("proxy", "--listen", "127.0.0.1:0",
                "--target", FaultProxy.hostPort(target.address()), "--faults", "cut every 1h, delay 1ms", "--io-threads", "1"));
        FaultProxy proxy = cmd.started.get(15, TimeUnit.SECONDS);
        try (Socket s = new Socket()) {
            s.connect(proxy.address(), 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        }
        cmd.stopRequested.complete(null);

        assertThat(exit.get(15, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
        assertThat(out.toString())
                .contains("loadtool proxy listening on 127.0.0.1:" + proxy.address().getPort() + ", relaying to "
                        + FaultProxy.hostPort(target.address()) + "; faults: cut every 1h, delay 1ms")
                .contains("delay 1ms: every chunk from now on")
                .contains("stopped: 1 connections (0 open, 0 target failures, 0 cut), 5 B to the target, 5 B back; faults: cut 0, delay 1");
    }

    @Test
    void aBadSpecIsAUsageErrorThatListsTheAcceptedForms() {
        int code = commandLine().execute("proxy", "--faults", "cut sometimes");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("bad fault spec 'cut sometimes'").contains(FaultSpec.FORMS)
                .contains("Try 'loadtool proxy --help'.");
    }

    @Test
    void aBadAddressIsAUsageError() {
        assertThat(commandLine().execute("proxy", "--target", "nowhere")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--target 'nowhere' must be HOST:PORT");
    }

    @Test
    void aListenAddressInUseFailsTheRun() {
        int port = target.address().getPort();
        assertThat(commandLine().execute("proxy", "--listen", "127.0.0.1:" + port)).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(err.toString()).contains("loadtool proxy: cannot listen on 127.0.0.1:" + port);
    }
}
