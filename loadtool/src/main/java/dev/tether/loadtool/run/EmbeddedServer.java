package dev.tether.loadtool.run;

import dev.tether.server.ReferenceServer;
import dev.tether.server.ServiceTime;
import java.net.InetSocketAddress;

/** The reference server a run starts in its own process when no {@code --target} is given. */
final class EmbeddedServer implements AutoCloseable {
    private final ReferenceServer server;

    private EmbeddedServer(ReferenceServer server) {
        this.server = server;
    }

    /** Starts a server on 127.0.0.1, a free port, sized and configured for the plan. */
    static EmbeddedServer start(LoadPlan plan) {
        ReferenceServer.Builder b = ReferenceServer.builder()
                .host("127.0.0.1")
                .port(0)
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
        return new EmbeddedServer(b.start());
    }

    InetSocketAddress address() {
        return server.address();
    }

    long requestsTotal() {
        return server.stats().requestsTotal();
    }

    @Override
    public void close() {
        server.closeNow();
    }
}
