package dev.tether.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Owns one server and the raw clients a test opens, and takes them down after it: clients first, then
 * the check that the registry emptied (every session removed however it ended), then the server.
 */
final class ServerFixture implements AutoCloseable {
    final ReferenceServer server;
    private final List<RawClient> clients = new ArrayList<>();

    ServerFixture(ServerBuilder builder) {
        this.server = builder.host("127.0.0.1").port(0).start();
    }

    /** Two event loops unless the test says otherwise. */
    static ServerBuilder builder() {
        return new ServerBuilder().eventLoopThreads(2);
    }

    RawClient raw() throws IOException {
        RawClient c = new RawClient(server.port());
        clients.add(c);
        return c;
    }

    RawClient session() throws IOException {
        RawClient c = RawClient.connected(server);
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        clients.forEach(RawClient::close);
        try {
            Await.registryEmpty(server);
            // Every byte a connection counted against the memory budget was given back: what is left is the
            // detached sessions' (kept for a resume), which the shutdown gives back.
            Await.until(java.time.Duration.ofSeconds(5), () -> server.memoryInUse() == server.store.chargedBytes(),
                    () -> "memory still counted: " + server.memoryInUse() + ", of which detached sessions " + server.store.chargedBytes());
        } finally {
            server.closeNow();
            server.terminationFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        }
        if (server.memoryInUse() != 0 || server.store.size() != 0) {
            throw new AssertionError("after the shutdown, memory still counted: " + server.memoryInUse() + ", sessions stored: "
                    + server.store.size());
        }
    }
}
