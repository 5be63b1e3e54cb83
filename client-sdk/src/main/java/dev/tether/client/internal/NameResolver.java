package dev.tether.client.internal;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Looks a host name up without blocking the event loop. {@link InetAddress#getByName} may wait seconds for
 * a DNS server, and every client sharing the loop would wait with it; the {@link Dialer} calls this at each
 * attempt (so a DNS change is followed on reconnect) and continues on the loop when the answer comes.
 */
interface NameResolver {
    /** Resolves {@code host}; the future completes on any thread, with {@link UnknownHostException} if it has no address. */
    CompletableFuture<InetAddress> resolve(String host);

    /**
     * The JDK's resolver (hosts file, system DNS, the JVM's address cache), run on a few shared daemon
     * threads that exist only while lookups are under way (as gRPC resolves on its shared executor).
     */
    NameResolver JDK = new NameResolver() {
        private final ThreadPoolExecutor lookups = lookupThreads();

        private static ThreadPoolExecutor lookupThreads() {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    new DefaultThreadFactory("tether-resolver", true));
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }

        @Override
        public CompletableFuture<InetAddress> resolve(String host) {
            CompletableFuture<InetAddress> result = new CompletableFuture<>();
            lookups.execute(() -> {
                try {
                    result.complete(InetAddress.getByName(host));
                } catch (UnknownHostException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }

        @Override
        public String toString() {
            return "NameResolver.JDK";
        }
    };
}
