package dev.tether.loadtool.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.Backoff;
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

    @TempDir
    Path dir;

    private ReferenceServer server;
    private PipedOutputStream keyboard;
    private ScreenOutput screen;
    private Terminal terminal;
    private final AtomicReference<ShellSession> session = new AtomicReference<>();
    private CompletableFuture<Integer> shell;

    @BeforeEach
    void start() throws IOException {
        server = ReferenceServer.builder().host("127.0.0.1").port(0)
                .serviceTime(ServiceTime.fixed(Duration.ZERO)).drainTimeout(Duration.ofMillis(200)).start();
        keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard, 64 * 1024);
        screen = new ScreenOutput();
        // JLine's own pure-Java terminal (line discipline included: Ctrl-C raises SIGINT) over pipes
        terminal = new ExternalTerminal("test", "xterm", in, screen, UTF_8);
    }

    @AfterEach
    void stop() throws Exception {
        if (shell != null && !shell.isDone()) {
            type("exit\n");
            shell.get(10, TimeUnit.SECONDS);
        }
        terminal.close();
        server.close();
    }

    private void startShell(Target initial) {
        shell = CompletableFuture.supplyAsync(() -> InteractiveShell.run(terminal, dir.resolve("history"),
                List.of("--duration"), initial, (out, notices) -> {
                    ShellSession s = new ShellSession(ConnectOptions.PLAIN, dir, out, notices, Clock.systemUTC(),
                            new FakeBench());
                    // a request cancelled with Ctrl-C stays in flight in the SDK; leaving waits less for it;
                    // a long backoff holds a lost connection in RECONNECTING while the test looks
                    s.configTuning = b -> b.closeTimeout(Duration.ofMillis(300))
                            .backoff(Backoff.constant(Duration.ofSeconds(30)));
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
        try (ReferenceServer slow = ReferenceServer.builder().host("127.0.0.1").port(0)
                .serviceTime(ServiceTime.fixed(Duration.ofSeconds(30))).drainTimeout(Duration.ofMillis(200)).start()) {
            startShell(Target.parse("127.0.0.1:" + slow.port()));
            screen.await("connected> ", WAIT);
            CountDownLatch waiting = new CountDownLatch(1);
            session.get().onWait = waiting::countDown;
            type("request slow\n");
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

            type("\u0003"); // Ctrl-C while the request waits
            screen.await("error: cancelled", WAIT);
            type("ping\n");
            screen.await("pong from 127.0.0.1:" + slow.port(), WAIT);
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
        screen.await("\r[push news] breaking\n" + prompt + "requ", WAIT);
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

    private static String q(String text) {
        return java.util.regex.Pattern.quote(text);
    }
}
