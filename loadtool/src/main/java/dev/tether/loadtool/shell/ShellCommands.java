package dev.tether.loadtool.shell;

import dev.tether.client.ClientStats;
import dev.tether.client.ConnectionState;
import dev.tether.client.TetherClient;
import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.DurationConverter;
import dev.tether.loadtool.run.LoadOptions;
import dev.tether.loadtool.shell.ShellSession.Cancelled;
import dev.tether.loadtool.shell.ShellSession.CommandFailed;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jline.utils.Levenshtein;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The shell's commands, each a picocli {@link Command}: picocli parses a typed line, and the same model
 * gives {@code help} and tab completion. The commands work through the {@link ShellSession}.
 *
 * <p>A line is split on blanks only (no quoting), and the payload of {@code request} and {@code send} is
 * the rest of the line verbatim, so {@code request hello   world} sends {@code hello   world}. Errors are
 * printed as one line starting with {@code error:}, never as a stack trace.
 */
final class ShellCommands {

    /** What {@link #execute} did. */
    enum Result { OK, FAILED, EXIT }

    /** The commands in the order {@code help} lists them. */
    private static final List<Class<?>> COMMANDS = List.of(Connect.class, Disconnect.class, Status.class, Ping.class,
            Request.class, Send.class, Pushes.class, Bench.class, Help.class, Exit.class);

    /** How long {@code bench} waits for the summary after Ctrl-C stopped the run. */
    static final Duration BENCH_STOP_WAIT = Duration.ofSeconds(30);
    /** How long {@code send} waits for a connected client to write the message. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern WORD = Pattern.compile("\\S+");

    private final ShellSession session;
    private final PrintWriter out;
    private final CommandLine commandLine;
    /** The line being executed: where each word starts, so a payload can be taken verbatim. */
    private String line = "";
    private final List<Integer> starts = new ArrayList<>();
    private boolean exit;

    ShellCommands(ShellSession session) {
        this.session = session;
        this.out = session.out;
        commandLine = new CommandLine(new Shell())
                .addSubcommand(new Connect()).addSubcommand(new Disconnect()).addSubcommand(new Status())
                .addSubcommand(new Ping()).addSubcommand(new Request()).addSubcommand(new Send())
                .addSubcommand(new Pushes()).addSubcommand(new Bench()).addSubcommand(new Help())
                .addSubcommand(new Exit());
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setExpandAtFiles(false); // @file is a payload, not picocli's argument file
        commandLine.setSubcommandsCaseInsensitive(true);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(out).setErr(out);
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().usageMessage().synopsisHeading("Usage:"));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            error(Wording.error(e));
            return 1;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            error(badInput(e));
            return 2;
        });
        // bench's own defaults, shown by help bench; the options' other defaults are loadtool run's
        commandLine.getSubcommands().get("bench").setDefaultValueProvider(
                option -> option instanceof OptionSpec o ? Bench.defaultOf(o.longestName()) : null);
        for (String payloadCommand : List.of("request", "send")) {
            // the first word that is not an option starts the payload: no options are looked for after it
            commandLine.getSubcommands().get(payloadCommand).setStopAtPositional(true);
        }
    }

    /** The picocli model of the commands, for completion. */
    CommandLine commandLine() {
        return commandLine;
    }

    /** Executes one command line; prints its result or one {@code error:} line. */
    Result execute(String typed) {
        String text = typed == null ? "" : typed.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return Result.OK;
        }
        line = text;
        starts.clear();
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(m.group());
            starts.add(m.start());
        }
        exit = false;
        int code;
        try {
            code = commandLine.execute(words.toArray(new String[0]));
        } finally {
            out.flush();
        }
        return exit ? Result.EXIT : code == 0 ? Result.OK : Result.FAILED;
    }

    /** Connects to the target given on the command line ({@code --target}) before the first prompt. */
    Result connectAtStart(Target to) {
        try {
            session.open(to, session.connectOptions());
            return Result.OK;
        } catch (RuntimeException e) {
            error(Wording.error(e));
            return Result.FAILED;
        } finally {
            out.flush();
        }
    }

    /** The typed line from its word {@code index} on, verbatim. */
    private String verbatimFrom(int index) {
        return index >= starts.size() ? "" : line.substring(starts.get(index));
    }

    /** The verbatim payload whose words picocli gave {@code words}: they are the last words of the line. */
    private String payload(List<String> words) {
        return words == null || words.isEmpty() ? "" : verbatimFrom(starts.size() - words.size());
    }

    private String badInput(ParameterException e) {
        CommandLine where = e.getCommandLine();
        if (where == commandLine && e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String typed = u.getUnmatched().get(0);
            return "unknown command '" + typed + "'" + closest(typed).map(c -> "; did you mean '" + c + "'?").orElse("")
                    + " (help lists the commands)";
        }
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && where.getCommandName().equals("bench")) {
            for (String option : List.of("--target", "--source-address")) {
                if (u.getUnmatched().stream().anyMatch(a -> a.equals(option) || a.startsWith(option + "="))) {
                    return option + " is not a bench option: bench loads the shell's target (connect HOST:PORT changes it)";
                }
            }
        }
        if (e instanceof UnmatchedArgumentException u && where.getCommandSpec().positionalParameters().isEmpty()
                && u.getUnmatched().stream().noneMatch(a -> a.startsWith("-"))) {
            message = where.getCommandName() + " takes no arguments, got '" + String.join(" ", u.getUnmatched()) + "'";
        }
        return message + " (help " + where.getCommandName() + " shows its usage)";
    }

    /**
     * The command a mistyped name most likely meant: a unique prefix ({@code stat} for {@code status}) or
     * the name within a small edit distance ({@code reqest}); empty when nothing is close.
     */
    static Optional<String> closest(String typed) {
        String word = typed.toLowerCase(Locale.ROOT);
        List<String> names = commandNames().toList();
        List<String> prefixed = names.stream().filter(n -> n.startsWith(word)).toList();
        if (!word.isEmpty() && prefixed.size() == 1) {
            return Optional.of(prefixed.get(0));
        }
        // more than a third of the letters wrong is a different word, not a typo
        int allowed = Math.max(1, Math.min(3, (word.length() + 2) / 3));
        return names.stream()
                .filter(n -> Levenshtein.distance(word, n) <= allowed)
                .min((a, b) -> Integer.compare(Levenshtein.distance(word, a), Levenshtein.distance(word, b)));
    }

    /** The command names, in the order {@code help} lists them. */
    static Stream<String> commandNames() {
        return COMMANDS.stream().map(c -> c.getAnnotation(Command.class).name());
    }

    /** Offers the command names where a command name is expected ({@code help COMMAND}). */
    static final class CommandNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return commandNames().iterator();
        }
    }

    private void error(String message) {
        out.println("error: " + message);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("%-16s %s%n", name, value);
    }

    // ---- the commands ----

    /** The root: nameless, so that help shows {@code Usage: request ...}, as the command is typed. */
    @Command(name = "", description = "The commands of the Tether shell.")
    static final class Shell implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "connect", description = "connect to a server (no target: reconnect to the last one now, "
            + "skipping the backoff wait)", footer = "Options not given are the shell's own (loadtool shell's options); "
                    + "a connect without a target reuses the last connect's.")
    final class Connect implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "HOST:PORT",
                description = "The server, e.g. 127.0.0.1:7000 or [::1]:7000; a bare port means 127.0.0.1.")
        String to;

        @Mixin
        ConnectionOptions given;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (to != null) { // a new target starts from the shell's options
                session.open(Target.parse(to), given.overriding(session.defaults));
                return 0;
            }
            Target target = session.target();
            if (target == null) {
                throw new CommandFailed("no target yet: connect host:port, e.g. connect 127.0.0.1:7000");
            }
            TetherClient current = session.client();
            if (current != null && spec.commandLine().getParseResult().matchedOptions().isEmpty()) {
                ConnectionState state = current.state();
                if (state == ConnectionState.CONNECTED) {
                    out.println("already connected to " + target + " (session " + current.stats().sessionId() + ")");
                    return 0;
                }
                if (state == ConnectionState.RECONNECTING || state == ConnectionState.CONNECTING
                        || state == ConnectionState.DRAINING) {
                    current.reconnectNow();
                    out.println("reconnecting to " + target + " now");
                    return 0;
                }
            }
            session.open(target, given.overriding(session.connectOptions())); // a bare connect reuses the last options
            return 0;
        }
    }

    @Command(name = "disconnect", description = "close the connection cleanly (the target is kept for connect)")
    final class Disconnect implements Runnable {
        @Override
        public void run() {
            TetherClient c = session.client();
            if (c == null || c.state() == ConnectionState.CLOSED) {
                out.println("not connected");
                return;
            }
            session.closeClient(true);
        }
    }

    @Command(name = "status", description = "state, session id, endpoint, connected since, reconnects, "
            + "heartbeat round trip, frames and bytes in/out")
    final class Status implements Runnable {
        @Override
        public void run() {
            TetherClient c = session.client();
            if (c == null) {
                row(out, "state", "not connected (connect host:port)");
                return;
            }
            ClientStats s = c.stats();
            Instant now = session.clock.instant();
            row(out, "state", s.state().name().toLowerCase(Locale.ROOT)
                    + (s.state() == ConnectionState.CONNECTED ? "" : " (" + session.whatTheClientIsDoing() + ")"));
            row(out, "target", session.target() + (session.connectOptions().usesTls() ? " (TLS)" : ""));
            row(out, "session", s.sessionId() == null ? "-" : s.sessionId());
            row(out, "endpoint", s.endpoint() == null ? "-" : Wording.endpoint(s.endpoint()));
            row(out, "connected since", s.connectedSince() == null ? "-"
                    : Wording.since(s.connectedSince(), now, session.clock.getZone()));
            row(out, "reconnects", Long.toString(s.reconnects()));
            row(out, "heartbeat rtt", s.lastHeartbeatRtt() == null ? "none yet (ping measures one now)"
                    : Wording.duration(s.lastHeartbeatRtt()));
            row(out, "frames in/out", s.framesIn() + " / " + s.framesOut());
            row(out, "bytes in/out", s.bytesIn() + " / " + s.bytesOut());
            row(out, "in flight", s.requestsInFlight() + " requests");
            row(out, "buffered", s.bufferedSends() + " sends (" + s.bufferedBytes() + " bytes)");
            row(out, "pushes", session.pushes() ? "on" : "off");
        }
    }

    @Command(name = "ping", description = "send a heartbeat now and print its round-trip time")
    final class Ping implements Runnable {
        @Override
        public void run() {
            TetherClient c = session.requireConnected("ping");
            Duration rtt = session.await(c.ping(), null);
            out.println("pong from " + session.target() + " in " + Wording.duration(rtt));
        }
    }

    @Command(name = "request", description = "send a request and print the response and its latency",
            footer = "PAYLOAD is text, hex:48656c6c6f for bytes, or @file for a file's content; "
                    + "put -- before a payload that starts with -.")
    final class Request implements Runnable {
        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "Fail if no response comes within this time (default: the client's, 10s).")
        Duration timeout;

        @Parameters(arity = "0..*", paramLabel = "PAYLOAD", description = "The rest of the line, verbatim.")
        List<String> words;

        @Override
        public void run() {
            if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
                throw new CommandFailed("--timeout must be positive: " + DurationConverter.format(timeout));
            }
            byte[] payload = Payloads.parse(payload(words), session.baseDir);
            TetherClient c = session.requireConnected("request");
            long start = System.nanoTime();
            CompletableFuture<byte[]> response = timeout == null ? c.request(payload) : c.request(payload, timeout);
            long[] end = new long[1]; // timed where the response completes, not where this thread wakes up
            response.whenComplete((r, e) -> end[0] = System.nanoTime());
            byte[] reply = session.await(response, null);
            out.println(Payloads.display(reply));
            out.println("(" + reply.length + " bytes, " + Wording.duration(Duration.ofNanos(end[0] - start)) + ")");
        }
    }

    @Command(name = "send", description = "send a one-way message (buffered while reconnecting)",
            footer = "PAYLOAD is text, hex:48656c6c6f for bytes, or @file for a file's content; "
                    + "put -- before a payload that starts with -.")
    final class Send implements Runnable {
        @Parameters(arity = "0..*", paramLabel = "PAYLOAD", description = "The rest of the line, verbatim.")
        List<String> words;

        @Override
        public void run() {
            byte[] payload = Payloads.parse(payload(words), session.baseDir);
            TetherClient c = session.client();
            if (c == null || c.state() == ConnectionState.CLOSED || c.state() == ConnectionState.IDLE) {
                throw new CommandFailed("cannot send: " + session.whatTheClientIsDoing());
            }
            if (c.state() == ConnectionState.CONNECTED) {
                session.await(c.send(payload), SEND_TIMEOUT);
                out.println("sent " + payload.length + " bytes");
                return;
            }
            // while reconnecting the SDK keeps sends in its bounded buffer and writes them after the reconnect
            CompletableFuture<Void> queued = c.send(payload);
            queued.whenComplete((v, e) -> {
                if (e != null) {
                    session.notices.print("[send] a queued send of " + payload.length + " bytes failed: "
                            + Wording.error(e));
                }
            });
            if (queued.isCompletedExceptionally()) {
                session.await(queued, null); // reports why (e.g. the buffer is full)
            }
            out.println("queued " + payload.length + " bytes: " + session.whatTheClientIsDoing()
                    + "; buffered sends go out after the reconnect");
        }
    }

    /** The values {@code pushes} takes. */
    enum Toggle { on, off }

    @Command(name = "pushes", description = "print server pushes and connection state changes as they arrive "
            + "(default on)")
    final class Pushes implements Runnable {
        @Parameters(arity = "0..1", paramLabel = "on|off", description = "Turn printing on or off; none shows the setting.")
        Toggle toggle;

        @Override
        public void run() {
            if (toggle != null) {
                session.pushes(toggle == Toggle.on);
            }
            out.println("pushes " + (session.pushes() ? "on: pushes and state changes are printed as they arrive" : "off"));
        }
    }

    @Command(name = "bench", description = "a short load run against the current target with the options and "
            + "summary of loadtool run", footer = {"The target is the shell's (connect HOST:PORT changes it); the auth "
                    + "token and TLS are the shell's unless given here.",
                    "bench's defaults are shorter than loadtool run's: " + Bench.DEFAULTS + "."})
    final class Bench implements Runnable {
        /** A bench is short unless told otherwise: these options' defaults, as they would be typed. */
        static final String DEFAULTS = "--clients 20 --duration 5s --warmup 1s --rate 1000";

        /** The default {@link #DEFAULTS} gives {@code option}, or null to keep {@code loadtool run}'s. */
        static String defaultOf(String option) {
            List<String> words = List.of(DEFAULTS.split(" "));
            int at = words.indexOf(option);
            return at >= 0 ? words.get(at + 1) : null;
        }

        @Mixin
        LoadOptions load;

        @Mixin
        ConnectionOptions connection;

        @Override
        public void run() {
            Target t = session.target();
            if (t == null) {
                throw new CommandFailed("bench needs a target: connect host:port first");
            }
            ShellBench.Handle run = session.bench.start(t, load, connection.overriding(session.connectOptions()), out);
            int exit;
            try {
                exit = session.await(run.result().copy(), null);
            } catch (Cancelled e) {
                // as Ctrl-C does to loadtool run: stop early, still print the summary of what ran
                out.println("bench: stopping; the summary covers what ran so far (Ctrl-C again to stop waiting)");
                out.flush();
                run.stop().run();
                exit = session.await(run.result().copy(), BENCH_STOP_WAIT);
            }
            if (exit != 0) {
                throw new CommandFailed("bench ended with exit code " + exit
                        + (exit == 3 ? " (an --slo threshold was broken)" : ""));
            }
        }
    }

    @Command(name = "help", aliases = "?", helpCommand = true, description = "list the commands, or explain one")
    final class Help implements Runnable {
        @Parameters(arity = "0..1", paramLabel = "COMMAND", completionCandidates = CommandNames.class,
                description = "The command to explain.")
        String command;

        @Override
        public void run() {
            if (command == null) {
                out.print(commandLine.getHelp().commandList());
                out.println("Payloads are text, hex:0a0b... for bytes, or @file. Ctrl-C cancels a running command, "
                        + "Ctrl-D leaves. help <command> shows its options.");
                return;
            }
            CommandLine sub = commandLine.getSubcommands().get(command.toLowerCase(Locale.ROOT));
            if (sub == null) {
                throw new CommandFailed("no command '" + command + "'"
                        + closest(command).map(c -> "; did you mean '" + c + "'?").orElse(""));
            }
            sub.usage(out);
        }
    }

    @Command(name = "exit", aliases = "quit", description = "close the connection and leave (also: Ctrl-D)")
    final class Exit implements Runnable {
        @Override
        public void run() {
            exit = true;
        }
    }
}
