package dev.tether.bench.server;

import dev.tether.server.Durations;
import dev.tether.server.ReferenceServer;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Heap per idle connection: starts a server in this JVM, measures the heap after a full GC, waits until
 * {@code n} connections (opened by {@code EchoLoad idle} in another JVM) are open and welcomed, measures
 * again, and prints the difference divided by {@code n}. The reference server runs with its defaults, or with
 * the session time-to-live given as the fifth argument ({@code 0} turns session resumption off).
 *
 * <pre>
 * java -Xmx1g -cp benchmarks.jar dev.tether.bench.server.HeapPerConnection reference|bare port n [ioThreads [sessionTtl]]
 * </pre>
 */
public final class HeapPerConnection {
    public static void main(String[] args) throws Exception {
        String which = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        AutoCloseable server;
        IntSupplier connections;
        if (which.equals("reference")) {
            ReferenceServer.Builder b = ReferenceServer.builder().port(port).eventLoopThreads(threads);
            if (args.length > 4) {
                b.sessionTtl(Durations.parse(args[4]));
            }
            ReferenceServer s = b.start();
            server = s;
            connections = () -> (int) s.stats().handshakesTotal();
        } else {
            BareEchoServer s = new BareEchoServer("127.0.0.1", port, threads);
            server = s;
            connections = s.connections::get;
        }
        long before = usedAfterGc();
        System.out.println(which + " server ready on port " + port + "; heap after GC " + before / 1024 + " KiB; waiting for " + n + " connections");
        while (connections.getAsInt() < n) {
            Thread.sleep(100);
        }
        Thread.sleep(1000); // let the last welcomes flush
        long after = usedAfterGc();
        System.out.printf(Locale.ROOT, "%s: %d connections, heap after GC %d KiB -> %d KiB: %.0f bytes per connection%n",
                which, n, before / 1024, after / 1024, (after - before) / (double) n);
        server.close();
        System.exit(0);
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
