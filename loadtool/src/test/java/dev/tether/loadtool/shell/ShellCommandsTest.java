package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.Backoff;
import dev.tether.loadtool.ConnectionOptions;
import dev.tether.server.ReferenceServer;
import dev.tether.server.ServiceTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell's commands against a real reference server, checked by what a user would read. */
class ShellCommandsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static final ConnectionOptions PLAIN = ConnectionOptions.of(null, false, null, false);

    @TempDir
    Path dir;

    private ReferenceServer server;
    private StringWriter output;
    private RecordingNotices notices;
    private FakeBench bench;
    private ShellSession session;
    private ShellCommands commands;

    @BeforeEach
    void start() {
        server = ReferenceServer.builder().host("127.0.0.1").port(0).start();
        output = new StringWriter();
        notices = new RecordingNotices();
        bench = new FakeBench();
        session = new ShellSession(PLAIN, dir, new PrintWriter(output, true), notices,
                Clock.fixed(NOW, ZoneOffset.UTC), bench);
        commands = new ShellCommands(session);
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    private String run(String line) {
        output.getBuffer().setLength(0);
        commands.execute(line);
        return output.toString();
    }

    private String target() {
        return "127.0.0.1:" + server.port();
    }

    @Test
    void connectShowsTheSessionAndThePromptShowsTheState() throws Exception {
        assertThat(session.prompt()).isEqualTo("tether (not connected)> ");

        assertThat(run("connect " + target())).matches("connected to " + q(target())
                + " \\(session \\S+, \\d+\\.\\d{3} ms\\)\\R");

        assertThat(session.prompt()).isEqualTo("tether " + target() + " connected> ");
        assertThat(run("connect")).startsWith("already connected to " + target());
        // the connect command reported the connect: no [state] notices repeat it
        session.awaitEvents(WAIT);
        assertThat(notices.lines()).isEmpty();
        assertThat(notices.stateChanges()).isPositive(); // but the prompt was told to follow
    }

    @Test
    void connectingElsewhereClosesTheFirstConnection() throws Exception {
        try (ReferenceServer other = ReferenceServer.builder().host("127.0.0.1").port(0).start()) {
            run("connect " + target());
            assertThat(run("connect 127.0.0.1:" + other.port())).startsWith("connected to 127.0.0.1:" + other.port());
            assertThat(session.prompt()).isEqualTo("tether 127.0.0.1:" + other.port() + " connected> ");
            assertThat(other.sessions()).hasSize(1);
            run("disconnect");
        }
    }

    @Test
    void statusShowsStateSessionEndpointSinceReconnectsRttAndTraffic() {
        run("connect " + target());
        run("ping");
        String status = run("status");

        assertThat(status)
                .containsPattern("state +connected\\R")
                .containsPattern("target +" + q(target()) + "\\R")
                .containsPattern("session +\\S+\\R")
                // as a person reads them: host:port without the JDK's leading slash, local time to the second
                .containsPattern("endpoint +127\\.0\\.0\\.1:" + server.port() + "\\R")
                .containsPattern("connected since +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(.+\\)\\R")
                .containsPattern("reconnects +0\\R")
                .containsPattern("heartbeat rtt +\\d+\\.\\d{3} ms\\R")
                .containsPattern("frames in/out +[1-9]\\d* / [1-9]\\d*\\R")
                .containsPattern("bytes in/out +[1-9]\\d* / [1-9]\\d*\\R")
                .containsPattern("pushes +on\\R");
        assertThat(server.sessions()).hasSize(1);
    }

    @Test
    void pingPrintsTheRoundTrip() {
        run("connect " + target());
        assertThat(run("ping")).matches("pong from " + q(target()) + " in \\d+\\.\\d{3} ms\\R");
    }

    @Test
    void requestPrintsTheResponseAndItsLatency() throws IOException {
        run("connect " + target());

        assertThat(run("request hello   world")).matches("hello   world\\R\\(13 bytes, \\d+\\.\\d{3} ms\\)\\R");
        assertThat(run("request hex:00ff10")).matches("hex:00ff10\\R\\(3 bytes, .*\\R");
        java.nio.file.Files.writeString(dir.resolve("body.txt"), "from a file");
        assertThat(run("request @body.txt")).startsWith("from a file" + System.lineSeparator());
        assertThat(run("request --timeout 5s -- --dashes")).startsWith("--dashes" + System.lineSeparator());
        assertThat(server.stats().requestsTotal()).isEqualTo(4);
    }

    @Test
    void badPayloadsAndArgumentsAreOneLineErrors() {
        run("connect " + target());
        assertThat(run("request hex:abc")).isEqualTo("error: hex payload has an odd number of digits (3): "
                + "write two digits per byte, e.g. hex:0a ff 10" + System.lineSeparator());
        assertThat(run("request @missing.bin")).startsWith("error: no such file: ");
        assertThat(run("request")).startsWith("error: a payload is needed");
        assertThat(run("request --timeout never x")).startsWith("error: ").contains("'never' is not a duration");
        assertThat(run("request --timeout 0 x")).startsWith("error: --timeout must be positive");
        assertThat(run("request --timout 2s x")).startsWith("error: Unknown option: '--timout'");
        assertThat(run("status now")).isEqualTo("error: status takes no arguments, got 'now' (help status shows its usage)"
                + System.lineSeparator());
        assertThat(run("connect nowhere")).startsWith("error: 'nowhere' is not a target");
        assertThat(commands.execute("pushes maybe")).isEqualTo(ShellCommands.Result.FAILED);
    }

    @Test
    void anUnknownCommandSuggestsTheClosestOne() {
        assertThat(run("stauts")).isEqualTo("error: unknown command 'stauts'; did you mean 'status'? "
                + "(help lists the commands)" + System.lineSeparator());
        assertThat(run("frobnicate")).isEqualTo("error: unknown command 'frobnicate' (help lists the commands)"
                + System.lineSeparator());
        assertThat(commands.execute("reqest x")).isEqualTo(ShellCommands.Result.FAILED);
    }

    @Test
    void requestWithoutAConnectionSaysSo() {
        assertThat(run("request hi")).isEqualTo("error: not connected, request not sent: no connection yet; "
                + "connect host:port opens one" + System.lineSeparator());
        assertThat(run("ping")).startsWith("error: not connected, ping not sent");
        assertThat(run("send hi")).startsWith("error: cannot send: no connection yet");
    }

    @Test
    void requestWhileReconnectingSaysWhatTheClientIsDoing() throws Exception {
        // a long backoff holds the client in RECONNECTING while the test looks
        session.configTuning = b -> b.backoff(Backoff.constant(Duration.ofSeconds(30)));
        run("connect " + target());
        int port = server.port();
        server.closeNow();
        notices.await("[state] reconnecting to " + target(), WAIT);
        server.terminationFuture().get(10, TimeUnit.SECONDS);

        assertThat(session.prompt()).isEqualTo("tether " + target() + " reconnecting> ");
        assertThat(run("request hi")).matches("error: not connected, request not sent: reconnecting to "
                + q(target()) + ", attempt \\d+, next try in 30\\.0s( \\(last error: .+\\))?; connect retries now\\R");

        // a send is buffered and goes out after the reconnect
        assertThat(run("send queued")).matches("queued 6 bytes: reconnecting to .*; "
                + "buffered sends go out after the reconnect\\R");

        server = ReferenceServer.builder().host("127.0.0.1").port(port).start();
        notices.clear();
        assertThat(run("connect")).isEqualTo("reconnecting to " + target() + " now" + System.lineSeparator());
        notices.await("[state] connected to " + target(), WAIT);
        // the new server never knew the session: the shell says so, with what became of the queued send
        assertThat(notices.lines()).anyMatch(l -> l.matches("\\[session\\] session \\S+ was not resumed \\(new session \\S+\\): "
                + "an unknown number of pushes lost, \\d+ unacknowledged send\\(s\\) resent, 0 failed"));

        assertThat(run("request again")).startsWith("again" + System.lineSeparator());
        // the request is behind the buffered send on the same connection, so the send has been read
        assertThat(server.stats().sendsTotal()).isEqualTo(1);
        assertThat(run("status")).containsPattern("reconnects +1\\R");
    }

    @Test
    void sendWhileConnectedIsWritten() {
        run("connect " + target());
        assertThat(run("send hex:0102")).isEqualTo("sent 2 bytes" + System.lineSeparator());
        run("request barrier");
        assertThat(server.stats().sendsTotal()).isEqualTo(1);
    }

    @Test
    void pushesArePrintedAsTheyArriveUnlessTurnedOff() throws Exception {
        run("connect " + target());
        server.broadcast("news", "first".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // With session resumption (the default) each push carries its number in the session, from 0.
        assertThat(notices.await("first", WAIT)).isEqualTo("[push news #0] first");

        assertThat(run("pushes off")).isEqualTo("pushes off" + System.lineSeparator());
        long framesIn = session.client().stats().framesIn();
        server.broadcast(null, "hidden".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        run("request barrier");
        // the server's loop may answer the request before it runs the push task: wait for both frames ...
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (session.client().stats().framesIn() < framesIn + 2) {
            assertThat(System.nanoTime()).as("the push and the response arrive").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        session.awaitEvents(WAIT); // ... and the push has been handled (not printed) by now
        run("pushes on");
        server.broadcast(null, "shown".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(notices.await("shown", WAIT)).isEqualTo("[push #2] shown");
        // a binary payload is its length and a short hex preview, not a wall of hex
        server.broadcast("blob", new byte[64]);
        assertThat(notices.await("[push blob", WAIT)).isEqualTo("[push blob #3] 64 bytes hex:" + "00".repeat(16) + "...");
        assertThat(notices.lines()).noneMatch(l -> l.contains("hidden"));
    }

    @Test
    void disconnectClosesCleanlyAndKeepsTheTarget() throws Exception {
        run("connect " + target());
        assertThat(run("disconnect")).isEqualTo("disconnected from " + target() + System.lineSeparator());
        assertThat(session.prompt()).isEqualTo("tether " + target() + " closed> ");
        assertThat(run("status")).containsPattern("state +closed \\(the connection to " + q(target())
                + " is closed; connect opens it again\\)");
        assertThat(run("disconnect")).isEqualTo("not connected" + System.lineSeparator());

        assertThat(run("connect")).startsWith("connected to " + target());
    }

    @Test
    void exitLeavesAndClosingTheSessionClosesTheConnection() {
        run("connect " + target());
        assertThat(commands.execute("exit")).isEqualTo(ShellCommands.Result.EXIT);
        assertThat(commands.execute("quit")).isEqualTo(ShellCommands.Result.EXIT);
        output.getBuffer().setLength(0);
        session.close();
        assertThat(output.toString()).isEqualTo("disconnected from " + target() + System.lineSeparator());
    }

    @Test
    void aFailedConnectIsAMessageAndLeavesTheSessionUsable() throws IOException {
        int unused;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            unused = s.getLocalPort();
        }
        String out = run("connect 127.0.0.1:" + unused);
        assertThat(out).isEqualTo("error: connect to 127.0.0.1:" + unused + " failed: Connection refused"
                + System.lineSeparator());
        assertThat(out).doesNotContain("\tat ");
        assertThat(session.prompt()).isEqualTo("tether 127.0.0.1:" + unused + " closed> ");
        assertThat(run("connect " + target())).startsWith("connected to " + target());
    }

    @Test
    void theAuthTokenIsSentAndARefusalIsAMessage() {
        try (ReferenceServer guarded = ReferenceServer.builder().host("127.0.0.1").port(0).authToken("s3cret").start()) {
            String to = "127.0.0.1:" + guarded.port();
            assertThat(run("connect " + to)).isEqualTo("error: connect to " + to + " failed: server " + to
                    + " refused the auth token: this server requires an auth token" + System.lineSeparator());
            assertThat(run("connect --auth-token wrong " + to)).startsWith("error: ").contains("auth");
            assertThat(run("connect --auth-token s3cret " + to)).startsWith("connected to " + to);
            run("disconnect");
            // the order help connect shows: the target first, then the options
            assertThat(run("connect " + to + " --auth-token s3cret")).startsWith("connected to " + to);
            // a token file that cannot be read is a message, and the connection stays
            assertThat(run("connect " + to + " --auth-token-file missing.txt")).startsWith("error: cannot read "
                    + "--auth-token-file missing.txt");
            assertThat(session.prompt()).endsWith(" connected> ");
            run("disconnect");
            assertThat(run("connect")).startsWith("connected to " + to); // the last connect's token again
            run("disconnect");
            assertThat(run("connect " + to)).startsWith("error: "); // a new connect starts from the shell's options
            assertThat(guarded.stats().authFailures()).isEqualTo(3);
        }
    }

    @Test
    void tlsOptionsReallySpeakTls() {
        // the reference server speaks plaintext: a TLS hello is a protocol error it counts
        assertThat(run("connect --tls-insecure " + target())).isEqualTo("error: connect to " + target()
                + " failed: the server answered in plaintext, not TLS (connect without --tls?)" + System.lineSeparator());
        assertThat(server.stats().protocolErrors()).isPositive();
        assertThat(session.prompt()).endsWith(" closed> ");
    }

    @Test
    void aRunningRequestIsCancelled() throws Exception {
        try (ReferenceServer slow = ReferenceServer.builder().host("127.0.0.1").port(0)
                .serviceTime(ServiceTime.fixed(Duration.ofSeconds(30))).drainTimeout(Duration.ofMillis(200)).start()) {
            // a long close timeout: nothing may wait for the cancelled request
            session.configTuning = b -> b.closeTimeout(Duration.ofMinutes(1));
            run("connect 127.0.0.1:" + slow.port());
            CountDownLatch waiting = new CountDownLatch(1);
            session.onWait = waiting::countDown;
            CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> run("request slow"));
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(session.cancelRunning()).isTrue();
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("error: cancelled" + System.lineSeparator());
            assertThat(session.isRunning()).isFalse();
            // the next connect does not wait for the request nobody waits for any more
            long start = System.nanoTime();
            assertThat(run("connect 127.0.0.1:" + slow.port())).startsWith("connected to 127.0.0.1:" + slow.port());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(run("disconnect")).isEqualTo("disconnected from 127.0.0.1:" + slow.port() + System.lineSeparator());
        }
    }

    @Test
    void aRequestTimeoutIsAMessage() {
        try (ReferenceServer slow = ReferenceServer.builder().host("127.0.0.1").port(0)
                .serviceTime(ServiceTime.fixed(Duration.ofSeconds(30))).drainTimeout(Duration.ofMillis(200)).start()) {
            run("connect 127.0.0.1:" + slow.port());
            assertThat(run("request --timeout 100ms slow")).startsWith("error: ").doesNotContain("\tat ");
            run("disconnect");
        }
    }

    @Test
    void benchRunsAgainstTheTargetAndCtrlCStopsItWithASummary() throws Exception {
        assertThat(run("bench")).isEqualTo("error: bench needs a target: connect host:port first"
                + System.lineSeparator());
        run("connect " + target());
        CountDownLatch waiting = new CountDownLatch(1);
        session.onWait = waiting::countDown;
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> run("bench --duration 2s"));
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        session.cancelRunning();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(String.join(System.lineSeparator(),
                "bench against " + target(),
                "bench: stopping; the summary covers what ran so far (Ctrl-C again to stop waiting)",
                "summary so far", ""));
        assertThat(bench.stopped).isTrue();
        // the option given, and bench's own shorter defaults for the rest
        assertThat(bench.plans).singleElement().satisfies(plan -> {
            assertThat(plan.duration()).isEqualTo(Duration.ofSeconds(2));
            assertThat(plan.clients()).isEqualTo(20);
            assertThat(plan.warmup()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void benchReadsLoadtoolRunsOptionsAndSaysWhatIsWrongWithThem() {
        run("connect " + target());
        assertThat(run("bench --clinets 2")).startsWith("error: Unknown options: '--clinets', '2'")
                .contains("help bench shows its usage");
        assertThat(run("bench --mode sideways")).startsWith("error: ").contains("'sideways' is not a mode: rate, closed, send, push, idle");
        assertThat(run("bench --duration soon")).contains("'soon' is not a duration");
        assertThat(run("bench --target h:1")).startsWith("error: --target is not a bench option: bench loads the "
                + "shell's target (connect HOST:PORT changes it)");
        assertThat(bench.plans).isEmpty();
    }

    @Test
    void helpListsEveryCommandAndExplainsOne() {
        String help = run("help");
        ShellCommands.commandNames().forEach(name -> assertThat(help).containsPattern("(?m)^ +" + name + "\\b"));
        assertThat(run("help request")).startsWith("Usage: request [--timeout=DURATION] [PAYLOAD...]")
                .contains("hex:48656c6c6f");
        assertThat(run("help connect")).startsWith("Usage: connect [--tls] [--tls-insecure] [--auth-token=TOKEN]");
        assertThat(run("help bench")).contains("--duration=DURATION", "Default: 5s", "--mode=MODE", "--auth-token-file=FILE",
                "bench's defaults are shorter");
        assertThat(run("help stauts")).startsWith("error: no command 'stauts'; did you mean 'status'?");
    }

    private static String q(String text) {
        return java.util.regex.Pattern.quote(text);
    }
}
