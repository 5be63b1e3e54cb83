package dev.tether.loadtool;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtool server}: runs the {@link ReferenceServer} until SIGTERM or Ctrl-C, which drain it
 * gracefully (exit 0); a second signal exits at once (exit 1).
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
                "Runs the Tether reference server: echoes requests (optionally after a simulated service time or with "
                        + "simulated errors), answers pings, fans pushes out, evicts idle and misbehaving connections, "
                        + "and prints one stats line a second.",
                "SIGTERM or Ctrl-C drains it: stop accepting, GO_AWAY to every session, wait for requests in flight "
                        + "(up to --drain-timeout), exit 0. A second signal exits at once."
        })
public final class ServerCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ReferenceServer.DEFAULT_HOST,
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ReferenceServer.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one (printed at start). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--auth-token", paramLabel = "TOKEN", description = "Token every hello must carry; a wrong or missing one gets AUTH_FAILED. Default: none.")
    String authToken;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Read the token from FILE (trailing whitespace ignored), keeping it out of the process list. Default: none.")
    Path authTokenFile;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Time a new connection has to send its hello. Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION", defaultValue = "30s",
            description = "Heartbeat interval announced to clients in the welcome. Default: ${DEFAULT-VALUE}.")
    Duration heartbeatInterval;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Evict a session that sent nothing for this long; 0 turns eviction off. Default: 3 x --heartbeat-interval (90s).")
    Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ReferenceServer.DEFAULT_MAX_CONNECTIONS,
            description = "Connections open at once; beyond it new ones get SERVER_FULL. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-frame-size", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest frame accepted, announced in the welcome; a bigger one closes that session with FRAME_TOO_LARGE. Default: ${DEFAULT-VALUE} (1 MiB).")
    int maxFrameSize;

    @Option(names = "--max-pending-bytes", defaultValue = "" + ReferenceServer.DEFAULT_MAX_PENDING_BYTES, paramLabel = "BYTES",
            description = "Bytes that may queue for one connection that does not read; beyond it the session is dropped with SLOW_CONSUMER. Default: ${DEFAULT-VALUE} (4 MiB).")
    long maxPendingBytes;

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

    @Option(names = "--push-size", defaultValue = "" + ReferenceServer.DEFAULT_PUSH_SIZE, paramLabel = "BYTES",
            description = "Payload size of those pushes. Default: ${DEFAULT-VALUE}.")
    int pushSize;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "On SIGTERM, how long to wait for requests in flight before closing everything. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(names = "--reconnect-after", paramLabel = "DURATION", defaultValue = "1s",
            description = "Reconnect-after hint sent with GO_AWAY. Default: ${DEFAULT-VALUE}.")
    Duration reconnectAfter;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event-loop threads serving connections. Default: the number of processors.")
    Integer ioThreads;

    @Option(names = "--nio", description = "Use Java NIO even where native epoll is available. Default: epoll when available.")
    boolean nio;

    @Option(names = "--reuse-port", description = "Bind with SO_REUSEPORT, so that several server processes started with it share "
            + "--port and the kernel spreads new connections over them (Linux). Default: off.")
    boolean reusePort;

    @Option(names = {"-q", "--quiet"}, description = "No stats line once a second. Default: off (one line a second).")
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
        out.printf("loadtool server listening on %s:%d (%s, %s)%n", server.address().getAddress().getHostAddress(), server.port(),
                server.transport(), describe());
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
                out.println(line.next(server.stats(), System.nanoTime()));
                out.flush();
            }, 1, 1, TimeUnit.SECONDS);
        }
        try {
            stopRequested.join();
            out.println("draining: GO_AWAY sent to " + server.stats().connections() + " connections; waiting up to "
                    + DurationConverter.format(drainTimeout) + " for requests in flight");
            out.flush();
            server.close();
            out.println("stopped: " + server.stats());
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
        if (authTokenFile != null) {
            try {
                token = Files.readString(authTokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --auth-token-file " + authTokenFile + ": " + e.getMessage(), e);
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--auth-token-file " + authTokenFile + " is empty");
            }
        }
        b.host(host).port(port).authToken(token).handshakeTimeout(handshakeTimeout).heartbeatInterval(heartbeatInterval)
                .maxConnections(maxConnections).maxFrameLength(maxFrameSize).maxPendingBytesPerConnection(maxPendingBytes)
                .serviceTime(serviceTime).errorRate(errorRate).pushRate(pushRate).pushTopic(pushTopic).pushSize(pushSize)
                .drainTimeout(drainTimeout).reconnectAfter(reconnectAfter).nativeTransport(!nio).reusePort(reusePort);
        if (idleTimeout != null) {
            b.idleTimeout(idleTimeout);
        }
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
        return sb.toString();
    }

    private void installSignalHandlers() {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> onSignal());
            }
        } catch (RuntimeException | LinkageError e) {
            // No signal API here: fall back to a shutdown hook (drains, but the exit code is the JVM's).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested.complete(null);
                started.join().close();
            }, "loadtool-server-drain"));
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

    /** The once-a-second line: rates from the difference of two snapshots. */
    static final class StatsLine {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
        private ServerStats previous;
        private long previousNanos;

        StatsLine(ServerStats first, long nanos) {
            this.previous = first;
            this.previousNanos = nanos;
        }

        String next(ServerStats now, long nanos) {
            double secs = Math.max(1e-9, (nanos - previousNanos) / 1e9);
            ServerStats p = previous;
            previous = now;
            previousNanos = nanos;
            return format(LocalTime.now(), p, now, secs);
        }

        static String format(LocalTime at, ServerStats p, ServerStats n, double secs) {
            return String.format(Locale.ROOT,
                    "%s conns=%d handshakes/s=%.0f req/s=%.0f push/s=%.0f in=%s/s out=%s/s evictions=%d protocol-errors=%d",
                    TIME.format(at), n.connections(), (n.handshakesTotal() - p.handshakesTotal()) / secs,
                    (n.requestsTotal() - p.requestsTotal()) / secs, (n.pushesTotal() - p.pushesTotal()) / secs,
                    bytes((n.bytesIn() - p.bytesIn()) / secs), bytes((n.bytesOut() - p.bytesOut()) / secs),
                    n.evictions(), n.protocolErrors());
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
