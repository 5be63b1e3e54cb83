package dev.tether.loadtool;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The command's one logging setup, done once at start by {@link LoadTool#main}. The SDK, Netty and the
 * reference server log through the JDK's facades ({@code System.Logger}, Netty's logger factory), which end
 * in {@code java.util.logging} when no other backend is on the class path; this configures that backend:
 * <ul>
 *   <li>one line per record on standard error, {@code loadtool: WARNING dev.tether.server.Session: ...};</li>
 *   <li>the SDK's and Netty's records below {@code SEVERE} are off: the commands report every client failure
 *       themselves ({@code run} counts them by kind, the shell prints an {@code error:} line), so a refused
 *       server would otherwise print the same failure ten thousand times;</li>
 *   <li>everything else (the reference server among it) from {@code WARNING} up.</li>
 * </ul>
 * A user who passes {@code -Djava.util.logging.config.file=...} (or {@code .class}) keeps their own setup.
 */
public final class CliLogging {
    /** Loggers whose failures the CLI reports itself. */
    static final String[] REPORTED_BY_THE_CLI = {"dev.tether.client", "io.netty"};

    // Strong references: java.util.logging keeps loggers only weakly, and would forget the levels set here.
    private static final Logger[] CONFIGURED = new Logger[REPORTED_BY_THE_CLI.length + 1];

    private CliLogging() {
    }

    /** Configures the JUL backend unless the user configured it; idempotent. */
    public static synchronized void configure() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null || CONFIGURED[0] != null) {
            return;
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler(); // standard error
        handler.setLevel(Level.ALL);
        handler.setFormatter(new OneLine());
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        CONFIGURED[0] = root;
        for (int i = 0; i < REPORTED_BY_THE_CLI.length; i++) {
            CONFIGURED[i + 1] = Logger.getLogger(REPORTED_BY_THE_CLI[i]);
            CONFIGURED[i + 1].setLevel(Level.SEVERE);
        }
    }

    /** {@code loadtool: LEVEL logger: message}, then the exception (its class and message), if any. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder("loadtool: ").append(r.getLevel().getName()).append(' ')
                    .append(r.getLoggerName()).append(": ").append(formatMessage(r));
            if (r.getThrown() != null) {
                b.append(": ").append(r.getThrown());
            }
            return b.append(System.lineSeparator()).toString();
        }
    }
}
