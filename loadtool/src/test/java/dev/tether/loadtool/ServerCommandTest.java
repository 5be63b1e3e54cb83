package dev.tether.loadtool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageDecoder;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Welcome;
import dev.tether.protocol.Protocol;
import dev.tether.server.Durations;
import dev.tether.server.ReferenceServer;
import dev.tether.server.ServerStats;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine() {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    private static ServerCommand serverCommand(CommandLine cl) {
        ServerCommand cmd = cl.getSubcommands().get("server").getCommand();
        cmd.installSignalHandlers = false;
        return cmd;
    }

    @Test
    void helpDescribesEveryOptionWithItsDefault() {
        int code = commandLine().execute("server", "--help");
        assertThat(code).isEqualTo(ExitCodes.OK);
        String help = out.toString();
        for (String option : new String[] {"--host", "--port", "--auth-token", "--auth-token-file", "--handshake-timeout",
                "--idle-timeout", "--heartbeat-interval", "--max-connections", "--max-frame-size", "--service-time",
                "--error-rate", "--push-rate", "--push-topic", "--push-size", "--drain-timeout", "--max-handshake-rate", "--quiet",
                "--version"}) {
            assertThat(help).contains(option);
        }
        // The defaults shown are the server's own constants.
        assertThat(help).contains("Default: " + Durations.format(ReferenceServer.DEFAULT_HANDSHAKE_TIMEOUT))
                .contains("Default: " + ReferenceServer.DEFAULT_PORT)
                .contains("Default: " + Durations.format(ReferenceServer.DEFAULT_HEARTBEAT_INTERVAL))
                .contains("Default: " + ReferenceServer.DEFAULT_MAX_PENDING_BYTES)
                .contains("Default: " + ReferenceServer.IDLE_TIMEOUT_HEARTBEATS + " x --heartbeat-interval");
    }

    @Test
    void theParsedDefaultsAreTheServersDefaults() {
        CommandLine cl = commandLine();
        cl.parseArgs("server");
        ServerCommand cmd = cl.getSubcommands().get("server").getCommand();
        assertThat(cmd.host).isEqualTo(ReferenceServer.DEFAULT_HOST);
        assertThat(cmd.port).isEqualTo(ReferenceServer.DEFAULT_PORT);
        assertThat(cmd.handshakeTimeout).isEqualTo(ReferenceServer.DEFAULT_HANDSHAKE_TIMEOUT);
        assertThat(cmd.heartbeatInterval).isEqualTo(ReferenceServer.DEFAULT_HEARTBEAT_INTERVAL);
        assertThat(cmd.drainTimeout).isEqualTo(ReferenceServer.DEFAULT_DRAIN_TIMEOUT);
        assertThat(cmd.reconnectAfter).isEqualTo(ReferenceServer.DEFAULT_RECONNECT_AFTER);
        assertThat(cmd.maxConnections).isEqualTo(ReferenceServer.DEFAULT_MAX_CONNECTIONS);
        assertThat(cmd.maxFrameSize).isEqualTo(Protocol.DEFAULT_MAX_FRAME_LENGTH);
        assertThat(cmd.maxPendingBytes).isEqualTo(ReferenceServer.DEFAULT_MAX_PENDING_BYTES);
        assertThat(cmd.pushSize).isEqualTo(ReferenceServer.DEFAULT_PUSH_SIZE);
        assertThat(cmd.idleTimeout).isNull(); // the server derives it from the heartbeat interval
    }

    @Test
    void anEmptyAuthTokenIsRefusedAtStartup() {
        assertThat(commandLine().execute("server", "--port", "0", "--auth-token", "")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--auth-token is empty");
    }

    @Test
    void anIdleTimeoutNotLongerThanTheHeartbeatIsRefusedAtStartup() {
        assertThat(commandLine().execute("server", "--port", "0", "--heartbeat-interval", "2s", "--idle-timeout", "2s"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--idle-timeout 2s must be longer than --heartbeat-interval 2s");
    }

    @Test
    void theTokenFileLosesTrailingWhitespaceOnlyAndTheTokenIsNeverPrinted(@TempDir Path dir) {
        Path tokenFile = dir.resolve("token");
        CommandLine cl = commandLine();
        cl.parseArgs("server", "--auth-token-file", tokenFile.toString());
        ServerCommand cmd = serverCommand(cl);
        try {
            Files.writeString(tokenFile, "  sp4ce d \n\t\n");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        ReferenceServer.Builder recorded = org.mockito.Mockito.mock(ReferenceServer.Builder.class, org.mockito.Mockito.RETURNS_SELF);
        cmd.configure(recorded);
        org.mockito.Mockito.verify(recorded).authToken("  sp4ce d");
        assertThat(out.toString() + err.toString()).doesNotContain("sp4ce");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThat(commandLine().execute("server", "--service-time", "soon")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'soon' is not a service time");
        assertThat(commandLine().execute("server", "--error-rate", "2", "--port", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("errorRate");
        assertThat(commandLine().execute("server", "--handshake-timeout", "later")).isEqualTo(ExitCodes.USAGE);
        assertThat(commandLine().execute("server", "--max-handshake-rate", "-5", "--port", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("maxHandshakeRate must be in [0, 1000000] handshakes/s: -5.0");
    }

    @Test
    void aHandshakeRateLimitIsAnnouncedAtStartAndRefusesTheExcessAsBusy() throws Exception {
        CommandLine cl = commandLine();
        ServerCommand cmd = serverCommand(cl);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cl.execute("server", "--port", "0", "--quiet", "--max-handshake-rate", "0.01", "--drain-timeout", "1s"));
        ReferenceServer server = cmd.started.get(10, TimeUnit.SECONDS);
        assertThat(out.toString()).contains("at most 0.01 handshakes/s");
        List<Message> first = handshake(server.port());
        List<Message> second = handshake(server.port()); // within 100 s: over a limit of 0.01/s, burst 1
        assertThat(first.get(0)).isInstanceOf(Welcome.class);
        assertThat(second.get(0)).isInstanceOf(GoAway.class);
        assertThat(((ErrorMessage) second.get(1)).errorCode()).isEqualTo(ErrorCode.SERVER_BUSY);
        cmd.onSignal();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }

    /** Says hello and reads until the server closes, or until a WELCOME. */
    private static List<Message> handshake(int port) throws Exception {
        List<Message> got = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "cli", null)));
            MessageDecoder decoder = new MessageDecoder();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            for (int n; !(got.size() == 1 && got.get(0) instanceof Welcome) && (n = in.read(buf)) >= 0; ) {
                decoder.decode(ByteBuffer.wrap(buf, 0, n), got::add);
            }
        }
        return got;
    }

    @Test
    void runsUntilTheFirstSignalDrainsAndExitsZeroAndASecondSignalExitsAtOnce(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "t0ken\n");
        CommandLine cl = commandLine();
        ServerCommand cmd = serverCommand(cl);
        AtomicInteger hardExits = new AtomicInteger();
        cmd.exitAtOnce = hardExits::incrementAndGet;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cl.execute("server", "--port", "0", "--quiet", "--auth-token-file", tokenFile.toString(), "--drain-timeout", "5s"));
        ReferenceServer server = cmd.started.get(10, TimeUnit.SECONDS);
        assertThat(out.toString()).contains("listening on 127.0.0.1:" + server.port()).contains("auth token required");

        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "cli", "t0ken")));
            List<Message> got = new ArrayList<>();
            MessageDecoder decoder = new MessageDecoder();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (got.isEmpty()) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                decoder.decode(ByteBuffer.wrap(buf, 0, n), got::add);
            }
            assertThat(got.get(0)).isInstanceOf(Welcome.class);

            cmd.onSignal(); // as SIGTERM would
            for (int n; (n = in.read(buf)) >= 0; ) {
                decoder.decode(ByteBuffer.wrap(buf, 0, n), got::add);
            }
            assertThat(got.get(1)).isInstanceOf(GoAway.class);
        }
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("draining: GO_AWAY sent to 1 connection;").contains("stopped: conns=0 handshakes=1 ");
        assertThat(hardExits).hasValue(0);
        cmd.onSignal();
        assertThat(hardExits).hasValue(1);
    }

    @Test
    void aWrongTokenFromTheTokenFileIsRefused(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "right");
        CommandLine cl = commandLine();
        ServerCommand cmd = serverCommand(cl);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cl.execute("server", "--port", "0", "--quiet", "--auth-token-file", tokenFile.toString()));
        ReferenceServer server = cmd.started.get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "cli", "wrong")));
            byte[] all = s.getInputStream().readAllBytes();
            List<Message> got = new MessageDecoder().decode(ByteBuffer.wrap(all));
            assertThat(got).hasSize(1);
            assertThat(((ErrorMessage) got.get(0)).errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
        } finally {
            cmd.onSignal();
        }
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }

    @Test
    void givingBothTokenOptionsIsAUsageError(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "x");
        int code = commandLine().execute("server", "--port", "0", "--auth-token", "y", "--auth-token-file", tokenFile.toString());
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("not both");
    }

    @Test
    void theStatsLineShowsRatesFromTwoSnapshots() {
        ServerStats before = new ServerStats(10, 100, 1_000, 50, 0, 10_000, 20_000, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        ServerStats after = new ServerStats(12, 120, 3_000, 150, 0, 10_000 + 2 * 1024 * 1024, 20_000 + 4096, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        String line = ServerCommand.StatsLine.format(LocalTime.of(12, 0, 1), before, after, 2.0);
        assertThat(line).isEqualTo("12:00:01 conns=12 handshakes/s=10 req/s=1000 push/s=50 in=1.0MiB/s out=2.0KiB/s"
                + " evictions=3 protocol-errors=4");
    }

    @Test
    void theStatsLineIsPrintedWhenSomethingChangedAndOnceAMinuteWhileIdle() {
        ServerStats idle = new ServerStats(2, 2, 10, 0, 0, 500, 500, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        ServerStats busy = new ServerStats(2, 2, 11, 0, 0, 530, 530, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        long s = 1_000_000_000L;
        ServerCommand.StatsLine line = new ServerCommand.StatsLine(idle, 0);
        LocalTime at = LocalTime.of(12, 0);
        assertThat(line.next(idle, s, at)).isNull();
        assertThat(line.next(busy, 2 * s, at)).contains("req/s=1");
        for (long t = 3; t < 62; t++) {
            assertThat(line.next(busy, t * s, at)).as("second %d", t).isNull();
        }
        assertThat(line.next(busy, 62 * s, at)).contains("conns=2").contains("req/s=0"); // a minute after the last line
        assertThat(line.next(busy, 63 * s, at)).isNull();
    }

    @Test
    void theShutdownLineIsFormattedLikeTheStatsLineAndCountsAreGrammatical() {
        ServerStats s = new ServerStats(0, 3, 1, 0, 2, 2048, 100, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(ServerCommand.StatsLine.totals(s)).isEqualTo("conns=0 handshakes=3 requests=1 pushes=0 sends=2 in=2.0KiB out=100B"
                + " evictions=0 protocol-errors=1 auth-failures=4 rejected-full=0 handshake-timeouts=0 slow-consumers=0"
                + " application-errors=0");
        assertThat(ServerCommand.StatsLine.count(1, "connection")).isEqualTo("1 connection");
        assertThat(ServerCommand.StatsLine.count(0, "connection")).isEqualTo("0 connections");
    }

    @Test
    void aHostThatIsNoAddressGetsAClearMessage() {
        assertThat(commandLine().execute("server", "--host", "999.1.1.1", "--port", "0")).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(err.toString()).contains("cannot listen on 999.1.1.1:0: not an IP address").doesNotContain("null");
    }

    @Test
    void theResumptionOptionsReachTheServerAndDefaultToItsConstants() {
        CommandLine cl = commandLine();
        cl.parseArgs("server");
        ServerCommand defaults = serverCommand(cl);
        assertThat(defaults.sessionTtl).isEqualTo(ReferenceServer.DEFAULT_SESSION_TTL);
        assertThat(defaults.replayWindowMessages).isEqualTo(ReferenceServer.DEFAULT_REPLAY_WINDOW_MESSAGES);
        assertThat(defaults.replayWindowBytes).isEqualTo(ReferenceServer.DEFAULT_REPLAY_WINDOW_BYTES);
        assertThat(defaults.replayWindowAge).isEqualTo(ReferenceServer.DEFAULT_REPLAY_WINDOW_AGE);

        CommandLine set = commandLine();
        set.parseArgs("server", "--session-ttl", "0", "--replay-window-messages", "16", "--replay-window-bytes", "64KiB",
                "--replay-window-age", "1m30s");
        ReferenceServer.Builder recorded = org.mockito.Mockito.mock(ReferenceServer.Builder.class, org.mockito.Mockito.RETURNS_SELF);
        serverCommand(set).configure(recorded);
        org.mockito.Mockito.verify(recorded).sessionTtl(java.time.Duration.ZERO);
        org.mockito.Mockito.verify(recorded).replayWindowMessages(16);
        org.mockito.Mockito.verify(recorded).replayWindowBytes(64 * 1024);
        org.mockito.Mockito.verify(recorded).replayWindowAge(java.time.Duration.ofSeconds(90));
        assertThat(commandLine().execute("server", "--replay-window-messages", "0", "--port", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("replayWindowMessages must be positive: 0");
    }

    @Test
    void theMemoryBudgetTakesSizesAndDefaultsToTheServersDerivedBudget() {
        ServerCommand.ByteSizeConverter sizes = new ServerCommand.ByteSizeConverter();
        assertThat(sizes.convert("65536")).isEqualTo(65536L);
        assertThat(sizes.convert("64MiB")).isEqualTo(64L << 20);
        assertThat(sizes.convert("512m")).isEqualTo(512L << 20);
        assertThat(sizes.convert("1g")).isEqualTo(1L << 30);
        assertThat(ServerCommand.ByteSizeConverter.format(64L << 20)).isEqualTo("64MiB");
        assertThat(ServerCommand.ByteSizeConverter.format(1536L << 10)).isEqualTo("1536KiB");
        assertThat(commandLine().execute("server", "--memory-budget", "lots")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'lots' is not a size");

        CommandLine cl = commandLine();
        cl.parseArgs("server");
        ServerCommand cmd = cl.getSubcommands().get("server").getCommand();
        assertThat(cmd.memoryBudget).isEqualTo(ReferenceServer.defaultMemoryBudget());
        assertThat(commandLine().execute("server", "--help")).isZero();
        assertThat(out.toString()).contains("--memory-budget").contains("here " + ServerCommand.ByteSizeConverter.format(
                ReferenceServer.defaultMemoryBudget()));
    }
}
