package dev.tether.loadtool.shell;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.ExitCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loadtool shell}: an interactive console for one long-lived Tether connection, on JLine, with
 * the SDK underneath. On a terminal it edits lines, keeps history and completes with Tab; with
 * standard input redirected it runs the commands as a script and prints plain results.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"An interactive console for a Tether server: connect, status, ping, request, send, "
                + "pushes, bench.",
                "With standard input redirected (loadtool shell < script.txt) it runs the commands one per line "
                        + "and exits with 1 if any of them failed."})
public final class ShellCommand implements Callable<Integer> {

    /** The system property that moves the history file (tests point it at a temporary directory). */
    public static final String HISTORY_PROPERTY = "tether.shell.history";
    /** The history file's name in the home directory. */
    public static final String HISTORY_FILE_NAME = ".tether_history";

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "Connect to this server at start (else use connect HOST:PORT at the prompt).")
    String target;

    /** The auth token and TLS every connect uses unless it is given others. */
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--history-file", paramLabel = "FILE",
            description = "Where the command history is kept (default: ~/" + HISTORY_FILE_NAME
                    + ", or the system property " + HISTORY_PROPERTY + ").")
    Path historyFile;

    @Option(names = "--script",
            description = "Read commands line by line without line editing, even on a terminal.")
    boolean script;

    // the streams, replaceable by tests
    InputStream in = System.in;
    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        Target initial;
        try {
            initial = target == null ? null : Target.parse(target);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--target: " + e.getMessage());
        }
        try {
            connection.authToken(); // as loadtool run does: a token that cannot be read is a usage error at once
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ConnectionOptions defaults = connection;
        Path baseDir = Path.of("").toAbsolutePath();
        ShellBench bench = new RunEngineBench();
        QuietLogs quiet = new QuietLogs();
        try {
            if (script || System.console() == null) {
                PrintWriter writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
                ShellSession session = new ShellSession(defaults, baseDir, writer, writer::println,
                        Clock.systemDefaultZone(), bench);
                int code = ScriptedShell.run(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                        session, initial);
                return code == 0 ? ExitCodes.OK : ExitCodes.RUN_FAILED;
            }
            try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
                return InteractiveShell.run(terminal, history(), initial,
                        (writer, notices) -> new ShellSession(defaults, baseDir, writer, notices,
                                Clock.systemDefaultZone(), bench));
            }
        } finally {
            quiet.close();
        }
    }

    /**
     * The shell reports every problem as an {@code error:} line; the SDK's and Netty's log warnings
     * (for example "not reconnecting" after a refused auth token) would repeat them as log records.
     * Quiet while the shell runs; the previous levels come back when it ends.
     */
    private static final class QuietLogs implements AutoCloseable {
        private final Logger sdk = Logger.getLogger("dev.tether");
        private final Logger netty = Logger.getLogger("io.netty");
        private final Level sdkLevel = sdk.getLevel();
        private final Level nettyLevel = netty.getLevel();

        QuietLogs() {
            sdk.setLevel(Level.OFF);
            netty.setLevel(Level.SEVERE);
        }

        @Override
        public void close() {
            sdk.setLevel(sdkLevel);
            netty.setLevel(nettyLevel);
        }
    }

    private Path history() {
        if (historyFile != null) {
            return historyFile;
        }
        String property = System.getProperty(HISTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return Path.of(System.getProperty("user.home"), HISTORY_FILE_NAME);
    }
}
