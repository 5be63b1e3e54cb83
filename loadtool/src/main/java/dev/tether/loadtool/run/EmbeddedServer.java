package dev.tether.loadtool.run;

import dev.tether.server.ReferenceServer;
import dev.tether.server.ServiceTime;
import java.net.InetSocketAddress;

/** The reference server a run starts in its own process when no {@code --target} is given. */
final class EmbeddedServer implements AutoCloseable {
    /** How long a restart keeps trying to bind the port again (the old listener may take a moment to let go). */
    private static final long REBIND_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final LoadPlan plan;
    private volatile ReferenceServer server;
    private long requestsBefore;
    /** What the servers before the last restart counted. */
    private ServerSessionCounters sessionsBefore = ServerSessionCounters.NONE;

    private EmbeddedServer(LoadPlan plan, ReferenceServer server) {
        this.plan = plan;
        this.server = server;
    }

    /** Starts a server on 127.0.0.1, a free port, sized and configured for the plan. */
    static EmbeddedServer start(LoadPlan plan) {
        return new EmbeddedServer(plan, builder(plan, 0).start());
    }

    /**
     * Kills the server abruptly ({@link ReferenceServer#closeNow()}: every connection reset, no GO_AWAY), then
     * starts a new one on the same port, the way a crashed server comes back; the clients see a storm.
     *
     * @throws IllegalStateException when the port cannot be bound again within ten seconds
     */
    synchronized void restart() {
        ReferenceServer old = server;
        int port = old.address().getPort();
        old.closeNow();
        try {
            old.terminationFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // Bound below, with retries.
        }
        // Read once it is closed: every frame it read is counted.
        requestsBefore += old.stats().requestsTotal();
        sessionsBefore = sessionsBefore.plus(ServerSessionCounters.of(old.stats()));
        long deadline = System.nanoTime() + REBIND_NANOS;
        while (true) {
            try {
                server = builder(plan, port).start();
                return;
            } catch (Exception e) { // Netty rethrows the BindException undeclared
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("cannot bind port " + port + " again: " + e, e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    private static ReferenceServer.Builder builder(LoadPlan plan, int port) {
        ReferenceServer.Builder b = ReferenceServer.builder()
                .host("127.0.0.1")
                .port(port)
                .maxConnections(Math.max(plan.clients() * 2, 1_000));
        if (plan.authToken() != null) {
            b.authToken(plan.authToken());
        }
        if (plan.heartbeat() != null) {
            b.heartbeatInterval(plan.heartbeat()); // the server derives its idle timeout from it
        }
        if (plan.serverServiceTime() != null) {
            b.serviceTime(ServiceTime.parse(plan.serverServiceTime()));
        }
        if (plan.mode() == Mode.PUSH) {
            b.pushRate(plan.pushRate());
        }
        return b;
    }

    InetSocketAddress address() {
        return server.address();
    }

    long requestsTotal() {
        return requestsBefore + server.stats().requestsTotal();
    }

    /** Delivery and session figures of this server and every one it replaced. */
    synchronized ServerSessionCounters sessionCounters() {
        return sessionsBefore.plus(ServerSessionCounters.of(server.stats()));
    }

    @Override
    public void close() {
        server.closeNow();
    }
}
