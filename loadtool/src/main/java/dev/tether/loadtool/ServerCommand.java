package dev.tether.loadtool;

import dev.tether.protocol.Protocol;
import dev.tether.server.Durations;
import dev.tether.server.ReferenceServer;
import dev.tether.server.ServerStats;
import dev.tether.server.ServiceTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.utils.Signals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtool server}: runs the {@link ReferenceServer} until SIGTERM or Ctrl-C, which drain it
 * gracefully (exit 0); a second signal exits at once (exit 1).
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, defaultValueProvider = ServerCommand.Defaults.class,
        description = {
                "Runs the Tether reference server: echoes requests (optionally after a simulated service time or with "
                        + "simulated errors), answers pings, fans pushes out, evicts idle and misbehaving connections, "
                        + "and prints a stats line each second in which something changed (once a minute while idle).",
                "Limits: a frame before the handshake may be at most " + ReferenceServer.MAX_HANDSHAKE_FRAME_LENGTH
                        + " bytes, after it --max-frame-size; at most --max-pending-bytes may queue for one client; "
                        + "everything the server holds for all clients together is bounded by --memory-budget (see there). "
                        + "A client that breaks a limit or the protocol is closed with an error; no other client is affected.",
                "Auth: with --auth-token or --auth-token-file every hello must carry the token (an empty one is refused "
                        + "at startup; the token is never printed). Each further wrong token from the same address is "
                        + "answered later than the one before (up to a few seconds); other clients are not slowed.",
                "SIGTERM or Ctrl-C drains it: stop accepting, GO_AWAY to every session, wait for requests in flight "
                        + "(up to --drain-timeout), exit 0. A second signal exits at once."
        })
public final class ServerCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST",
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (printed at start). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--auth-token", paramLabel = "TOKEN", description = "Token every hello must carry; a wrong or missing one gets AUTH_FAILED, after a delay that grows with "
                    + "each failure from the same address. An empty token is refused. Default: none (no authentication).")
    String authToken;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Read the token from FILE, keeping it out of the process list; trailing whitespace (the final newline) "
                    + "is ignored, leading whitespace is part of the token. Default: none.")
    Path authTokenFile;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION",
            description = "Time a new connection has to send its hello. Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION",
            description = "Heartbeat interval announced to clients in the welcome. Default: ${DEFAULT-VALUE}.")
    Duration heartbeatInterval;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Evict a session that sent nothing for this long; 0 turns eviction off. Must be longer than "
                    + "--heartbeat-interval (clients ping once an interval). Default: " + ReferenceServer.IDLE_TIMEOUT_HEARTBEATS
                    + " x --heartbeat-interval.")
    Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections open at once; beyond it new ones get SERVER_FULL. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-handshake-rate", paramLabel = "PER_SECOND",
            description = "Handshakes welcomed per second at most (bursts of a tenth of that); a hello over it gets GO_AWAY "
                    + "with a retry-after slot, then SERVER_BUSY, so a reconnect storm returns at this rate. 0 is off: "
                    + "set it to the ramp rate this machine sustains. Default: ${DEFAULT-VALUE} (off).")
    double maxHandshakeRate;

    @Option(names = "--max-frame-size", paramLabel = "BYTES",
            description = "Largest frame accepted after the handshake, announced in the welcome; a bigger one closes that session with FRAME_TOO_LARGE. Default: ${DEFAULT-VALUE}.")
    int maxFrameSize;

    @Option(names = "--max-pending-bytes", paramLabel = "BYTES",
            description = "Bytes that may queue for one connection that does not read; beyond it the session is dropped with SLOW_CONSUMER. Default: ${DEFAULT-VALUE}.")
    long maxPendingBytes;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Bytes the server may hold for all connections together: partial frames received, bytes "
                    + "queued for clients, requests waiting for --service-time, and about 2 KiB of state per connection; with half "
                    + "of the JVM's direct memory in use it counts as full whatever the connections hold. "
                    + "At half of it the connections holding the most stop being read; at 90%% the worst are closed with "
                    + "SLOW_CONSUMER (connections stuck in their handshake first, oldest first); when it is full and nobody is left to shed, "
                    + "new connections get SERVER_FULL. Accepts 64MiB, 512m, 1g or bytes. "
                    + "Default: a quarter of the smaller of the JVM's max heap and max direct memory, at least 16MiB "
                    + "(here ${DEFAULT-VALUE}).")
    long memoryBudget;

    @Option(names = "--service-time", defaultValue = "0", converter = ServiceTimeConverter.class, paramLabel = "TIME",
            description = "Simulated work per request, scheduled without blocking: 2ms (fixed), exp:2ms (exponential, mean 2ms), uniform:1ms-5ms. Default: ${DEFAULT-VALUE} (answer at once).")
    ServiceTime serviceTime;

    @Option(names = "--error-rate", defaultValue = "0", paramLabel = "FRACTION",
            description = "Fraction of requests (0..1) answered with ERROR APPLICATION_ERROR. Default: ${DEFAULT-VALUE}.")
    double errorRate;

    @Option(names = "--push-rate", defaultValue = "0", paramLabel = "PER_SECOND",
            description = "Pushes per second sent to every session, stamped with the server's wall clock (for push latency); 0 is off. Default: ${DEFAULT-VALUE}.")
    double pushRate;

    @Option(names = "--push-topic", paramLabel = "TOPIC", description = "Topic written in those pushes (protocol v1 has no subscriptions: every session gets them). Default: none.")
    String pushTopic;

    @Option(names = "--push-size", paramLabel = "BYTES",
            description = "Payload size of those pushes. Default: ${DEFAULT-VALUE}.")
    int pushSize;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "On SIGTERM, how long to wait for requests in flight before closing everything. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(names = "--reconnect-after", paramLabel = "DURATION",
            description = "Reconnect-after hint sent with GO_AWAY. Default: ${DEFAULT-VALUE}.")
    Duration reconnectAfter;

    @Option(names = "--session-ttl", paramLabel = "DURATION",
            description = "How long a session is kept after its connection drops, for its client to resume it (acknowledged "
                    + "sends, replayed pushes; PROTOCOL.md §13); 0 turns resumption off. Counts against --memory-budget, "
                    + "which evicts the oldest detached sessions first. Default: ${DEFAULT-VALUE}.")
    Duration sessionTtl;

    @Option(names = "--replay-window-messages", paramLabel = "N",
            description = "Pushes kept per session until its client acknowledges them; beyond it the oldest are dropped "
                    + "(a resuming client is told how many it lost). Default: ${DEFAULT-VALUE}.")
    int replayWindowMessages;

    @Option(names = "--replay-window-bytes", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Push payload bytes kept per session, at most --max-pending-bytes. Default: ${DEFAULT-VALUE}.")
    long replayWindowBytes;

    @Option(names = "--replay-window-age", paramLabel = "DURATION",
            description = "How long a push is kept for a replay at most. Default: ${DEFAULT-VALUE}.")
    Duration replayWindowAge;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event-loop threads serving connections. Default: the number of processors.")
    Integer ioThreads;

    @Option(names = "--nio", description = "Use Java NIO even where native epoll is available. Default: epoll when available.")
    boolean nio;

    @Option(names = "--reuse-port", description = "Bind with SO_REUSEPORT, so that several server processes started with it share "
            + "--port and the kernel spreads new connections over them (Linux). Default: off.")
    boolean reusePort;

    @Option(names = {"-q", "--quiet"}, description = "No stats lines. Default: off (a line each second with activity, one a minute while idle).")
    boolean quiet;

    /** Completed by the first SIGTERM/SIGINT (or by a test): drain and exit 0. */
    final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    /** Completed once the server listens (for tests). */
    final CompletableFuture<ReferenceServer> started = new CompletableFuture<>();
    /** What a second signal does; tests replace it. */
    Runnable exitAtOnce = () -> Runtime.getRuntime().halt(ExitCodes.RUN_FAILED);
    /** Tests turn this off so the test JVM keeps its own signal handling. */
    boolean installSignalHandlers = true;
    private final AtomicInteger signals = new AtomicInteger();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReferenceServer server;
        try {
            server = configure(ReferenceServer.builder()).start();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (UncheckedIOException e) {
            err.println("loadtool server: " + e.getMessage());
            err.flush();
            return ExitCodes.RUN_FAILED;
        }
        out.printf("loadtool server listening on %s:%d (%s, %s, memory budget %s)%n", server.address().getAddress().getHostAddress(),
                server.port(), server.transport(), describe(), StatsLine.bytes(server.memoryBudget()));
        out.flush();
        if (installSignalHandlers) {
            installSignalHandlers();
        }
        started.complete(server);
        ScheduledExecutorService ticker = null;
        if (!quiet) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "loadtool-server-stats");
                t.setDaemon(true);
                return t;
            });
            StatsLine line = new StatsLine(server.stats(), System.nanoTime());
            ticker.scheduleAtFixedRate(() -> {
                String text = line.next(server.stats(), System.nanoTime(), LocalTime.now());
                if (text != null) {
                    out.println(text);
                    out.flush();
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
        try {
            stopRequested.join();
            out.println("draining: GO_AWAY sent to " + StatsLine.count(server.stats().connections(), "connection")
                    + "; waiting up to " + Durations.format(drainTimeout) + " for requests in flight");
            out.flush();
            server.close();
            out.println("stopped: " + StatsLine.totals(server.stats()));
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            server.closeNow();
        }
    }

    /** The first signal starts a drain; the second exits at once. */
    void onSignal() {
        if (signals.incrementAndGet() == 1) {
            stopRequested.complete(null);
        } else {
            exitAtOnce.run();
        }
    }

    ReferenceServer.Builder configure(ReferenceServer.Builder b) {
        if (authToken != null && authTokenFile != null) {
            throw new IllegalArgumentException("give --auth-token or --auth-token-file, not both");
        }
        String token = authToken;
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("--auth-token is empty (an unset variable?); an empty token would turn "
                    + "authentication off. Give a token, or leave the option out for a server without authentication");
        }
        if (authTokenFile != null) {
            try {
                // Trailing whitespace only (the newline editors add); leading whitespace is part of the token.
                token = Files.readString(authTokenFile, StandardCharsets.UTF_8).stripTrailing();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --auth-token-file " + authTokenFile + ": " + e.getMessage(), e);
            }
            if (token.isBlank()) {
                throw new IllegalArgumentException("--auth-token-file " + authTokenFile + " is empty");
            }
        }
        if (idleTimeout != null && !idleTimeout.isZero() && idleTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("--idle-timeout " + Durations.format(idleTimeout) + " must be longer than --heartbeat-interval "
                    + Durations.format(heartbeatInterval) + ": clients ping once an interval and would be evicted (PROTOCOL.md §7). "
                    + "Use " + ReferenceServer.IDLE_TIMEOUT_HEARTBEATS + " intervals or more, or 0 to turn eviction off");
        }
        b.host(host).port(port).authToken(token).handshakeTimeout(handshakeTimeout).heartbeatInterval(heartbeatInterval)
                .maxConnections(maxConnections).maxFrameLength(maxFrameSize).maxPendingBytesPerConnection(maxPendingBytes)
                .serviceTime(serviceTime).errorRate(errorRate).pushRate(pushRate).pushTopic(pushTopic).pushSize(pushSize)
                .drainTimeout(drainTimeout).reconnectAfter(reconnectAfter).memoryBudget(memoryBudget).nativeTransport(!nio)
                .reusePort(reusePort);
        b.sessionTtl(sessionTtl).replayWindowMessages(replayWindowMessages).replayWindowBytes(replayWindowBytes)
                .replayWindowAge(replayWindowAge);
        if (idleTimeout != null) {
            b.idleTimeout(idleTimeout);
        }
        b.maxHandshakeRate(maxHandshakeRate);
        if (ioThreads != null) {
            b.eventLoopThreads(ioThreads);
        }
        return b;
    }

    private String describe() {
        StringBuilder sb = new StringBuilder(authToken != null || authTokenFile != null ? "auth token required" : "no auth");
        if (!serviceTime.isZero()) {
            sb.append(", service time ").append(serviceTime);
        }
        if (errorRate > 0) {
            sb.append(", error rate ").append(errorRate);
        }
        if (pushRate > 0) {
            sb.append(", ").append(pushRate).append(" pushes/s of ").append(pushSize).append(" B");
        }
        if (maxHandshakeRate > 0) {
            sb.append(", at most ").append(Defaults.format(maxHandshakeRate)).append(" handshakes/s");
        }
        return sb.toString();
    }

    /**
     * SIGTERM and SIGINT start a drain; a second one exits at once. A shutdown hook cannot do that (the JVM is already
     * exiting when it runs, and ignores a second signal), so the handlers go through JLine's {@link Signals}, which
     * reaches the JDK's signal API reflectively and says (with {@code null}) where there is none.
     */
    private void installSignalHandlers() {
        boolean installed = true;
        for (String name : new String[] {"TERM", "INT"}) {
            installed &= Signals.register(name, this::onSignal) != null;
        }
        if (!installed) {
            // No signal API here: fall back to a shutdown hook (drains, but the exit code is the JVM's).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested.complete(null);
                started.join().close();
            }, "loadtool-server-drain"));
        }
    }

    /**
     * The defaults of the options that mirror a server setting, read from the server's own constants, so that
     * {@code --help} and the behaviour cannot drift apart.
     */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        private static final Map<String, String> VALUES = Map.ofEntries(
                Map.entry("--host", ReferenceServer.DEFAULT_HOST),
                Map.entry("--port", String.valueOf(ReferenceServer.DEFAULT_PORT)),
                Map.entry("--handshake-timeout", Durations.format(ReferenceServer.DEFAULT_HANDSHAKE_TIMEOUT)),
                Map.entry("--heartbeat-interval", Durations.format(ReferenceServer.DEFAULT_HEARTBEAT_INTERVAL)),
                Map.entry("--max-connections", String.valueOf(ReferenceServer.DEFAULT_MAX_CONNECTIONS)),
                Map.entry("--max-handshake-rate", format(ReferenceServer.DEFAULT_MAX_HANDSHAKE_RATE)),
                Map.entry("--max-frame-size", String.valueOf(Protocol.DEFAULT_MAX_FRAME_LENGTH)),
                Map.entry("--max-pending-bytes", String.valueOf(ReferenceServer.DEFAULT_MAX_PENDING_BYTES)),
                Map.entry("--push-size", String.valueOf(ReferenceServer.DEFAULT_PUSH_SIZE)),
                Map.entry("--drain-timeout", Durations.format(ReferenceServer.DEFAULT_DRAIN_TIMEOUT)),
                Map.entry("--reconnect-after", Durations.format(ReferenceServer.DEFAULT_RECONNECT_AFTER)),
                Map.entry("--memory-budget", ByteSizeConverter.format(ReferenceServer.defaultMemoryBudget())),
                Map.entry("--session-ttl", Durations.format(ReferenceServer.DEFAULT_SESSION_TTL)),
                Map.entry("--replay-window-messages", String.valueOf(ReferenceServer.DEFAULT_REPLAY_WINDOW_MESSAGES)),
                Map.entry("--replay-window-bytes", ByteSizeConverter.format(ReferenceServer.DEFAULT_REPLAY_WINDOW_BYTES)),
                Map.entry("--replay-window-age", Durations.format(ReferenceServer.DEFAULT_REPLAY_WINDOW_AGE)));

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return arg instanceof CommandLine.Model.OptionSpec o ? VALUES.get(o.longestName()) : null;
        }

        /** A rate as typed: {@code 2500}, not {@code 2500.0}. */
        static String format(double rate) {
            return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
        }
    }

    /** Reads a size in bytes: {@code 65536}, {@code 64k}, {@code 64KiB}, {@code 512m}, {@code 512MiB}, {@code 1g}, {@code 1GiB}. */
    static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
        private static final java.util.regex.Pattern SIZE =
                java.util.regex.Pattern.compile("(\\d{1,15})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", java.util.regex.Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            java.util.regex.Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size: give bytes, or a number with "
                        + "k/KiB, m/MiB or g/GiB (powers of 1024), e.g. 64MiB");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            int shift = switch (unit.charAt(0)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            if (n > Long.MAX_VALUE >> shift) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too large");
            }
            return n << shift;
        }

        /** The shortest exact form: {@code 64MiB}, {@code 1536KiB}, or bytes. */
        static String format(long bytes) {
            for (int shift : new int[] {30, 20, 10}) {
                if (bytes >= 1L << shift && bytes % (1L << shift) == 0) {
                    return (bytes >> shift) + (shift == 30 ? "GiB" : shift == 20 ? "MiB" : "KiB");
                }
            }
            return Long.toString(bytes);
        }
    }

    /** Reads {@code --service-time}. */
    static final class ServiceTimeConverter implements CommandLine.ITypeConverter<ServiceTime> {
        @Override
        public ServiceTime convert(String value) {
            try {
                return ServiceTime.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * The stats line: rates from the difference of two snapshots, taken once a second. A line is printed when
     * something changed since the last snapshot; while nothing does, one line every {@link #IDLE_PERIOD_NANOS}
     * says the server is still there, instead of a screen of identical lines.
     */
    static final class StatsLine {
        static final long IDLE_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
        private ServerStats previous;
        private long previousNanos;
        private long printedNanos;

        StatsLine(ServerStats first, long nanos) {
            this.previous = first;
            this.previousNanos = nanos;
            this.printedNanos = nanos;
        }

        /** The line for snapshot {@code now} taken at {@code nanos}, or {@code null} when there is nothing to print. */
        String next(ServerStats now, long nanos, LocalTime at) {
            double secs = Math.max(1e-9, (nanos - previousNanos) / 1e9);
            ServerStats p = previous;
            previous = now;
            previousNanos = nanos;
            if (now.equals(p) && nanos - printedNanos < IDLE_PERIOD_NANOS) {
                return null;
            }
            printedNanos = nanos;
            return format(at, p, now, secs);
        }

        static String format(LocalTime at, ServerStats p, ServerStats n, double secs) {
            return String.format(Locale.ROOT,
                    "%s conns=%d handshakes/s=%.0f req/s=%.0f push/s=%.0f in=%s/s out=%s/s evictions=%d protocol-errors=%d",
                    TIME.format(at), n.connections(), (n.handshakesTotal() - p.handshakesTotal()) / secs,
                    (n.requestsTotal() - p.requestsTotal()) / secs, (n.pushesTotal() - p.pushesTotal()) / secs,
                    bytes((n.bytesIn() - p.bytesIn()) / secs), bytes((n.bytesOut() - p.bytesOut()) / secs),
                    n.evictions(), n.protocolErrors());
        }

        /** The totals since start, in the stats line's {@code key=value} style (the line printed at shutdown). */
        static String totals(ServerStats s) {
            return String.format(Locale.ROOT,
                    "conns=%d handshakes=%d requests=%d pushes=%d sends=%d in=%s out=%s evictions=%d protocol-errors=%d"
                            + " auth-failures=%d rejected-full=%d handshake-timeouts=%d slow-consumers=%d application-errors=%d",
                    s.connections(), s.handshakesTotal(), s.requestsTotal(), s.pushesTotal(), s.sendsTotal(), bytes(s.bytesIn()),
                    bytes(s.bytesOut()), s.evictions(), s.protocolErrors(), s.authFailures(), s.rejectedFull(),
                    s.handshakeTimeouts(), s.slowConsumers(), s.applicationErrors());
        }

        /** {@code 1 connection}, {@code 2 connections}. */
        static String count(long n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
        }

        static String bytes(double b) {
            if (b >= 1 << 30) {
                return String.format(Locale.ROOT, "%.1fGiB", b / (1 << 30));
            }
            if (b >= 1 << 20) {
                return String.format(Locale.ROOT, "%.1fMiB", b / (1 << 20));
            }
            if (b >= 1 << 10) {
                return String.format(Locale.ROOT, "%.1fKiB", b / (1 << 10));
            }
            return String.format(Locale.ROOT, "%.0fB", b);
        }
    }
}
