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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded server of {@code run --processes} when one process cannot hold every connection: several
 * {@code loadtool server --reuse-port} child processes on one loopback port, the kernel spreading the clients
 * over them ({@code SO_REUSEPORT}). Configured from the plan as the in-process embedded server is.
 */
final class ServerProcesses implements AutoCloseable {
    /** How long the servers may take to start listening. */
    private static final long START_TIMEOUT_SECONDS = 60;
    /** The kernel's hash spreads connections unevenly: room for this much more than an even share. */
    static final double SPREAD_MARGIN = 1.25;

    private final List<Process> processes = new ArrayList<>();
    private final List<Deque<String>> tails = new ArrayList<>();
    private InetSocketAddress address;

    private ServerProcesses() {
    }

    /** How many server processes hold {@code clients} connections when each may have {@code perProcess} sockets. */
    static int needed(int clients, long perProcess) {
        return (int) Math.max(2, Math.ceil(clients * SPREAD_MARGIN / Math.max(1, perProcess)));
    }

    /** Starts {@code count} servers and waits until each listens. @throws IOException naming the server that did not */
    static ServerProcesses start(LoadPlan plan, int count) throws IOException {
        ServerProcesses servers = new ServerProcesses();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path tokenFile = null;
        try {
            List<String> options = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "" + port, "--reuse-port", "-q",
                    "--drain-timeout", "1s", "--max-connections", "" + Math.max(plan.clients() * 2, 1_000)));
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
            CountDownLatch listening = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                servers.startOne(options, listening);
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
            servers.address = new InetSocketAddress("127.0.0.1", port);
            return servers;
        } catch (IOException | RuntimeException e) {
            servers.close();
            throw e;
        } finally {
            if (tokenFile != null) {
                Files.deleteIfExists(tokenFile);
            }
        }
    }

    private void startOne(List<String> options, CountDownLatch listening) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                dev.tether.loadtool.LoadTool.class.getName(), "server"));
        command.addAll(options);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
                    synchronized (tail) {
                        if (tail.size() == 10) {
                            tail.removeFirst();
                        }
                        tail.addLast(line);
                    }
                }
            } catch (IOException e) {
                // The process ended; close() reaps it.
            }
        }, "loadtool-server-" + processes.size());
        reader.setDaemon(true);
        reader.start();
    }

    /** Where the servers listen. */
    InetSocketAddress address() {
        return address;
    }

    int count() {
        return processes.size();
    }

    private String tails() {
        List<String> all = new ArrayList<>();
        for (Deque<String> t : tails) {
            synchronized (t) {
                all.add(String.join(" / ", t));
            }
        }
        return all.toString();
    }

    /** Stops every server (SIGTERM, then a kill after ten seconds). */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
