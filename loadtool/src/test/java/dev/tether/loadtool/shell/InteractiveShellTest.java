package dev.tether.loadtool.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.Backoff;
import dev.tether.loadtool.ConnectionOptions;
import dev.tether.server.ReferenceServer;
import dev.tether.server.ServiceTime;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Terminal;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JLine front end driven through JLine's own terminal over pipes: keys go in, and the test reads
 * what the user would see on the screen.
 */
class InteractiveShellTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int COLUMNS = 160;
    private static final int ROWS = 40;
    private static final ConnectionOptions PLAIN = ConnectionOptions.of(null, false, null, false);

    @TempDir
    Path dir;

    private ReferenceServer server;
    private PipedOutputStream keyboard;
    private ScreenOutput screen;
    private Terminal terminal;
    private final AtomicReference<ShellSession> session = new AtomicReference<>();
    private CompletableFuture<Integer> shell;
    /** The shell's close timeout: short, so that leaving does not wait long for anything. */
    private Duration closeTimeout = Duration.ofMillis(300);

    @BeforeEach
    void start() throws IOException {
        server = ReferenceServer.builder().host("127.0.0.1").port(0)
                .serviceTime(ServiceTime.fixed(Duration.ZERO)).drainTimeout(Duration.ofMillis(200)).start();
        keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard, 64 * 1024);
        screen = new ScreenOutput();
        // JLine's own pure-Java terminal (line discipline included: Ctrl-C raises SIGINT) over pipes
        terminal = new ExternalTerminal("test", "xterm", in, screen, UTF_8);
        terminal.setSize(new Size(COLUMNS, ROWS));
    }

    @AfterEach
    void stop() throws Exception {
        if (shell != null && !shell.isDone()) {
            type("exit\n");
            try {
                shell.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the shell did not leave; the screen:\n" + screen.text().replace("\r", "<CR>"), e);
            }
        }
        terminal.close();
        server.close();
    }

    private void startShell(Target initial) {
        shell = CompletableFuture.supplyAsync(() -> InteractiveShell.run(terminal, dir.resolve("history"),
                initial, (out, notices) -> {
                    ShellSession s = new ShellSession(PLAIN, dir, out, notices, Clock.systemDefaultZone(),
                            new FakeBench());
                    // a long backoff holds a lost connection in RECONNECTING while the test looks
                    s.configTuning = b -> b.closeTimeout(closeTimeout).backoff(Backoff.constant(Duration.ofSeconds(30)));
                    session.set(s);
                    return s;
                }));
    }

    private void type(String keys) throws IOException {
        keyboard.write(keys.getBytes(UTF_8));
        keyboard.flush();
    }

    private String target() {
        return "127.0.0.1:" + server.port();
    }

    @Test
    void aUserSessionReadsAsExpected() throws Exception {
        startShell(null);
        screen.await("tether (not connected)> ", WAIT);
        type("connect " + target() + "\n");
        screen.await("tether " + target() + " connected> ", WAIT);
        type("status\nrequest hello\nrequest it's a \\back slash !! ok\nstauts\nexit\n");
        assertThat(shell.get(10, TimeUnit.SECONDS)).isZero();

        assertThat(screen.text())
                .containsPattern("connected to " + q(target()) + " \\(session \\S+, [\\d.]+ ms\\)")
                .containsPattern("state +connected")
                .containsPattern("\\Rhello\\R\\(5 bytes, \\d+\\.\\d{3} ms\\)")
                .contains("\nit's a \\back slash !! ok\n") // typed text arrives verbatim: no quoting, no ! history
                .contains("error: unknown command 'stauts'; did you mean 'status'?")
                .doesNotContain("\tat ")
                .endsWith("disconnected from " + target() + System.lineSeparator());
        // the history is kept in the file the shell was given
        assertThat(Files.readString(dir.resolve("history"))).contains("request hello", "status");
    }

    @Test
    void theTargetOptionConnectsAtStartAndCtrlDLeaves() throws Exception {
        startShell(Target.parse(target()));
        screen.await("tether " + target() + " connected> ", WAIT);
        type("\u0004"); // Ctrl-D on an empty line
        assertThat(shell.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(screen.text()).endsWith("disconnected from " + target() + System.lineSeparator());
    }

    @Test
    void ctrlCCancelsTheRunningCommandAndTheShellCarriesOn() throws Exception {
        closeTimeout = Duration.ofMinutes(1); // nothing may wait for the cancelled request
        try (ReferenceServer slow = ReferenceServer.builder().host("127.0.0.1").port(0)
                .serviceTime(ServiceTime.fixed(Duration.ofSeconds(30))).drainTimeout(Duration.ofMillis(200)).start()) {
            startShell(Target.parse("127.0.0.1:" + slow.port()));
            screen.await("connected> ", WAIT);
            CountDownLatch waiting = new CountDownLatch(1);
            session.get().onWait = waiting::countDown;
            type("request slow\n");
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

            type("\u0003"); // Ctrl-C while the request waits
            // the ^C the terminal echoes ends its line: the error starts on the next
            assertThat(screen.await("error: cancelled\n", WAIT)).containsPattern("request slow\r?\n\\^C\nerror: cancelled\n");
            assertThat(session.get().isRunning()).isFalse();
            type("ping\n");
            screen.await("pong from 127.0.0.1:" + slow.port(), WAIT);
            // the request is cancelled: connecting again does not wait (a minute) for its answer
            type("connect 127.0.0.1:" + slow.port() + "\n");
            screen.await("connected to 127.0.0.1:" + slow.port() + " (session", WAIT);
            type("exit\n");
            assertThat(shell.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void pushesArePrintedAboveTheLineBeingTypedWithoutGarblingIt() throws Exception {
        startShell(Target.parse(target()));
        String prompt = "tether " + target() + " connected> ";
        screen.await(prompt, WAIT);
        type("requ"); // half a command typed ...
        screen.await(prompt + "requ", WAIT);
        server.broadcast("news", "breaking".getBytes(UTF_8)); // ... when a push arrives
        // the line is erased, the push printed from its start, and the prompt with the typed text redrawn
        screen.await("\r[push news #0] breaking\n" + prompt + "requ", WAIT); // #0: its number in the session
        type("est after\n"); // the typing continues where it was
        screen.await("\nafter\n(5 bytes, ", WAIT);
    }

    @Test
    void stateChangesArePrintedAndThePromptFollowsThem() throws Exception {
        startShell(Target.parse(target()));
        screen.await("tether " + target() + " connected> ", WAIT);
        server.closeNow(); // not something the user asked for: a notice says it
        screen.await("[state] reconnecting to " + target() + ", attempt 1", WAIT);
        screen.await("tether " + target() + " reconnecting> ", WAIT);
        type("request hi\n"); // says what the client is doing about it
        String text = screen.await("; connect retries now", WAIT);
        assertThat(text).containsPattern("error: not connected, request not sent: reconnecting to " + q(target())
                + ", attempt 1, next try in \\d+\\.\\ds \\(last error: .+\\); connect retries now");
        type("disconnect\n"); // asked for: the command says it, no notice repeats it
        screen.await("tether " + target() + " closed> ", WAIT);
        assertThat(screen.text()).contains("disconnected from " + target()).doesNotContain("[state] closed");
    }

    @Test
    void tabCompletesACommand() throws Exception {
        startShell(Target.parse(target()));
        screen.await("connected> ", WAIT);
        type("sta\t\n");
        screen.await("reconnects", WAIT); // "sta" + Tab ran status
    }

    @Test
    void aStateChangeWhileACommandIsHalfTypedLeavesNoStaleCharacter() throws Exception {
        startShell(Target.parse(target()));
        screen.await("tether " + target() + " connected> ", WAIT);
        int port = server.port();
        server.closeNow();
        screen.await("tether " + target() + " reconnecting> ", WAIT);
        server.terminationFuture().get(10, TimeUnit.SECONDS);
        server = ReferenceServer.builder().host("127.0.0.1").port(port).serviceTime(ServiceTime.fixed(Duration.ZERO))
                .drainTimeout(Duration.ofMillis(200)).start();
        type("request xy"); // half typed under the longer prompt ...
        screen.await("reconnecting> request xy", WAIT);
        session.get().client().reconnectNow(); // ... when the connection comes back
        screen.await("[state] connected to " + target() + "\ntether " + target() + " connected> request xy", WAIT);

        // what the user sees: the notice above, then the shorter prompt and the typed text, nothing after it
        List<String> rows = screen.screen(COLUMNS, ROWS).stream().filter(r -> !r.isEmpty()).toList();
        assertThat(rows.get(rows.size() - 2)).isEqualTo("[state] connected to " + target());
        assertThat(rows.get(rows.size() - 1)).isEqualTo("tether " + target() + " connected> request xy");
        type("\n");
        screen.await("\nxy\n(2 bytes, ", WAIT);
    }

    @Test
    void statusAndABinaryPushReadAsAPersonReadsThem() throws Exception {
        startShell(null);
        screen.await("tether (not connected)> ", WAIT);
        type("connect " + target() + " --auth-token t0ken\n"); // the order help connect shows
        screen.await("tether " + target() + " connected> ", WAIT);
        type("status\n");
        String text = screen.await("pushes ", WAIT);
        assertThat(text).containsPattern("endpoint +" + q(target()) + "\n")
                .containsPattern("connected since +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\((just now|\\d+s ago)\\)\n")
                .doesNotContain("/127.0.0.1");
        server.broadcast(null, new byte[128]);
        screen.await("[push #0] 128 bytes hex:" + "00".repeat(16) + "...\n", WAIT);
    }

    @Test
    void modeCompletesToLowerCaseValues() throws Exception {
        startShell(Target.parse(target()));
        screen.await("connected> ", WAIT);
        type("bench --mode \t");
        String text = screen.await("send", WAIT); // the values are listed in order: closed idle push rate send
        assertThat(text).contains("closed", "idle", "push", "rate").doesNotContain("CLOSED", "RATE");
        type("\u0003"); // Ctrl-C at the prompt drops the line
        screen.awaitEnd("\ntether " + target() + " connected> ", WAIT);
        type("help \t");
        screen.await("status", WAIT); // the command names, listed in order
        type("\u0003");
        screen.awaitEnd("\ntether " + target() + " connected> ", WAIT);
    }

    private static String q(String text) {
        return java.util.regex.Pattern.quote(text);
    }
}
