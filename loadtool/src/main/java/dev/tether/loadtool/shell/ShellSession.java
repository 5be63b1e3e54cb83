package dev.tether.loadtool.shell;

import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerPush;
import dev.tether.client.StateChange;
import dev.tether.client.TetherClient;
import dev.tether.loadtool.ConnectionOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The shell's connection: the one {@link TetherClient} it has at a time, the events that client reports
 * (pushes and state changes, delivered to {@link Notices} on an events thread), and waiting for the
 * network in a way Ctrl-C can cancel. The commands ({@link ShellCommands}) work through it.
 *
 * <p>One thread runs commands; {@link #cancelRunning} may be called from any thread (Ctrl-C).
 */
final class ShellSession implements AutoCloseable {

    /** Where asynchronous output goes: pushes and state changes, as whole lines. */
    interface Notices {
        /** Prints a line that arrived on its own (a push, a failed queued send); called from the events thread. */
        void print(String line);

        /**
         * The connection state changed: a front end that shows the state in its prompt redraws it now.
         *
         * @param line what to print about it, or null when the prompt alone shows it
         */
        default void stateChanged(String line) {
            if (line != null) {
                print(line);
            }
        }
    }

    /** How much longer than the client's own close timeout {@code disconnect} and {@code exit} wait. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    /** Where command results go. */
    final PrintWriter out;
    /** Where pushes and state changes go. */
    final Notices notices;
    /** Reads "now" (and the time zone) for "connected since" and "next try in". */
    final Clock clock;
    /** Where relative {@code @file} payloads are found. */
    final Path baseDir;
    /** The shell's own auth token and TLS (its command line's), which a {@code connect} to a new target starts from. */
    final ConnectionOptions defaults;
    /** Runs {@code bench}. */
    final ShellBench bench;
    private final ExecutorService events;
    private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();

    /** Adjusts the client configuration before each connect; tests shorten or lengthen the backoff with it. */
    UnaryOperator<ClientConfig.Builder> configTuning = UnaryOperator.identity();

    /** Called when a command starts waiting for the network (and so can be cancelled); a seam for tests. */
    volatile Runnable onWait = () -> { };

    private volatile ClientEvents current;
    private volatile Target target;
    private volatile ConnectionOptions connectOptions;
    private volatile boolean pushes = true;

    /** A session without a connection yet; the parameters are the fields of the same names. */
    ShellSession(ConnectionOptions defaults, Path baseDir, PrintWriter out, Notices notices, Clock clock,
            ShellBench bench) {
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

    /** The options of the last connect. */
    ConnectionOptions connectOptions() {
        return connectOptions;
    }

    /** The last target connected to; null before the first connect. */
    Target target() {
        return target;
    }

    /** The client of the last connect; null before the first. */
    TetherClient client() {
        ClientEvents c = current;
        return c == null ? null : c.client;
    }

    /** Whether pushes and state changes are printed ({@code pushes on|off}). */
    boolean pushes() {
        return pushes;
    }

    void pushes(boolean on) {
        pushes = on;
    }

    /** The prompt: the target and the connection state, e.g. {@code tether 127.0.0.1:7000 connected> }. */
    String prompt() {
        Target t = target;
        if (t == null) {
            return "tether (not connected)> ";
        }
        TetherClient c = client();
        return "tether " + t + " " + (c == null ? "closed" : c.state().name().toLowerCase(Locale.ROOT)) + "> ";
    }

    /** What the client does about its connection, e.g. "reconnecting to h:1, attempt 3, next try in 2.1s". */
    String whatTheClientIsDoing() {
        ClientEvents c = current;
        if (c == null) {
            return "no connection yet; connect host:port opens one";
        }
        StateChange last = c.lastChange;
        Duration since = last == null ? Duration.ZERO : Duration.between(c.lastChangeAt, clock.instant());
        return Wording.state(c.client.state(), last, since, target);
    }

    /** The client, if it is connected; otherwise fails saying what the client is doing about it. */
    TetherClient requireConnected(String command) {
        TetherClient c = client();
        if (c == null || c.state() != ConnectionState.CONNECTED) {
            String hint = c != null && c.state() == ConnectionState.RECONNECTING ? "; connect retries now" : "";
            throw new CommandFailed("not connected, " + command + " not sent: " + whatTheClientIsDoing() + hint);
        }
        return c;
    }

    /** Connects to {@code to}, replacing any client the session had, and prints the session it got. */
    void open(Target to, ConnectionOptions options) {
        // the options first: a token file that cannot be read leaves the current connection alone
        ClientConfig.Builder config = ClientConfig.builder()
                .endpoint(to.host(), to.port())
                .clientId("loadtool-shell")
                .authToken(options.authToken())
                .retryFirstConnect(false);
        if (options.usesTls()) {
            config.tls(options.tlsOptions());
        }
        ClientConfig built = configTuning.apply(config).build();
        closeClient(false);
        ClientEvents listener = new ClientEvents();
        TetherClient c = TetherClient.builder()
                .config(built)
                .onPush(listener::onPush)
                .onStateChange(listener::onStateChange)
                .onSessionLoss(listener::onSessionLoss)
                .listenerExecutor(events)
                .build();
        listener.client = c;
        target = to;
        connectOptions = options;
        current = listener;
        long start = System.nanoTime();
        try {
            await(c.connect(), null);
        } catch (Cancelled e) {
            closeClient(false);
            throw new CommandFailed("connect to " + to + " cancelled");
        } catch (CommandFailed e) {
            closeClient(false);
            String why = e.getCause() != null ? Wording.shortCause(e.getCause()) : e.getMessage();
            throw new CommandFailed("connect to " + to + " failed: " + why);
        }
        out.println("connected to " + to + " (session " + c.stats().sessionId() + ", "
                + (options.usesTls() ? "TLS, " : "") + Wording.duration(Duration.ofNanos(System.nanoTime() - start)) + ")");
    }

    /**
     * Closes the client gracefully: the SDK lets requests in flight finish, for at most its close timeout.
     * Requests the user cancelled are not waited for: nobody waits for their answers any more.
     *
     * @param report print "disconnected from ..." (a command that replaces the client says so itself)
     */
    void closeClient(boolean report) {
        ClientEvents listener = current;
        if (listener == null) {
            return;
        }
        TetherClient c = listener.client;
        listener.closedByShell = true; // the command reports this close; no [state] notice for it
        ConnectionState was = c.state();
        Duration closeTimeout = c.config().closeTimeout();
        int inFlight = c.stats().requestsInFlight();
        CompletableFuture<Void> closed = c.closeAsync();
        if (was == ConnectionState.CLOSED) {
            return;
        }
        if (inFlight > 0 && listener.cancelledWaits > 0) {
            // the shell waits for one answer at a time, so what is in flight is what Ctrl-C gave up on
            if (report) {
                out.println("disconnected from " + target + " (" + inFlight + " cancelled request(s) dropped)");
            }
            return;
        }
        if (inFlight > 0) {
            out.println("closing: waiting up to " + Wording.duration(closeTimeout) + " for " + inFlight
                    + " request(s) in flight");
            out.flush();
        }
        try {
            closed.get(closeTimeout.plus(CLOSE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            if (report) {
                out.println("disconnected from " + target);
            }
        } catch (TimeoutException e) {
            out.println("closing the connection to " + target + " took over " + Wording.duration(closeTimeout)
                    + "; it was dropped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            out.println("closed the connection to " + target + " (" + Wording.error(e.getCause()) + ")");
        }
    }

    // ---- waiting and cancelling ----

    /**
     * Waits for {@code f} (at most {@code limit}, if given) so that {@link #cancelRunning} can stop the wait.
     * Ctrl-C cancels {@code f} itself too: a request the user gave up on is cancelled in the SDK, not
     * merely no longer waited for. Pass a {@link CompletableFuture#copy() copy} to keep {@code f}.
     *
     * @throws Cancelled when the wait was cancelled
     * @throws CommandFailed when {@code f} failed or {@code limit} passed, with the cause's message
     */
    <T> T await(CompletableFuture<T> f, Duration limit) {
        running.set(f);
        onWait.run();
        try {
            return limit == null ? f.get() : f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            ClientEvents c = current;
            if (c != null) {
                c.cancelledWaits++;
            }
            throw new Cancelled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailed("interrupted");
        } catch (TimeoutException e) {
            throw new CommandFailed("no answer within " + Wording.duration(limit));
        } catch (ExecutionException e) {
            throw new CommandFailed(Wording.error(e.getCause()), e.getCause());
        } finally {
            running.compareAndSet(f, null);
        }
    }

    /** Cancels what the running command waits for, if anything (Ctrl-C); the command prints that it was cancelled. */
    boolean cancelRunning() {
        CompletableFuture<?> f = running.getAndSet(null);
        return f != null && f.cancel(true);
    }

    /** True while a command waits for the network; for front ends and tests. */
    boolean isRunning() {
        return running.get() != null;
    }

    // ---- events from the client (on the events thread) ----

    /**
     * One client and what it reported. Notices are for what the user did not command: the first connect
     * and a close the shell asked for are reported by their command instead, and a client the shell has
     * replaced is not heard from again.
     */
    private final class ClientEvents {
        volatile TetherClient client;
        volatile boolean closedByShell;
        volatile StateChange lastChange;
        volatile Instant lastChangeAt;
        /** Waits on this client that Ctrl-C cancelled (command thread only). */
        int cancelledWaits;
        private boolean connectedOnce; // events thread only

        private boolean isCurrent() {
            return this == current;
        }

        void onPush(ServerPush push) {
            if (pushes && isCurrent()) {
                notices.print(pushLine(push.topic(), push.sequence(), push.payload()));
            }
        }

        /** A session that was not resumed, or lost pushes: always said, whether pushes are shown or not. */
        void onSessionLoss(dev.tether.client.SessionLoss loss) {
            if (isCurrent()) {
                notices.print("[session] " + loss.describe());
            }
        }

        void onStateChange(StateChange change) {
            if (!isCurrent()) {
                return;
            }
            lastChange = change;
            lastChangeAt = clock.instant();
            // CONNECTING is shown by the prompt; the RECONNECTING notice before it already says when
            boolean commanded = closedByShell || !connectedOnce || change.current() == ConnectionState.CONNECTING;
            if (change.current() == ConnectionState.CONNECTED) {
                connectedOnce = true;
            }
            boolean say = pushes && !commanded;
            notices.stateChanged(say ? "[state] " + Wording.state(change.current(), change, Duration.ZERO, target) : null);
        }
    }

    /** A push as one line: {@code [push news #3] text}, a binary payload as its length and a hex preview. */
    static String pushLine(String topic, long sequence, byte[] payload) {
        return "[push" + (topic != null ? " " + topic : "") + (sequence >= 0 ? " #" + sequence : "") + "] "
                + Payloads.preview(payload);
    }

    /** Waits until the pushes and state changes received so far have been handled; for tests. */
    void awaitEvents(Duration limit) throws Exception {
        CompletableFuture.runAsync(() -> { }, events).get(limit.toMillis(), TimeUnit.MILLISECONDS);
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
