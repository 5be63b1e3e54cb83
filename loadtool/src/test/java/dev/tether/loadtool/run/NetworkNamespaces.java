package dev.tether.loadtool.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for tests that need separate "hosts" on one machine: namespace {@code k} has a veth pair to
 * this (the root) namespace, {@code 10.213.S.2} on its side and {@code 10.213.S.1} on ours, and a route to
 * {@link #serverAddress()} (our side of namespace 0), where a server in this JVM listens. Needs root and
 * {@code ip netns}; {@link #create} returns {@code null} (with the reason in {@link #unavailable}) otherwise.
 * {@link #close()} removes every namespace and link it made, and a shutdown hook does it if the test never gets
 * there.
 */
final class NetworkNamespaces implements AutoCloseable {
    /** Why the last {@link #create} returned null. */
    static volatile String unavailable;

    private final List<String> namespaces = new ArrayList<>();
    private final List<String> hostLinks = new ArrayList<>();
    private final int subnet;
    private final Thread cleanup = new Thread(this::removeAll, "netns-cleanup");

    private NetworkNamespaces(int subnet) {
        this.subnet = subnet;
    }

    /** {@code count} namespaces, or {@code null} when this machine cannot make them. */
    static NetworkNamespaces create(int count) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            unavailable = "not Linux";
            return null;
        }
        if (!"0".equals(output("id", "-u").trim())) {
            unavailable = "not root";
            return null;
        }
        long pid = ProcessHandle.current().pid();
        // A block of third octets per test JVM: start from this process's id and skip blocks another one is using.
        String inUse = output("ip", "-o", "-4", "addr", "show");
        int base = -1;
        for (int i = 0; i < 50 && base < 0; i++) {
            int candidate = (int) ((pid + i) % 50) * 5;
            boolean free = true;
            for (int k = 0; k < 5; k++) {
                free &= !inUse.contains(" 10.213." + (candidate + k) + ".");
            }
            base = free ? candidate : -1;
        }
        if (base < 0 || count > 5) {
            unavailable = "no free 10.213.x block for " + count + " namespaces";
            return null;
        }
        NetworkNamespaces ns = new NetworkNamespaces(base);
        Runtime.getRuntime().addShutdownHook(ns.cleanup);
        try {
            for (int k = 0; k < count; k++) {
                String name = "tth" + pid + "-" + k;
                String host = "tt" + (pid % 1_000_000) + "h" + k;
                String peer = "tt" + (pid % 1_000_000) + "n" + k;
                String net = "10.213." + (base + k);
                run("ip", "netns", "add", name);
                ns.namespaces.add(name);
                run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
                ns.hostLinks.add(host);
                run("ip", "link", "set", peer, "netns", name);
                run("ip", "addr", "add", net + ".1/24", "dev", host);
                run("ip", "link", "set", host, "up");
                run("ip", "netns", "exec", name, "ip", "addr", "add", net + ".2/24", "dev", peer);
                run("ip", "netns", "exec", name, "ip", "link", "set", peer, "up");
                run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
                run("ip", "netns", "exec", name, "ip", "route", "add", "default", "via", net + ".1");
            }
            return ns;
        } catch (IOException e) {
            ns.close();
            unavailable = e.getMessage();
            return null;
        }
    }

    /** Where a server in this namespace is reachable from every namespace. */
    String serverAddress() {
        return "10.213." + subnet + ".1";
    }

    /** Namespace {@code k}'s own address. */
    String address(int k) {
        return "10.213." + (subnet + k) + ".2";
    }

    /** The command prefix that runs a program in namespace {@code k}. */
    List<String> exec(int k) {
        return List.of("ip", "netns", "exec", namespaces.get(k));
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or ran: removeAll is idempotent.
        }
    }

    private synchronized void removeAll() {
        for (String link : hostLinks) {
            quietly("ip", "link", "del", link); // removes the peer in the namespace too
        }
        hostLinks.clear();
        for (String name : namespaces) {
            quietly("ip", "netns", "del", name);
        }
        namespaces.clear();
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            // Already gone.
        }
    }

    private static void run(String... command) throws IOException {
        String out = output(command);
        if (out.startsWith("exit ")) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
    }

    /** The command's output, or "exit N: output" when it failed. */
    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "exit -1: timed out";
            }
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? text : "exit " + p.exitValue() + ": " + text.trim();
        } catch (IOException e) {
            return "exit -1: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "exit -1: interrupted";
        }
    }
}
