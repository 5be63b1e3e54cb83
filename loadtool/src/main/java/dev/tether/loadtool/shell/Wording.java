package dev.tether.loadtool.shell;

import dev.tether.client.ClientException;
import dev.tether.client.ConnectionState;
import dev.tether.client.StateChange;
import dev.tether.loadtool.ConnectionOptions;
import dev.tether.server.Durations;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * How the shell puts things into words: the connection's state (for the prompt's notices, {@code status}
 * and the "not connected" errors alike), errors, durations, times and addresses. One place, so the same
 * fact always reads the same way.
 */
final class Wording {
    private static final Pattern LONG_HEX = Pattern.compile("[0-9a-fA-F]{64,}");
    private static final Pattern NATIVE_ERROR = Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ");
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Wording() {
    }

    /**
     * What the client is doing about its connection, e.g. {@code reconnecting to h:1, attempt 3, next try in
     * 2.1s (last error: Connection refused)}.
     *
     * @param last the last state change seen (its attempt, delay and cause); null for none
     * @param sinceLast how long ago {@code last} happened: the wait still ahead is its delay less this
     */
    static String state(ConnectionState state, StateChange last, Duration sinceLast, Target target) {
        StateChange change = last != null && last.current() == state ? last : null;
        String cause = change == null || change.cause() == null ? "" : shortCause(change.cause());
        switch (state) {
            case CONNECTED:
                return "connected to " + target;
            case IDLE:
                return "not connected yet";
            case CONNECTING:
                return "connecting to " + target + (change != null && change.attempt() > 0 ? ", attempt " + change.attempt() : "");
            case RECONNECTING: {
                StringBuilder s = new StringBuilder("reconnecting to " + target);
                if (change != null) {
                    s.append(", attempt ").append(change.attempt());
                    if (change.delay() != null) {
                        Duration left = change.delay().minus(sinceLast);
                        s.append(", next try in ").append(seconds(left.isNegative() ? Duration.ZERO : left));
                    }
                }
                return s + (cause.isEmpty() ? "" : " (last error: " + cause + ")");
            }
            case DRAINING:
                return (cause.isEmpty() ? "the server at " + target + " is draining (go-away)" : "draining: " + cause)
                        + "; the client reconnects when the server closes the connection";
            case CLOSED:
            default:
                return "the connection to " + target + " is closed" + (cause.isEmpty() ? "" : " (" + cause + ")")
                        + "; connect opens it again";
        }
    }

    /** A throwable as one line for a user: the message of the innermost useful cause, no class names where avoidable. */
    static String error(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CancellationException) {
            return "cancelled";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null && cause != e ? error(cause) : e.getClass().getSimpleName();
        }
        if (e instanceof ClientException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof ShellSession.CommandFailed) {
            return message;
        }
        return message + " (" + e.getClass().getSimpleName() + ")";
    }

    /**
     * The root cause of a connection problem, short: "Connection refused" rather than the SDK's
     * "connect to ... failed: finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:7000".
     */
    static String shortCause(Throwable t) {
        Throwable root = t;
        boolean tls = t instanceof javax.net.ssl.SSLException;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            tls |= root instanceof javax.net.ssl.SSLException;
        }
        if (root instanceof NotSslRecordException) {
            return "the server answered in plaintext, not TLS (connect without --tls?)";
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return error(t);
        }
        message = NATIVE_ERROR.matcher(message).replaceFirst("");
        message = LONG_HEX.matcher(message).replaceAll(m -> m.group().substring(0, 32) + "...");
        int address = message.lastIndexOf(": /");
        // The deepest message of a TLS failure ("unable to find valid certification path ...") does not say TLS.
        return (tls ? "TLS: " : "") + (address > 0 ? message.substring(0, address) : message)
                + ConnectionOptions.certificateHint(t);
    }

    /** {@code 0.842 ms} below a second, {@code 1.25 s} above: for latencies and round trips. */
    static String duration(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** {@code 2.1s}: for waits ahead. */
    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toNanos() / 1e9);
    }

    /** A moment as a person reads it: local time to the second and how long ago, e.g. {@code 2026-11-29 16:55:31 (3m12s ago)}. */
    static String since(Instant at, Instant now, ZoneId zone) {
        Duration ago = Duration.between(at, now).truncatedTo(ChronoUnit.SECONDS);
        return LOCAL_TIME.format(at.atZone(zone)) + " (" + (ago.isZero() || ago.isNegative() ? "just now"
                : Durations.format(ago) + " ago") + ")";
    }

    /**
     * An address as it is typed: {@code 127.0.0.1:7000}, {@code [::1]:7000}; a name with the address it
     * resolved to, {@code localhost:7000 (127.0.0.1)}. Never the JDK's {@code /127.0.0.1:7000}.
     */
    static String endpoint(InetSocketAddress a) {
        String host = a.getHostString();
        String text = new Target(host, a.getPort()).toString();
        if (a.getAddress() != null) {
            String ip = a.getAddress().getHostAddress();
            if (!ip.equals(host)) {
                text += " (" + ip + ")";
            }
        }
        return text;
    }
}
