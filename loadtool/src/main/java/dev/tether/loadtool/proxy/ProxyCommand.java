package dev.tether.loadtool.proxy;

import dev.tether.loadtool.ExitCodes;
import dev.tether.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import dev.tether.loadtool.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtool proxy}: runs a {@link FaultProxy} in front of a server until Ctrl-C, SIGTERM or {@code --duration},
 * printing each fault as it strikes and the counts at the end.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs a small fault-injecting TCP proxy: clients connect to --listen, each connection is relayed to --target, "
                        + "and the faults of --faults strike on schedule, so clients see cuts, silent stalls and latency while "
                        + "traffic flows. No root needed.",
                "Faults: cut (close every connection, both sides, with a reset), stall DURATION (relay nothing either way, "
                        + "close nothing: a silent partition), delay DURATION [jitter DURATION] (hold every chunk that long, "
                        + "plus up to the jitter, keeping order).",
                "When: 'every DURATION' (from the start, repeatedly) or 'at DURATION' (once); a delay without 'at' applies "
                        + "from the start. Join rules with commas."},
        footerHeading = "%nExamples:%n",
        footer = {"  loadtool proxy --faults 'cut every 5s'",
                "  loadtool proxy --listen 127.0.0.1:7101 --target 10.0.0.5:7000 \\",
                "      --faults 'delay 20ms jitter 5ms, stall 10s every 30s'",
                "  loadtool run --target 127.0.0.1:7001 --duration 30s   (in another terminal)"})
public final class ProxyCommand implements Callable<Integer> {
    /** The port {@code --listen} defaults to: the reference server's, plus one. */
    public static final int DEFAULT_LISTEN_PORT = ReferenceServer.DEFAULT_PORT + 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + DEFAULT_LISTEN_PORT,
            description = "Address clients connect to; port 0 picks a free one (printed at start). Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = ReferenceServer.DEFAULT_HOST + ":" + ReferenceServer.DEFAULT_PORT,
            description = "Server each connection is relayed to. Default: ${DEFAULT-VALUE} (`loadtool server`'s default).")
    String target;

    @Option(names = {"-f", "--faults"}, paramLabel = "SPEC", converter = FaultSpec.Converter.class,
            description = "Faults and when they strike, e.g. 'cut every 5s', 'stall 10s at 3s', 'delay 50ms jitter 10ms'; "
                    + "several joined with commas. Default: none (a plain relay).")
    FaultSpec faults = FaultSpec.NONE;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION",
            description = "Stop after this long. Default: run until Ctrl-C or SIGTERM.")
    Duration duration;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event-loop threads relaying bytes. Default: the number of processors.")
    Integer ioThreads;

    /** Completed by Ctrl-C or SIGTERM (or by a test): stop, print the counts, exit 0. */
    final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    /** Completed once the proxy listens (for tests). */
    final CompletableFuture<FaultProxy> started = new CompletableFuture<>();
    /** Tests turn this off so the test JVM keeps its own shutdown. */
    boolean installShutdownHook = true;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FaultProxy.Builder b;
        try {
            b = FaultProxy.builder().listen(HostPort.parse("--listen", listen, 0, true)).target(HostPort.parse("--target", target, 0, true)).faults(faults);
            if (ioThreads != null) {
                b.ioThreads(ioThreads);
            }
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("--duration must be positive: " + dev.tether.server.Durations.format(duration));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        FaultProxy proxy;
        try {
            proxy = b.onFault(line -> {
                out.println(line);
                out.flush();
            }).start();
        } catch (UncheckedIOException e) {
            err.println("loadtool proxy: " + e.getCause().getMessage());
            err.flush();
            return ExitCodes.RUN_FAILED;
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.complete(null);
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtool-proxy-stop");
        boolean hooked = installShutdownHook && addHook(hook);
        try {
            out.printf("loadtool proxy listening on %s, relaying to %s; faults: %s%n", FaultProxy.hostPort(proxy.address()),
                    FaultProxy.hostPort(proxy.target()), proxy.spec());
            out.flush();
            started.complete(proxy);
            awaitStop();
            proxy.close();
            out.println("stopped: " + proxy.stats());
            out.flush();
            return ExitCodes.OK;
        } finally {
            proxy.close();
            finished.countDown();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running and has what it waited for.
                }
            }
        }
    }

    private void awaitStop() {
        try {
            if (duration == null) {
                stopRequested.join();
            } else {
                stopRequested.get(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            // --duration is up.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // Never completed exceptionally.
        }
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }
}
