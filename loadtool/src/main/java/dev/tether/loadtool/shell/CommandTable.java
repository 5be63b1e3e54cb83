package dev.tether.loadtool.shell;

import java.util.List;
import java.util.Optional;

/**
 * The shell's commands: names, usage and one-line help, the options and argument words that tab
 * completion offers, and the "did you mean" suggestion for a mistyped name.
 */
final class CommandTable {

    /** One command as help and completion show it. */
    record Spec(String name, String usage, String summary, List<String> options, List<String> words) {
    }

    static final List<Spec> COMMANDS = List.of(
            new Spec("connect", "connect [host:port] [--auth-token TOKEN] [--tls] [--tls-ca FILE] [--tls-insecure]",
                    "connect to a server (no target: reconnect to the last one now, skipping the backoff wait)",
                    List.of("--auth-token", "--tls", "--tls-ca", "--tls-insecure"), List.of()),
            new Spec("disconnect", "disconnect", "close the connection cleanly (the target is kept for connect)",
                    List.of(), List.of()),
            new Spec("status", "status", "state, session id, endpoint, connected since, reconnects, "
                    + "heartbeat round trip, frames and bytes in/out", List.of(), List.of()),
            new Spec("ping", "ping", "send a heartbeat now and print its round-trip time", List.of(), List.of()),
            new Spec("request", "request [--timeout DURATION] PAYLOAD",
                    "send a request and print the response and its latency",
                    List.of("--timeout"), List.of()),
            new Spec("send", "send PAYLOAD", "send a one-way message (buffered while reconnecting)",
                    List.of(), List.of()),
            new Spec("pushes", "pushes on|off", "print server pushes and connection state changes as they arrive "
                    + "(default on)", List.of(), List.of("on", "off")),
            new Spec("bench", "bench [run options]",
                    "a short load run against the current target with the options and summary of loadtool run",
                    List.of(), List.of()),
            new Spec("help", "help [command]", "list the commands, or explain one", List.of(), List.of()),
            new Spec("exit", "exit", "close the connection and leave (also: quit, Ctrl-D)", List.of(), List.of()));

    private CommandTable() {
    }

    static Optional<Spec> find(String name) {
        String canonical = canonical(name);
        return COMMANDS.stream().filter(c -> c.name().equals(canonical)).findFirst();
    }

    /** Aliases map to their command: {@code quit} to {@code exit}, {@code ?} to {@code help}. */
    static String canonical(String name) {
        switch (name) {
            case "quit":
                return "exit";
            case "?":
                return "help";
            default:
                return name;
        }
    }

    /**
     * The command a mistyped name most likely meant: a unique prefix ({@code stat} for {@code status})
     * or the name within a small edit distance ({@code reqest}); empty when nothing is close.
     */
    static Optional<String> closest(String typed) {
        if (typed.isEmpty()) {
            return Optional.empty();
        }
        List<Spec> prefixed = COMMANDS.stream().filter(c -> c.name().startsWith(typed)).toList();
        if (prefixed.size() == 1) {
            return Optional.of(prefixed.get(0).name());
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Spec c : COMMANDS) {
            int d = editDistance(typed, c.name());
            if (d < bestDistance) {
                bestDistance = d;
                best = c.name();
            }
        }
        // more than a third of the letters wrong is a different word, not a typo
        int allowed = Math.max(1, Math.min(3, (typed.length() + 2) / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
