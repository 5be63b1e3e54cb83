package dev.tether.loadtool.shell;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientStats;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerPush;
import dev.tether.client.StateChange;
import dev.tether.client.TetherClient;
import dev.tether.loadtool.DurationConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What the shell does, apart from any terminal: executes one command line at a time and writes what a
 * user should see to a {@link PrintWriter}. Pushes and connection state changes arrive on another
 * thread and go to {@link Notices}, which the JLine front end prints above the prompt.
 *
 * <p>One thread calls {@link #execute}; {@link #cancelRunning} may be called from any thread (Ctrl-C).
 * Errors are printed as one line starting with {@code error:}, never as a stack trace.
 */
final class ShellSession implements AutoCloseable {

    /** What {@link #execute} did. */
    enum Result { OK, FAILED, EXIT }

    /** Where asynchronous output goes: pushes and state changes, as whole lines. */
    interface Notices {
        /** Prints a line that arrived on its own (a push, a state change); called from the events thread. */
        void print(String line);

        /** The connection state changed: a front end that shows it in the prompt redraws it now. */
        default void stateChanged() {
        }
    }

    /** How much longer than the client's own close timeout {@code disconnect} and {@code exit} wait. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** How long {@code bench} waits for the summary after Ctrl-C stopped the run. */
    static final Duration BENCH_STOP_WAIT = Duration.ofSeconds(30);
    /** How long {@code send} waits for a connected client to write the message. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final PrintWriter out;
    private final Notices notices;
    private final Clock clock;
    private final Path baseDir;
    private final ConnectOptions defaults;
    private final ShellBench bench;
    private final ExecutorService events;
    private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();

    /** Adjusts the client configuration before each connect; tests shorten or lengthen the backoff with it. */
    UnaryOperator<ClientConfig.Builder> configTuning = UnaryOperator.identity();

    /** Called when a command starts waiting for the network (and so can be cancelled); a seam for tests. */
    volatile Runnable onWait = () -> { };

    private volatile TetherClient client;
    private volatile ClientEvents clientEvents;
    private volatile Target target;
    private volatile ConnectOptions connectOptions;
    private volatile boolean pushes = true;
    private volatile StateChange lastChange;
    private volatile Instant lastChangeAt;

    /**
     * @param defaults the auth token and TLS settings {@code connect} uses unless it is given others
     * @param baseDir where relative {@code @file} payloads and TLS files are found
     * @param out where command results go
     * @param notices where pushes and state changes go
     * @param clock reads "now" for "connected since" and "next try in"
     * @param bench runs {@code bench}
     */
    ShellSession(ConnectOptions defaults, Path baseDir, PrintWriter out, Notices notices, Clock clock, ShellBench bench) {
        this.defaults = defaults;
        this.connectOptions = defaults;
        this.baseDir = baseDir;
        this.out = out;
        this.notices = notices;
        this.clock = clock;
        this.bench = bench;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tether-shell-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** Executes one command line; prints its result or one {@code error:} line. */
    Result execute(String line) {
        CommandInput input = CommandInput.parse(line);
        if (input.isBlank()) {
            return Result.OK;
        }
        return guarded(() -> dispatch(input));
    }

    /** Connects to the target given on the command line ({@code --target}) before the first prompt. */
    Result connectAtStart(Target to) {
        return guarded(() -> {
            open(to, connectOptions);
            return Result.OK;
        });
    }

    private Result guarded(java.util.function.Supplier<Result> command) {
        try {
            return command.get();
        } catch (CommandFailed | IllegalArgumentException e) {
            error(e.getMessage());
        } catch (RuntimeException e) {
            error(describe(e));
        } finally {
            out.flush();
        }
        return Result.FAILED;
    }

    private Result dispatch(CommandInput input) {
        switch (CommandTable.canonical(input.name())) {
            case "connect":
                connect(input);
                break;
            case "disconnect":
                noArguments(input);
                disconnect();
                break;
            case "status":
                noArguments(input);
                status();
                break;
            case "ping":
                noArguments(input);
                ping();
                break;
            case "request":
                request(input);
                break;
            case "send":
                send(input);
                break;
            case "pushes":
                pushes(input);
                break;
            case "bench":
                bench(input);
                break;
            case "help":
                help(input);
                break;
            case "exit":
                return Result.EXIT;
            default:
                Optional<String> closest = CommandTable.closest(input.name());
                throw new CommandFailed("unknown command '" + input.name() + "'"
                        + closest.map(c -> "; did you mean '" + c + "'?").orElse("")
                        + " (help lists the commands)");
        }
        return Result.OK;
    }

    /** The prompt: the target and the connection state, e.g. {@code tether 127.0.0.1:7000 connected> }. */
    String prompt() {
        Target t = target;
        if (t == null) {
            return "tether (not connected)> ";
        }
        return "tether " + t + " " + stateName() + "> ";
    }

    private String stateName() {
        TetherClient c = client;
        return c == null ? "closed" : c.state().name().toLowerCase(Locale.ROOT);
    }

    /** Cancels the command that is running, if any (Ctrl-C); the command prints that it was cancelled. */
    boolean cancelRunning() {
        CompletableFuture<?> f = running.getAndSet(null);
        return f != null && f.cancel(true);
    }

    /** True while a command waits for the network; for front ends and tests. */
    boolean isRunning() {
        return running.get() != null;
    }

    // ---- commands ----

    private void connect(CommandInput input) {
        CommandInput.Parsed line = input.options(Set.of("--auth-token", "--tls-ca"), Set.of("--tls", "--tls-insecure"));
        // a new target starts from the shell's options; a bare connect reuses the last connect's
        ConnectOptions options = (line.rest().isEmpty() ? connectOptions : defaults).overriddenBy(line, baseDir);
        TetherClient current = client;
        if (line.rest().isEmpty()) {
            if (target == null) {
                throw new CommandFailed("no target yet: connect host:port, e.g. connect 127.0.0.1:7000");
            }
            if (current != null && line.options().isEmpty()) {
                ConnectionState state = current.state();
                if (state == ConnectionState.CONNECTED) {
                    out.println("already connected to " + target + " (session " + current.stats().sessionId() + ")");
                    return;
                }
                if (state == ConnectionState.RECONNECTING || state == ConnectionState.CONNECTING
                        || state == ConnectionState.DRAINING) {
                    current.reconnectNow();
                    out.println("reconnecting to " + target + " now");
                    return;
                }
            }
            open(target, options);
        } else {
            open(Target.parse(line.rest()), options);
        }
    }

    /** Connects to {@code to}, replacing any client the session had. */
    void open(Target to, ConnectOptions options) {
        closeClient(false);
        ClientConfig.Builder config = ClientConfig.builder()
                .endpoint(to.host(), to.port())
                .clientId("loadtool-shell")
                .authToken(options.authToken())
                .retryFirstConnect(false);
        if (options.usesTls()) {
            config.tls(options.tlsOptions());
        }
        config = configTuning.apply(config);
        target = to;
        connectOptions = options;
        lastChange = null;
        ClientEvents listener = new ClientEvents();
        TetherClient c = TetherClient.builder()
                .config(config.build())
                .onPush(listener::onPush)
                .onStateChange(listener::onStateChange)
                .listenerExecutor(events)
                .build();
        listener.client = c;
        clientEvents = listener;
        client = c;
        long start = System.nanoTime();
        try {
            await(c.connect(), null);
        } catch (Cancelled e) {
            closeClient(false);
            throw new CommandFailed("connect to " + to + " cancelled");
        } catch (CommandFailed e) {
            closeClient(false);
            String why = e.getCause() != null ? shortCause(e.getCause()) : e.getMessage();
            throw new CommandFailed("connect to " + to + " failed: " + why);
        }
        out.println("connected to " + to + " (session " + c.stats().sessionId() + ", "
                + (options.usesTls() ? "TLS, " : "") + formatDuration(Duration.ofNanos(System.nanoTime() - start)) + ")");
    }

    private void disconnect() {
        TetherClient c = client;
        if (c == null || c.state() == ConnectionState.CLOSED) {
            out.println("not connected");
            return;
        }
        closeClient(true);
    }

    private void closeClient(boolean report) {
        TetherClient c = client;
        if (c == null) {
            return;
        }
        ClientEvents listener = clientEvents;
        if (listener != null) {
            listener.closedByShell = true; // the command reports this close; no [state] notice for it
        }
        ConnectionState was = c.state();
        // graceful: the SDK lets requests in flight finish, for at most its close timeout
        Duration closeTimeout = c.config().closeTimeout();
        int inFlight = c.stats().requestsInFlight();
        if (inFlight > 0 && was != ConnectionState.CLOSED) {
            out.println("closing: waiting up to " + formatDuration(closeTimeout) + " for " + inFlight
                    + " request(s) in flight");
            out.flush();
        }
        try {
            c.closeAsync().get(closeTimeout.plus(CLOSE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            if (report && was != ConnectionState.CLOSED) {
                out.println("disconnected from " + target);
            }
        } catch (TimeoutException e) {
            out.println("closing the connection to " + target + " took over " + formatDuration(closeTimeout)
                    + "; it was dropped");
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            out.println("closed the connection to " + target + " (" + describe(e.getCause()) + ")");
        }
    }

    private void status() {
        TetherClient c = client;
        if (c == null) {
            out.println("state            not connected (connect host:port)");
            return;
        }
        ClientStats s = c.stats();
        Instant now = clock.instant();
        row("state", s.state().name().toLowerCase(Locale.ROOT)
                + (s.state() == ConnectionState.CONNECTED ? "" : " (" + whatTheClientIsDoing() + ")"));
        row("target", target + (connectOptions.usesTls() ? " (TLS)" : ""));
        row("session", s.sessionId() == null ? "-" : s.sessionId());
        row("endpoint", s.endpoint() == null ? "-" : s.endpoint().toString());
        row("connected since", s.connectedSince() == null ? "-"
                : s.connectedSince() + " (" + formatDuration(Duration.between(s.connectedSince(), now)) + " ago)");
        row("reconnects", Long.toString(s.reconnects()));
        row("heartbeat rtt", s.lastHeartbeatRtt() == null ? "none yet (ping measures one now)"
                : formatDuration(s.lastHeartbeatRtt()));
        row("frames in/out", s.framesIn() + " / " + s.framesOut());
        row("bytes in/out", s.bytesIn() + " / " + s.bytesOut());
        row("in flight", s.requestsInFlight() + " requests");
        row("buffered", s.bufferedSends() + " sends (" + s.bufferedBytes() + " bytes)");
        row("pushes", pushes ? "on" : "off");
    }

    private void row(String name, String value) {
        out.printf("%-16s %s%n", name, value);
    }

    private void ping() {
        TetherClient c = requireConnected("ping");
        Duration rtt = await(c.ping(), null);
        out.println("pong from " + target + " in " + formatDuration(rtt));
    }

    private void request(CommandInput input) {
        CommandInput.Parsed line = input.options(Set.of("--timeout"), Set.of());
        Duration timeout = line.has("--timeout") ? parseDuration(line.get("--timeout")) : null;
        byte[] payload = Payloads.parse(line.rest(), baseDir);
        TetherClient c = requireConnected("request");
        long start = System.nanoTime();
        CompletableFuture<byte[]> response = timeout == null ? c.request(payload) : c.request(payload, timeout);
        // timed where the response completes, not where this thread wakes up
        long[] end = new long[1];
        byte[] reply = await(response.whenComplete((r, e) -> end[0] = System.nanoTime()), null);
        out.println(Payloads.display(reply));
        out.println("(" + reply.length + " bytes, " + formatDuration(Duration.ofNanos(end[0] - start)) + ")");
    }

    private void send(CommandInput input) {
        byte[] payload = Payloads.parse(input.rest(), baseDir);
        TetherClient c = client;
        if (c == null || c.state() == ConnectionState.CLOSED || c.state() == ConnectionState.IDLE) {
            throw new CommandFailed("cannot send: " + whatTheClientIsDoing());
        }
        if (c.state() == ConnectionState.CONNECTED) {
            await(c.send(payload), SEND_TIMEOUT);
            out.println("sent " + payload.length + " bytes");
            return;
        }
        // while reconnecting the SDK keeps sends in its bounded buffer and writes them after the reconnect
        CompletableFuture<Void> queued = c.send(payload);
        queued.whenComplete((v, e) -> {
            if (e != null) {
                notices.print("[send] a queued send of " + payload.length + " bytes failed: " + describe(e));
            }
        });
        if (queued.isCompletedExceptionally()) {
            await(queued, null); // reports why (e.g. the buffer is full)
        }
        out.println("queued " + payload.length + " bytes: " + whatTheClientIsDoing()
                + "; buffered sends go out after the reconnect");
    }

    private void pushes(CommandInput input) {
        switch (input.rest().toLowerCase(Locale.ROOT)) {
            case "on":
                pushes = true;
                break;
            case "off":
                pushes = false;
                break;
            case "":
                break;
            default:
                throw new CommandFailed("pushes takes on or off, not '" + input.rest() + "'");
        }
        out.println("pushes " + (pushes ? "on: pushes and state changes are printed as they arrive" : "off"));
    }

    private void bench(CommandInput input) {
        Target t = target;
        if (t == null) {
            throw new CommandFailed("bench needs a target: connect host:port first");
        }
        ShellBench.Handle run = bench.start(t, connectOptions, input.words(), out);
        int exit;
        try {
            exit = await(run.result(), null);
        } catch (Cancelled e) {
            // as Ctrl-C does to loadtool run: stop early, still print the summary of what ran
            out.println("bench: stopping; the summary covers what ran so far (Ctrl-C again to stop waiting)");
            out.flush();
            run.stop().run();
            exit = await(run.result(), BENCH_STOP_WAIT);
        }
        if (exit != 0) {
            throw new CommandFailed("bench ended with exit code " + exit
                    + (exit == 3 ? " (an --slo threshold was broken)" : ""));
        }
    }

    private void help(CommandInput input) {
        if (!input.rest().isEmpty()) {
            CommandTable.Spec spec = CommandTable.find(input.rest().toLowerCase(Locale.ROOT))
                    .orElseThrow(() -> new CommandFailed("no command '" + input.rest() + "'"
                            + CommandTable.closest(input.rest()).map(c -> "; did you mean '" + c + "'?").orElse("")));
            out.println("usage: " + spec.usage());
            out.println("  " + spec.summary());
            if (spec.name().equals("request") || spec.name().equals("send")) {
                out.println("  PAYLOAD is text, hex:48656c6c6f for bytes, or @file for a file's content");
            }
            if (spec.name().equals("bench")) {
                out.println(bench.usage());
            }
            return;
        }
        for (CommandTable.Spec spec : CommandTable.COMMANDS) {
            out.printf("  %-11s %s%n", spec.name(), spec.summary());
        }
        out.println("Payloads are text, hex:0a0b... for bytes, or @file. Ctrl-C cancels a running command, "
                + "Ctrl-D leaves. help <command> shows its options.");
    }

    // ---- events from the client (on the events thread) ----

    /**
     * The listeners of one client. Notices are for what the user did not command: the first connect
     * and a close the shell asked for are reported by their command instead, and a client the shell
     * has replaced is not heard from again.
     */
    private final class ClientEvents {
        volatile TetherClient client;
        volatile boolean closedByShell;
        private boolean connectedOnce; // events thread only

        private boolean current() {
            return client != null && client == ShellSession.this.client;
        }

        void onPush(ServerPush push) {
            if (!pushes || !current()) {
                return;
            }
            StringBuilder label = new StringBuilder("[push");
            if (push.topic() != null) {
                label.append(' ').append(push.topic());
            }
            if (push.sequence() >= 0) {
                label.append(" #").append(push.sequence());
            }
            notices.print(label.append("] ").append(Payloads.display(push.payload(), Payloads.PUSH_DISPLAY_LIMIT))
                    .toString());
        }

        void onStateChange(StateChange change) {
            if (!current()) {
                return;
            }
            lastChange = change;
            lastChangeAt = clock.instant();
            // CONNECTING is shown by the prompt; the RECONNECTING notice before it already says when
            boolean commanded = closedByShell || !connectedOnce || change.current() == ConnectionState.CONNECTING;
            if (change.current() == ConnectionState.CONNECTED) {
                connectedOnce = true;
            }
            if (pushes && !commanded) {
                notices.print("[state] " + describe(change));
            }
            notices.stateChanged();
        }
    }

    /** Waits until the pushes and state changes received so far have been handled; for tests. */
    void awaitEvents(Duration limit) throws Exception {
        CompletableFuture.runAsync(() -> { }, events).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String describe(StateChange change) {
        String to = change.endpoint() != null ? change.endpoint().getHostString() + ":" + change.endpoint().getPort()
                : String.valueOf(target);
        String cause = change.cause() == null ? "" : " (" + shortCause(change.cause()) + ")";
        switch (change.current()) {
            case CONNECTED:
                return "connected to " + to;
            case CONNECTING:
                return "connecting to " + to + (change.attempt() > 0 ? ", attempt " + change.attempt() : "");
            case RECONNECTING:
                return "reconnecting to " + to + ", attempt " + change.attempt()
                        + (change.delay() != null ? " in " + formatDuration(change.delay()) : "") + cause;
            case DRAINING:
                return "draining" + cause + "; the client reconnects when the server closes the connection";
            case CLOSED:
                return "closed" + cause;
            default:
                return change.current().name().toLowerCase(Locale.ROOT) + cause;
        }
    }

    /** What the client does about not being connected, e.g. "reconnecting, attempt 3, next try in 2.1s". */
    String whatTheClientIsDoing() {
        TetherClient c = client;
        if (c == null) {
            return "no connection yet; connect host:port opens one";
        }
        ConnectionState state = c.state();
        StateChange change = lastChange;
        switch (state) {
            case CONNECTED:
                return "connected to " + target;
            case IDLE:
                return "not connected yet";
            case CONNECTING:
                return "connecting to " + target
                        + (change != null && change.attempt() > 0 ? ", attempt " + change.attempt() : "");
            case RECONNECTING: {
                StringBuilder s = new StringBuilder("reconnecting to " + target);
                if (change != null && change.current() == ConnectionState.RECONNECTING) {
                    s.append(", attempt ").append(change.attempt());
                    if (change.delay() != null) {
                        Duration left = change.delay().minus(Duration.between(lastChangeAt, clock.instant()));
                        s.append(", next try in ").append(formatSeconds(left.isNegative() ? Duration.ZERO : left));
                    }
                    if (change.cause() != null) {
                        s.append(" (last error: ").append(shortCause(change.cause())).append(')');
                    }
                }
                return s.toString();
            }
            case DRAINING:
                return "the server at " + target + " is draining (go-away); the client reconnects when it closes";
            case CLOSED:
            default:
                return "the connection to " + target + " is closed; connect opens it again";
        }
    }

    private TetherClient requireConnected(String command) {
        TetherClient c = client;
        if (c == null || c.state() != ConnectionState.CONNECTED) {
            String hint = c != null && c.state() == ConnectionState.RECONNECTING ? "; connect retries now" : "";
            throw new CommandFailed("not connected, " + command + " not sent: " + whatTheClientIsDoing() + hint);
        }
        return c;
    }

    // ---- waiting, cancelling, describing errors ----

    /**
     * Waits for {@code f} (at most {@code limit}, if given) so that {@link #cancelRunning} can stop the wait.
     * The wait is cancelled, not the SDK's future: the SDK keeps its own timeouts and bookkeeping.
     */
    private <T> T await(CompletableFuture<T> f, Duration limit) {
        CompletableFuture<T> waiter = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            if (e != null) {
                waiter.completeExceptionally(e);
            } else {
                waiter.complete(v);
            }
        });
        running.set(waiter);
        onWait.run();
        try {
            return limit == null ? waiter.get() : waiter.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            throw new Cancelled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailed("interrupted");
        } catch (TimeoutException e) {
            throw new CommandFailed("no answer within " + formatDuration(limit));
        } catch (ExecutionException e) {
            throw new CommandFailed(describe(e.getCause()), e.getCause());
        } finally {
            running.compareAndSet(waiter, null);
        }
    }

    /** A throwable as one line for a user: the message of the innermost useful cause, no class names where avoidable. */
    static String describe(Throwable t) {
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
            return cause != null && cause != e ? describe(cause) : e.getClass().getSimpleName();
        }
        if (e instanceof dev.tether.client.ClientException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof CommandFailed) {
            return message;
        }
        return message + " (" + e.getClass().getSimpleName() + ")";
    }

    private static final java.util.regex.Pattern LONG_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{64,}");
    private static final java.util.regex.Pattern NATIVE_ERROR =
            java.util.regex.Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ");

    /**
     * The root cause of a connection problem, short: "Connection refused" rather than the SDK's
     * "connect to ... failed: finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:7000".
     */
    static String shortCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getClass().getSimpleName().equals("NotSslRecordException")) {
            return "the server answered in plaintext, not TLS (connect without --tls?)";
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return describe(t);
        }
        message = NATIVE_ERROR.matcher(message).replaceFirst("");
        message = LONG_HEX.matcher(message).replaceAll(m -> m.group().substring(0, 32) + "...");
        int address = message.lastIndexOf(": /");
        return address > 0 ? message.substring(0, address) : message;
    }

    private void error(String message) {
        out.println("error: " + message);
    }

    private static void noArguments(CommandInput input) {
        if (!input.rest().isEmpty()) {
            throw new CommandFailed(input.name() + " takes no arguments, got '" + input.rest() + "'");
        }
    }

    private static Duration parseDuration(String text) {
        try {
            Duration d = DurationConverter.parse(text);
            if (d.isZero() || d.isNegative()) {
                throw new CommandFailed("--timeout must be positive: " + text);
            }
            return d;
        } catch (RuntimeException e) {
            if (e instanceof CommandFailed) {
                throw e;
            }
            throw new CommandFailed(e.getMessage());
        }
    }

    /** {@code 0.842 ms} below a second, {@code 1.25 s} above. */
    static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String formatSeconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toNanos() / 1e9);
    }

    /** Closes the connection cleanly and stops the events thread; idempotent. */
    @Override
    public void close() {
        closeClient(true);
        events.shutdown();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
    }

    /** A command could not do its job; the message is for the user. */
    static class CommandFailed extends RuntimeException {
        CommandFailed(String message) {
            super(message, null, false, false);
        }

        CommandFailed(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** The user cancelled the wait (Ctrl-C). */
    static final class Cancelled extends CommandFailed {
        Cancelled() {
            super("cancelled");
        }
    }
}
