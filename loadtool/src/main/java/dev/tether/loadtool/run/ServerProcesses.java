package dev.tether.loadtool.run;

import dev.tether.loadtool.DurationConverter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Several {@code loadtool server --reuse-port} child processes on one port, the kernel spreading new connections over
 * them ({@code SO_REUSEPORT}): the embedded server of {@code run --processes} when one process cannot hold every
 * connection, and {@code loadtool server --processes N}. Each child runs supervised: it prints its counters as a
 * JSON line each second (handed to a {@link Listener}) and drains and exits when this process goes away (its
 * standard input closes), so that no server outlives the command that started it.
 */
public final class ServerProcesses implements AutoCloseable {
    /** The option that makes a server a supervised child (hidden from {@code --help}). */
    public static final String SUPERVISED_OPTION = "--supervised";
    /** How long the servers may take to start listening. */
    private static final long START_TIMEOUT_SECONDS = 60;
    /** Lines of each child's own output kept to show when it fails. */
    private static final int TAIL_LINES = 10;
    /**
     * The kernel picks a server for each connection by a hash of its addresses and ports, so each server's count is
     * binomial around the even share: room for this many standard deviations above it.
     */
    static final double SPREAD_DEVIATIONS = 5;
    /** And this share of each process's open files is never planned for (files other than sockets, late closes). */
    static final double FILE_HEADROOM = 0.95;

    /** Hears what the children print and when one ends. Called on each child's reader thread. */
    public interface Listener {
        /** A listener that ignores everything. */
        Listener NONE = new Listener() {
        };

        /** A line child {@code index} printed. */
        default void line(int index, String line) {
        }

        /**
         * Child {@code index} (process {@code pid}) ended while it should have been serving (not during
         * {@link #close}), with its exit code and its last lines.
         */
        default void exited(int index, long pid, int exitCode, List<String> tail) {
        }
    }

    private final List<Process> processes = new ArrayList<>();
    private final List<Deque<String>> tails = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Listener listener;
    private volatile boolean closing;
    private InetSocketAddress address;

    private ServerProcesses(Listener listener) {
        this.listener = listener;
    }

    /**
     * How many server processes hold {@code clients} connections when each may have {@code perProcess} sockets: at
     * least two, and enough that the kernel's uneven spread fits ({@link #SPREAD_DEVIATIONS}).
     */
    static int needed(int clients, long perProcess) {
        // Fewer JVMs on the few cores that also run the clients: as few servers as hold the expected spread (measured
        // at 100,000 connections over 6 servers: see docs/BENCHMARKS.md), rather than a fixed 25% more.
        double room = perProcess * FILE_HEADROOM;
        for (int n = 2; ; n++) {
            double share = (double) clients / n;
            if (share + SPREAD_DEVIATIONS * Math.sqrt(clients * (1.0 / n) * (1 - 1.0 / n)) <= room || n >= clients) {
                return n;
            }
        }
    }

    /** Starts {@code count} servers configured from the plan, on a free loopback port, and waits until each listens. */
    static ServerProcesses start(LoadPlan plan, int count) throws IOException {
        Path tokenFile = null;
        try {
            List<String> options = new ArrayList<>(List.of("--drain-timeout", "1s", "--max-connections", "" + Math.max(plan.clients() * 2, 1_000)));
            if (plan.heartbeat() != null) {
                options.addAll(List.of("--heartbeat-interval", DurationConverter.format(plan.heartbeat()),
                        "--idle-timeout", DurationConverter.format(plan.heartbeat().multipliedBy(3))));
            }
            if (plan.serverServiceTime() != null) {
                options.addAll(List.of("--service-time", plan.serverServiceTime()));
            }
            if (plan.mode() == Mode.PUSH) {
                options.addAll(List.of("--push-rate", "" + plan.pushRate()));
            }
            if (plan.authToken() != null) {
                // A file only this user can read, never a command line (ps shows those).
                tokenFile = Files.createTempFile("loadtool-token", ".txt",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tokenFile, plan.authToken());
                options.addAll(List.of("--auth-token-file", tokenFile.toString()));
            }
            return start("127.0.0.1", 0, options, count, Listener.NONE);
        } finally {
            if (tokenFile != null) {
                Files.deleteIfExists(tokenFile);
            }
        }
    }

    /**
     * Starts {@code count} {@code loadtool server} processes with {@code options} on {@code host:port} (0: a free port,
     * the same for all), and waits until each listens.
     *
     * @param options server options except {@code --host}, {@code --port}, {@code --reuse-port} and {@code --quiet},
     *                which every child gets from here
     * @throws IOException naming the server that did not start (the others are stopped)
     */
    public static ServerProcesses start(String host, int port, List<String> options, int count, Listener listener) throws IOException {
        ServerProcesses servers = new ServerProcesses(listener);
        try {
            if (port == 0) {
                try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                    port = probe.getLocalPort();
                }
            }
            List<String> all = new ArrayList<>(List.of("--host", host, "--port", "" + port, "--reuse-port", "-q", SUPERVISED_OPTION));
            all.addAll(options);
            CountDownLatch listening = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                servers.startOne(all, listening);
            }
            try {
                if (!listening.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("the server processes did not start listening within " + START_TIMEOUT_SECONDS + " s: "
                            + servers.tails());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the server processes started");
            }
            for (Process p : servers.processes) {
                if (!p.isAlive()) {
                    throw new IOException("a server process ended at once: " + servers.tails());
                }
            }
            servers.address = new InetSocketAddress(host, port);
            return servers;
        } catch (IOException | RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    private void startOne(List<String> options, CountDownLatch listening) throws IOException {
        List<String> command = ChildJvm.command("server", System.getenv());
        command.addAll(options);
        // Standard input stays a pipe from this process: when it closes (this process ended), the child drains and exits.
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        int index = processes.size();
        processes.add(p);
        Deque<String> tail = new ArrayDeque<>();
        tails.add(tail);
        Thread reader = new Thread(() -> {
            boolean told = false;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!told && line.contains("listening on")) {
                        told = true;
                        listening.countDown();
                    }
                    listener.line(index, line);
                    if (line.startsWith(SupervisedStats.PREFIX)) {
                        continue;
                    }
                    synchronized (tail) {
                        if (tail.size() == TAIL_LINES) {
                            tail.removeFirst();
                        }
                        tail.addLast(line);
                    }
                }
            } catch (IOException e) {
                // The process ended; its exit code says how.
            }
            try {
                int code = p.waitFor();
                if (!closing) {
                    listener.exited(index, p.pid(), code, tail(index));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtool-server-" + index);
        reader.setDaemon(true);
        readers.add(reader);
        reader.start();
    }

    /** Where the servers listen. */
    public InetSocketAddress address() {
        return address;
    }

    /** How many were started. */
    public int count() {
        return processes.size();
    }

    /** Child {@code index}'s process id. */
    public long pid(int index) {
        return processes.get(index).pid();
    }

    /** Whether child {@code index} still runs. */
    public boolean isAlive(int index) {
        return processes.get(index).isAlive();
    }

    /** Child {@code index}'s last lines (not its stats lines). */
    public List<String> tail(int index) {
        Deque<String> t = tails.get(index);
        synchronized (t) {
            return List.copyOf(t);
        }
    }

    private String tails() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < tails.size(); i++) {
            all.add(String.join(" / ", tail(i)));
        }
        return all.toString();
    }

    /** Stops every server (SIGTERM: each drains), killing those still there after ten seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** Stops every server (SIGTERM: each drains), killing those still there after {@code grace}. */
    public void close(Duration grace) {
        closing = true;
        for (Process p : processes) {
            p.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Thread r : readers) {
            try {
                r.join(2_000); // the last lines (a drained server's final counters) are read before this returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Kills every server at once (a second Ctrl-C). */
    public void kill() {
        closing = true;
        processes.forEach(Process::destroyForcibly);
    }
}
