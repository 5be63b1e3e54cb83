package dev.tether.bench.server;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.TetherClient;
import dev.tether.server.ReferenceServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bytes allocated per connect (client built, TCP connect, HELLO/WELCOME) and per close, by the reference
 * server's accept and I/O threads and by the SDK's I/O threads and the calling thread, in one JVM (issue 13).
 * Unlike CPU time on a shared machine, these counts repeat to within a few percent from run to run, so they
 * show what a change to the connect path saves.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tether.bench.server.ConnectAllocation [CONNECTIONS] [ROUNDS]   (5,000 and 3)
 * </pre>
 *
 * Both sides run with their defaults (2 event loops each, resumption on); the connect path is warmed first with
 * 3 x 2,000 connects. Each round opens CONNECTIONS clients with at most 256 handshakes in flight, then closes them.
 */
public final class ConnectAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ConnectAllocation() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).eventLoopThreads(2).start();
        ClientResources resources = ClientResources.create(2);
        try {
            ClientConfig config = ClientConfig.builder().endpoint("127.0.0.1", server.port()).build();
            for (int i = 0; i < 3; i++) {
                closeAll(open(resources, config, 2_000));
            }
            System.out.println("bytes allocated per connect | per close, by thread group");
            for (int r = 0; r < rounds; r++) {
                Map<String, Long> before = allocatedByGroup();
                List<TetherClient> clients = open(resources, config, n);
                settle(server, n);
                Map<String, Long> open = allocatedByGroup();
                closeAll(clients);
                settle(server, 0);
                Map<String, Long> closed = allocatedByGroup();
                System.out.println("connect:" + perConnection(before, open, n) + "  | close:" + perConnection(open, closed, n));
            }
        } finally {
            resources.close();
            server.closeNow();
        }
    }

    /** Opens {@code n} clients, at most 256 handshakes in flight; fails if any connect fails. */
    private static List<TetherClient> open(ClientResources resources, ClientConfig config, int n) throws Exception {
        List<TetherClient> clients = new ArrayList<>(n);
        Semaphore permits = new Semaphore(256);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no handshake completed for 60 s");
            }
            TetherClient c = TetherClient.builder().config(config).resources(resources).build();
            clients.add(c);
            c.connect().whenComplete((v, t) -> {
                if (t != null) {
                    failed.incrementAndGet();
                }
                permits.release();
            });
        }
        if (!permits.tryAcquire(256, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("handshakes still in flight after 60 s");
        }
        permits.release(256);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " connects failed");
        }
        return clients;
    }

    private static void closeAll(List<TetherClient> clients) throws Exception {
        List<CompletableFuture<Void>> closes = new ArrayList<>(clients.size());
        for (TetherClient c : clients) {
            closes.add(c.closeAsync());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    /** Waits (bounded) until the server counts {@code open} connections, so that its side of the work is done. */
    private static void settle(ReferenceServer server, int open) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.stats().connections() != open && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // the last WELCOME's or close's own bookkeeping
    }

    /** Bytes allocated so far by the server's accept and I/O threads, the client's I/O threads and this thread. */
    private static Map<String, Long> allocatedByGroup() {
        Map<String, Long> groups = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            String group = name.startsWith("tether-server-io") ? "server-io"
                    : name.startsWith("tether-server-accept") ? "server-accept"
                    : name.startsWith("tether-client") ? "client-io"
                    : t == Thread.currentThread() ? "caller" : null;
            if (group != null) {
                groups.merge(group, THREADS.getThreadAllocatedBytes(t.getId()), Long::sum);
            }
        }
        return groups;
    }

    private static String perConnection(Map<String, Long> before, Map<String, Long> after, int n) {
        StringBuilder b = new StringBuilder();
        after.forEach((group, bytes) -> b.append(String.format(Locale.ROOT, " %s=%,d", group, (bytes - before.getOrDefault(group, 0L)) / n)));
        return b.toString();
    }
}
